import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

describe('leader crash', () => {
  for (const seed of [1, 2, 3]) {
    it(`a new leader is elected within a few hundred ms of virtual time and takes writes (seed ${seed})`, () => {
      const c = Ensemble.simulate({ servers: 3, clients: 2, seed });
      expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
      connectAll(c);
      expect(createMany(c, 'c1', 'before', 5)).toBe(5);
      const old = c.leader()!;
      const oldEpoch = old.leader!.epoch;
      const t0 = c.sim.now;
      c.sim.crash(old.id);
      expect(c.runUntil(() => c.leader() !== null, 10_000, 1)).toBe(true);
      const elapsedMs = (c.sim.now - t0) / 1000;
      // FLE's finalizeWait is 200 ms; a real 3.8 ensemble took ~380 ms.
      expect(elapsedMs).toBeGreaterThan(200);
      expect(elapsedMs).toBeLessThan(1_000);
      const fresh = c.leader()!;
      expect(fresh.id).not.toBe(old.id);
      expect(fresh.leader!.epoch).toBe(oldEpoch + 1);
      expect(createMany(c, 'c1', 'after', 5)).toBe(5);
      expect(createMany(c, 'c2', 'after2', 2)).toBe(2);
      c.sim.restart(old.id);
      expect(converge(c)).toBe(true);
      expect(allViolations(c)).toEqual([]);
    });
  }

  it('pipelined writes across a leader crash: acknowledged ones survive, the rest fail with ConnectionLoss', () => {
    const c = Ensemble.simulate({ servers: 5, clients: 3, seed: 9 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) keys.push(c.send(`c${(i % 3) + 1}`, { op: 'create', path: `/p-${i}`, data: 'v' }));
    c.runFor(3);
    c.sim.crash(c.leader()!.id);
    c.runFor(15_000);
    const rcs = keys.map((k) => (c.result(k) as { rc: number } | undefined)?.rc);
    expect(rcs.every((rc) => rc === 0 || rc === -4)).toBe(true);
    expect(rcs.filter((rc) => rc === 0).length).toBeGreaterThan(0);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });
});
