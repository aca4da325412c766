/**
 * Run bounds and failure kinds: a run over its record or event bound is cut and ends as a Budget
 * failure (judged by the safety checkers only), not an out-of-memory crash; slicing the run to
 * check the bound does not change its trace; failure kinds map to distinct exit codes.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from './case.ts';
import { BUDGET, EXIT, exitCodeFor, kindOf, worstKind } from './outcome.ts';
import { runCase } from './run.ts';

const c: Case = {
  v: 1,
  seed: 7,
  ensemble: { servers: 3, observers: 1, tickTime: 500, sessionTimeoutMs: 3000 },
  windowMs: 4000,
  faults: [{ kind: 'crash', atMs: 1000, forMs: 500, a: 0, b: 0, x: 0 }],
  workload: [{ recipe: 'counter', startMs: 0, rounds: 20, gapMs: 20 }],
};

describe('run bounds', () => {
  it('a run over its record bound is cut and fails Budget only; within bounds it passes, same hash however sliced', () => {
    const whole = runCase(c);
    expect(whole.failures).toEqual([]);
    expect(whole.budget).toBeUndefined();
    expect(runCase(c, { maxEvents: 50_000_000, maxRecords: 50_000_000 }).hash).toBe(whole.hash);
    const cut = runCase(c, { maxRecords: 500 });
    expect(cut.failures).toEqual([BUDGET]);
    expect(cut.budget?.kind).toBe('records');
    expect(cut.records).toBeLessThan(whole.records);
    expect(cut.failed[0]!.violations[0]!.message).toMatch(/run cut at 500 records/);
  });

  it('a run over its event bound is cut at exactly that many events', () => {
    const cut = runCase(c, { maxEvents: 300 });
    expect(cut.failures).toEqual([BUDGET]);
    expect(cut.budget).toMatchObject({ kind: 'events', limit: 300 });
  });
});

describe('failure kinds', () => {
  it('safety > liveness > budget, each with its own exit code', () => {
    expect(kindOf('CommittedLogDurability')).toBe('safety');
    expect(kindOf('Exception')).toBe('safety');
    expect(kindOf('Liveness')).toBe('liveness');
    expect(kindOf('TimelyExpiry')).toBe('liveness');
    expect(kindOf(BUDGET)).toBe('budget');
    expect(worstKind([])).toBeNull();
    expect(worstKind([BUDGET, 'Liveness'])).toBe('liveness');
    expect(worstKind([BUDGET, 'Liveness', 'Agreement'])).toBe('safety');
    expect([exitCodeFor([]), exitCodeFor(['Agreement']), exitCodeFor(['Liveness']), exitCodeFor([BUDGET])]).toEqual([0, 1, 3, 4]);
    expect(new Set(Object.values(EXIT)).size).toBe(5);
  });
});

describe('hold past the probe', () => {
  it('a case with holdMs runs on after the probe to windowMs + holdMs; without it, the run ends at the probe as before', () => {
    const plain = runCase(c);
    const held = runCase({ ...c, holdMs: 20_000 });
    expect(plain.endUs).toBe(plain.probeAckUs);
    expect(held.probeAckUs).toBe(plain.probeAckUs);
    expect(held.endUs).toBe((c.windowMs + 20_000) * 1000);
    expect(held.failures).toEqual([]);
  });
});
