import { describe, expect, it } from 'vitest';
import { pingNodes } from './ping-node.ts';
import { Simulation } from './simulation.ts';
import { traceDigest } from './trace-digest.ts';
import { toJsonl, Trace } from './trace.ts';
import { ms } from './time.ts';

const decode = (jsonl: string): object[] => jsonl.trimEnd().split('\n').map((l) => JSON.parse(l) as object);

describe('trace', () => {
  it('sha256 is the digest of the records as their JSONL lines decode, also when streamed to a sink without retention', () => {
    const lines: string[] = [];
    const nodes = ['s1', 's2'];
    const a = new Simulation({ seed: 5, nodes, factory: pingNodes(nodes) });
    const b = new Simulation({ seed: 5, nodes, factory: pingNodes(nodes), trace: { retain: false, sink: (_r, l) => lines.push(l) } });
    a.run({ until: ms(300) });
    b.run({ until: ms(300) });
    const text = toJsonl(a.trace.records);
    expect(a.trace.records.length).toBeGreaterThan(100);
    expect(a.trace.sha256()).toBe(traceDigest(decode(text)));
    expect(b.trace.records).toHaveLength(0);
    expect(lines.join('\n') + '\n').toBe(text);
    expect(b.trace.sha256()).toBe(a.trace.sha256());
  });

  it('streaming without retention hashes in batches: same digest as retained over many batches, read mid-run too', () => {
    const nodes = ['s1', 's2', 's3', 's4'];
    const make = (trace: ConstructorParameters<typeof Simulation>[0]['trace']) =>
      new Simulation({ seed: 9, nodes, factory: pingNodes(nodes, { periodMs: 1 }), trace });
    const kept = make({});
    const streamed = make({ retain: false });
    const lines: string[] = [];
    const sunk = make({ retain: false, hash: false, sink: (_r, l) => lines.push(l) });
    const mid: string[] = [];
    for (const sim of [kept, streamed, sunk]) {
      sim.run({ until: ms(2_000) });
      mid.push(sim.trace.sha256());
      sim.run({ until: ms(4_000) });
    }
    expect(kept.trace.length).toBeGreaterThan(50_000);
    expect(streamed.trace.length).toBe(kept.trace.length);
    expect(streamed.trace.records).toHaveLength(0);
    expect(mid[1]).toBe(mid[0]);
    expect(streamed.trace.sha256()).toBe(kept.trace.sha256());
    expect(sunk.trace.sha256()).toBe('unhashed');
    expect(lines.join('\n') + '\n').toBe(toJsonl(kept.trace.records));
    expect(traceDigest(decode(lines.join('\n')))).toBe(kept.trace.sha256());
  });

  it('sha256 can be read mid-run and keeps hashing afterwards', () => {
    const t = new Trace();
    t.emit({ t: 1, node: 'a', ev: 'note', text: 'x' });
    const h1 = t.sha256();
    t.emit({ t: 2, node: 'a', ev: 'note', text: 'y' });
    const h2 = t.sha256();
    expect(h1).not.toBe(h2);
    expect(h2).toBe(traceDigest(decode(toJsonl(t.records))));
  });

  it('records the kinds the timeline relies on, with integer times', () => {
    const nodes = ['s1', 's2'];
    const sim = new Simulation({ seed: 1, nodes, factory: pingNodes(nodes, { connections: true }) });
    sim.at(ms(50), (s) => s.crash('s2'));
    sim.at(ms(60), (s) => s.restart('s2'));
    sim.at(ms(70), (s) => s.request('s1', { cmd: 'stats' }));
    sim.run({ until: ms(100) });
    const kinds = new Set<string>(sim.trace.records.map((r) => r.ev));
    for (const k of ['boot', 'send', 'recv', 'timer', 'disk', 'crash', 'restart', 'connect', 'accept', 'lost', 'request', 'reply', 'trace']) {
      expect(kinds.has(k), k).toBe(true);
    }
    expect(sim.trace.records.every((r) => Number.isInteger(r.t))).toBe(true);
    const ts = sim.trace.records.map((r) => r.t);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
  });
});
