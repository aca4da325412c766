/**
 * The library's own expectations are trusted only because they catch planted bugs: a lock recipe
 * that does not wait for its turn, and a counter that writes without the version.
 */
import { describe, expect, it } from 'vitest';
import { runChecked } from './lib/run.ts';
import { lockScenario } from './recipe-lock.ts';
import { counterScenario } from './recipe-counter.ts';
import { splitBrainScenario } from './split-brain.ts';

function failed(run: ReturnType<typeof runChecked>): string[] {
  return run.result.expectations.filter((e) => !e.ok).map((e) => e.name);
}

describe('planted recipe bugs are caught by the scenario expectations', () => {
  it('a lock that does not wait for its turn: two holders at once', () => {
    const good = runChecked(lockScenario());
    expect(failed(good)).toEqual([]);
    const bad = runChecked(lockScenario({ plantedBug: 'noWait' }));
    expect(bad.ok).toBe(false);
    expect(failed(bad)).toContain('never two holders at once');
  });

  it('a counter written without its version: lost updates', () => {
    const bad = runChecked(counterScenario({ plantedBug: 'blindWrite' }));
    expect(bad.ok).toBe(false);
    expect(failed(bad)).toContain('the counter reads 30: no update lost');
    // The ensemble itself did nothing wrong: every checker still passes.
    expect(bad.verdicts.filter((v) => !v.ok).map((v) => v.name)).toEqual([]);
  });

  it('split brain with the client on the wrong side: the doomed write never reaches the old leader', () => {
    // The scenario's old form: c1 was left with the majority, so its write was dropped at the
    // partition; an expectation judged on the live servers ("/doomed is gone") still passed.
    const bad = runChecked(splitBrainScenario({ clientWithOldLeader: false }));
    const name = failed(bad).find((n) => /logged the write to \/doomed/.test(n));
    expect(name).toBeDefined();
    expect(bad.result.expectations.find((e) => e.name === name)?.detail).toMatch(/never proposed a write to \/doomed/);
    expect(bad.result.expectations.find((e) => e.name === '/doomed is gone')?.ok).toBe(true);
  });
});
