import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, createMany } from '../../ensemble/testing/workload.ts';

/** Same seed, same run: the whole trace (every message, timer, disk op, trace event) hashes equal. */
function run(seed: number): string {
  const c = Ensemble.simulate({ servers: 5, observers: 1, clients: 3, seed, sim: { trace: {} } });
  c.runUntil(() => c.settled(), 5_000);
  connectAll(c);
  createMany(c, 'c1', 'a', 5);
  c.sim.crash(c.leader()!.id);
  c.sim.partition([['s1', 's2']]);
  for (let i = 0; i < 10; i++) c.send(`c${(i % 3) + 1}`, { op: 'create', path: `/b${i}`, data: 'x', flags: i % 2 });
  c.runFor(15_000);
  c.sim.heal();
  c.runFor(15_000);
  return c.sim.trace.sha256();
}

describe('ensemble determinism', () => {
  it('two runs with the same seed produce the same trace; another seed differs', () => {
    const a = run(5);
    expect(run(5)).toBe(a);
    expect(run(6)).not.toBe(a);
  });
});
