/**
 * The liveness phase: a schedule that leaves a majority down (a shrunk schedule can lose its
 * undos) fails the Liveness checker unless the phase heals everything, and passes when it does.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from './case.ts';
import { runCase } from './run.ts';

// Crash s1 and s2 of 3 and pause s3, with no undo before the window ends (as a shrunk schedule may).
const broken: Case = {
  v: 1,
  seed: 11,
  ensemble: { servers: 3, observers: 0, tickTime: 500, sessionTimeoutMs: 3000 },
  windowMs: 3000,
  faults: [
    { kind: 'crash', atMs: 2000, forMs: 100_000, a: 0, b: 0, x: 0 },
    { kind: 'crash', atMs: 2100, forMs: 100_000, a: 1, b: 0, x: 0 },
    { kind: 'pause', atMs: 2200, forMs: 100_000, a: 2, b: 0, x: 0 },
  ],
  workload: [{ recipe: 'counter', startMs: 0, rounds: 30, gapMs: 50 }],
};

describe('liveness phase', () => {
  it('without the heal, the Liveness checker fails (no leader, no commit, no probe write)', () => {
    const r = runCase(broken, { skipHeal: true });
    expect(r.failures).toContain('Liveness');
    expect(r.probeAckUs).toBeNull();
  });

  it('with the heal (restart crashed, resume paused), the ensemble recovers and every checker passes', () => {
    const r = runCase(broken);
    expect(r.failures).toEqual([]);
    expect(r.probeAckUs).not.toBeNull();
    expect(r.clientOps).toBeGreaterThan(10);
  });
});
