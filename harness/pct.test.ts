/**
 * PCT delivery order in generated runs (case.ts `pct`, sim/pct.ts): a case with it replays to the
 * same trace, differs from the same case without it, is printed with the case and validated on
 * decode; swarm runs draw it for about half their runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, SWARM_SHAPE } from './arbitraries.ts';
import { decodeCase, encodeCase, makeCase, type Case } from './case.ts';
import { describeCase } from './describe.ts';
import { runCase } from './run.ts';

const base: Case = makeCase({
  seed: 11,
  ensemble: { servers: 3, observers: 1, tickTime: 200, sessionTimeoutMs: 2000 },
  windowMs: 6000,
  faults: [{ kind: 'crash', atMs: 1500, forMs: 800, a: 0, b: 0, x: 0.5 }],
  workload: [{ recipe: 'counter', startMs: 0, rounds: 20, gapMs: 50 }],
});

describe('PCT in generated runs', () => {
  it('same case, same trace; PCT changes it; every checker passes', () => {
    const pct = makeCase({ ...base, pct: { depth: 3 } });
    const a = runCase(pct);
    expect(a.failures).toEqual([]);
    expect(runCase(pct).hash).toBe(a.hash);
    expect(runCase(base).hash).not.toBe(a.hash);
  });

  it('is printed with the case and checked on decode', () => {
    const c = makeCase({ ...base, pct: { depth: 2 } });
    expect(describeCase(c).join('\n')).toMatch(/order +PCT depth 2: .*1 change point/);
    expect(describeCase(base).join('\n')).toMatch(/order +link latencies/);
    expect(decodeCase(encodeCase(c))).toEqual(c);
    expect(() => decodeCase(JSON.stringify({ ...c, pct: { depth: 0 } }))).toThrow(/^bad case: 'depth' must be an integer in \[1, 10\]$/);
    expect(() => decodeCase(JSON.stringify({ ...c, pct: 3 }))).toThrow(/^bad case: pct must be an object$/);
  });

  it('swarm runs draw it for about half their runs, depth 1-3', () => {
    const cases = fc.sample(caseArb(SWARM_SHAPE), { seed: 5, numRuns: 200 });
    const on = cases.filter((c) => c.pct !== undefined);
    expect(on.length).toBeGreaterThan(60);
    expect(on.length).toBeLessThan(140);
    expect(new Set(on.map((c) => c.pct!.depth))).toEqual(new Set([1, 2, 3]));
  });
});
