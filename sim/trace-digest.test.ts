import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../protocol/contract.ts';
import { ALL_EPISODES, randomFaults, scheduleFaults, type TimedFault } from './faults.ts';
import { pingNodes } from './ping-node.ts';
import { puppets } from './puppet.ts';
import { Simulation } from './simulation.ts';
import { traceDigest } from './trace-digest.ts';
import { toJsonl, Trace, type TraceRecord } from './trace.ts';
import { ms } from './time.ts';

/** What a reader of a `--trace` file has: each line decoded. */
function readTraceFile(path: string): object[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as object);
}

/** The kernel workload of sim/determinism.test.ts: every fault kind, requests, disk ops. */
function faultyPingRun(seed: number, trace: ConstructorParameters<typeof Simulation>[0]['trace'] = {}): Simulation {
  const nodes = ['s1', 's2', 's3', 's4'];
  const sim = new Simulation({ seed, nodes, factory: pingNodes(nodes, { periodMs: 5, fsyncEvery: 2 }), trace });
  const faults = sim.rng.stream('faults');
  const schedule: TimedFault[] = [];
  for (const kind of ALL_EPISODES) {
    schedule.push(...randomFaults(faults, nodes, { durationUs: ms(80), episodes: 1, maxLengthUs: ms(30), kinds: [kind] }));
  }
  schedule.sort((x, y) => x.at - y.at);
  scheduleFaults(sim, schedule);
  const wl = sim.rng.stream('workload');
  for (let i = 0; i < 10; i++) sim.at(wl.int(ms(90)), (s) => s.request(wl.pick(nodes), { cmd: 'write', value: i }));
  sim.setLink('s1', 's2', { dup: 0.3 });
  sim.run({ until: ms(100) });
  return sim;
}

describe('trace digest', () => {
  it('a --trace file, decoded line by line, gives the live digest (kernel faults; a ZooKeeper ensemble: ensemble/trace-digest.test.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-digest-'));
    try {
      const runs: [string, Simulation][] = [
        ['faulty ping seed 1', faultyPingRun(1)],
        ['faulty ping seed 2', faultyPingRun(2)],
      ];
      for (const [name, sim] of runs) {
        const file = join(dir, 'trace.jsonl');
        writeFileSync(file, toJsonl(sim.trace.records));
        const kinds = new Set(sim.trace.records.map((r) => r.ev));
        expect(kinds.size, name).toBeGreaterThan(8);
        expect(traceDigest(readTraceFile(file)), name).toBe(sim.trace.sha256());
        // The generic path over the live objects agrees with the kernel's columnar fast path too.
        expect(traceDigest(sim.trace.records), name).toBe(sim.trace.sha256());
      }
      // A file written by a sink as the run goes (what `npm run sim -- --trace` does), without retention.
      const lines: string[] = [];
      const streamed = faultyPingRun(1, { retain: false, sink: (_r, line) => lines.push(line) });
      writeFileSync(join(dir, 'streamed.jsonl'), lines.join('\n') + '\n');
      expect(traceDigest(readTraceFile(join(dir, 'streamed.jsonl')))).toBe(streamed.trace.sha256());
      expect(streamed.trace.sha256()).toBe(runs[0]![1].trace.sha256());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('values JSON changes on the way to the file hash as they decode (undefined, NaN, -0, toJSON, surrogates, big and long values)', () => {
    const long = 'x'.repeat(200_000);
    const odd = [
      { t: 0, node: 'a', ev: 'note', text: 'plain', gone: undefined, fn: () => 1 },
      { t: 1, node: 'a', ev: 'note', nan: NaN, inf: -Infinity, negZero: -0, f: 0.1, neg: -7, big: 2 ** 40, huge: 2 ** 60, e: 1e-300 },
      { t: 2, node: 'a', ev: 'note', date: new Date(0), prim: { toJSON: () => 42 }, undef: { toJSON: () => undefined } },
      { t: 3, node: 'a', ev: 'note', lone: '\uD800x', pair: '😀', accents: 'héllo wörld', nested: { s: '\uDC00', a: [undefined, NaN, 1] } },
      { t: 4, node: 'a', ev: 'note', long, longJson: { long }, arr: [1, 'two', { three: 3 }], empty: {}, emptyArr: [] },
      { t: 5, node: 'a', ev: 'note', b: true, c: false, n: null, '10': 'integer-like key', k: 'v' },
    ] as unknown as TraceRecord[]; // off-schema on purpose: the digest takes any record
    const t = new Trace();
    for (const r of odd) t.emit(r);
    expect(traceDigest(JSON.parse(JSON.stringify(odd)) as object[])).toBe(t.sha256());

    // The kernel's typed records with values off the usual path: a message whose type is not a
    // string, a reply without result, trace data with toJSON, a message sent twice (cached text).
    const shared = { type: 'shared', body: [1, 2, 3] };
    const script: Effect[][] = [
      [{ kind: 'send', to: 'b', msg: { type: 7 } as never }],
      [{ kind: 'reply', id: 99, result: undefined }],
      [{ kind: 'trace', event: 'x', data: { when: new Date(5), nan: NaN } } as never],
      [{ kind: 'send', to: 'b', msg: shared }, { kind: 'send', to: 'b', msg: shared }, { kind: 'send', to: 'nobody', msg: shared }],
      [{ kind: 'reply', id: 100, result: long }],
    ];
    const p = puppets();
    const sim = new Simulation({ seed: 1, nodes: ['a', 'b'], factory: p.factory });
    for (const effects of script) sim.request('a', { effects });
    sim.request('a', { op: { toJSON: () => 'an op' } });
    sim.run({ until: ms(10) });
    expect(traceDigest(JSON.parse(JSON.stringify(sim.trace.records)) as object[])).toBe(sim.trace.sha256());
  });

  it('different traces give different digests (planted near-misses)', () => {
    const base = [
      { t: 10, node: 's1', ev: 'send', to: 's2', m: 1, type: 'ping', msg: { type: 'ping' } },
      { t: 20, node: 's2', ev: 'recv', from: 's1', m: 1, type: 'ping' },
      { t: 30, node: 's2', ev: 'trace', event: 'state', data: { ab: 'c' } },
    ] as unknown as Record<string, unknown>[]; // off-schema on purpose: the digest takes any record
    const variants = [
      base,
      base.slice(0, 2),
      [base[1]!, base[0]!, base[2]!],
      [{ ...base[0]!, t: 11 }, base[1]!, base[2]!],
      [{ ...base[0]!, m: '1' }, base[1]!, base[2]!],
      [{ ...base[0]!, m: 1.5 }, base[1]!, base[2]!],
      [{ ...base[0]!, m: true }, base[1]!, base[2]!],
      [{ ...base[0]!, m: null }, base[1]!, base[2]!],
      [{ ...base[0]!, msg: '{"type":"ping"}' }, base[1]!, base[2]!],
      [{ ...base[0]!, msg: { type: 'pong' } }, base[1]!, base[2]!],
      [{ t: 10, node: 's1', ev: 'send', m: 1, to: 's2', type: 'ping', msg: { type: 'ping' } }, base[1]!, base[2]!],
      [base[0]!, { ...base[1]!, from: 's1 ' }, base[2]!],
      [base[0]!, base[1]!, { ...base[2]!, data: { a: 'bc' } }],
      [base[0]!, base[1]!, { ...base[2]!, data: { ab: 'c', x: undefined, y: 1 } }],
      [base[0]!, base[1]!, { t: 30, node: 's2', ev: 'trace', event: 'state' }],
      [base[0]!, base[1]!, { t: 30, node: 's2', ev: 'tracestate' }],
      [...base, { t: 30, node: 's2', ev: 'note' }],
      // A string whose characters spell the bytes of the field after it: only its length tells them apart.
      [{ t: 1, node: 'n', ev: 'x', a: 'zz', m: 1 }],
      [{ t: 1, node: 'n', ev: 'x', a: 'zz\u0006\u0004\u0004\u0002' }],
    ];
    const digests = variants.map((v) => traceDigest(v));
    expect(new Set(digests).size).toBe(variants.length);
    // And the live Trace agrees with the function on each.
    for (const v of variants) {
      const t = new Trace();
      for (const r of v) t.emit(r as unknown as TraceRecord);
      expect(t.sha256()).toBe(traceDigest(v));
    }
  });
});
