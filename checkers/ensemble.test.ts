/**
 * The checkers on real simulated ensembles (protocol/server): a healthy run with a leader crash and
 * restart must pass every checker.
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from '../ensemble/ensemble.ts';
import { connectAll, converge, createMany, reconnected } from '../ensemble/testing/workload.ts';
import { runAll } from './index.ts';
import type { CheckResult } from './types.ts';

function report(results: readonly CheckResult[]): string[] {
  return results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.violations.slice(0, 3).map((v) => `[${v.records.join(',')}] ${v.message}`).join(' | ')}`);
}

describe('checkers on a simulated 3.8 ensemble', () => {
  for (const seed of [1, 2]) {
    it(`a leader crash and restart passes every checker (seed ${seed})`, () => {
      const c = Ensemble.simulate({ servers: 3, clients: 2, seed });
      expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
      connectAll(c);
      expect(createMany(c, 'c1', 'before', 5)).toBe(5);
      c.sim.crash(c.leader()!.id);
      expect(c.runUntil(() => c.leader() !== null, 10_000, 1)).toBe(true);
      expect(reconnected(c, 'c2')).toBe(true);
      expect(createMany(c, 'c2', 'after', 5)).toBe(5);
      const old = c.serverIds.find((s) => !c.sim.isUp(s))!;
      c.sim.restart(old);
      const healedAt = c.sim.now;
      expect(converge(c)).toBe(true);
      expect(createMany(c, 'c1', 'healed', 2)).toBe(2);
      const results = runAll(c.sim.trace.records, { healedAt, ensembleSize: 3, livenessBoundUs: 30_000_000 });
      expect(report(results)).toEqual([]);
      expect(results.length).toBeGreaterThan(15);
    });
  }
});
