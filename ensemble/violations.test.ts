/**
 * The ensemble tests' verdict (`testing/violations.ts`): clean on a clean run, and each part catches
 * a planted defect — a lost acknowledged create, and ZOOKEEPER-1154 (DIFF instead of TRUNC) in
 * both the trace checkers and the final-state image comparison.
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from './ensemble.ts';
import { lostWrites } from './testing/final-state.ts';
import { allViolations, checkerViolations } from './testing/violations.ts';
import { connectAll, converge, createMany, restartOldLeaderWithUncommittedTxn } from './testing/workload.ts';

describe('allViolations', () => {
  it('is empty on a clean run and flags an acknowledged create a server lost', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 71 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'i', 3)).toBe(3);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
    // Planted: server s2 "forgets" /i-1.
    const forgetful = (s: string, p: string): boolean => !(s === 's2' && p === '/i-1') && c.has(s, p);
    expect(lostWrites(c, forgetful)).toEqual(['s2 lost acknowledged create /i-1']);
  });

  it('flags ZOOKEEPER-1154 re-planted, by the trace checkers and by the state images', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 7, cfg: { bugs: { diffInsteadOfTrunc: true } } });
    restartOldLeaderWithUncommittedTxn(c);
    expect(c.runUntil(() => c.settled(), 30_000)).toBe(true);
    connectAll(c, ['c2']);
    expect(createMany(c, 'c2', 'after', 1)).toBe(1);
    expect(converge(c)).toBe(true);
    expect(checkerViolations(c).some((m) => m.startsWith('PrefixConsistency: '))).toBe(true);
    expect(allViolations(c).some((m) => m.includes(' differ at '))).toBe(true);
  });
});
