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
    const sim = new Simulation({ seed: 1, nodes, factory: pingNodes(nodes) });
    sim.at(ms(50), (s) => s.crash('s2'));
    sim.at(ms(60), (s) => s.restart('s2'));
    sim.at(ms(70), (s) => s.request('s1', { cmd: 'stats' }));
    sim.run({ until: ms(100) });
    const kinds = new Set(sim.trace.records.map((r) => r.ev));
    for (const k of ['boot', 'send', 'recv', 'timer', 'disk', 'crash', 'restart', 'peerDown', 'request', 'reply', 'trace']) {
      expect(kinds.has(k), k).toBe(true);
    }
    expect(sim.trace.records.every((r) => Number.isInteger(r.t))).toBe(true);
    const ts = sim.trace.records.map((r) => r.t);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
  });
});
