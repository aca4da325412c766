/**
 * What kind of failure a run's failed checkers amount to, and the exit code each kind has in the
 * harness commands (explore, replay, zoo). A run may fail several ways; the most severe kind names
 * it: safety (a checker that must hold on every prefix, or the run threw) > liveness (a timed
 * checker: Liveness, TimelyExpiry, LearnerJoin) > budget (the run hit its event or trace-record bound and was cut).
 */
import { SAFETY } from '../checkers/index.ts';

export type FailureKind = 'safety' | 'liveness' | 'budget';

/** The failure name a run cut at its bound carries (not a checker). */
export const BUDGET = 'Budget';

/** Exit codes: 0 pass, 1 safety, 2 bad usage, 3 liveness, 4 budget. */
export const EXIT: Readonly<Record<'pass' | 'usage' | FailureKind, number>> = { pass: 0, safety: 1, usage: 2, liveness: 3, budget: 4 };

export function kindOf(name: string): FailureKind {
  if (name === BUDGET) return 'budget';
  if (name in SAFETY || name === 'Exception') return 'safety';
  return 'liveness';
}

const RANK: Readonly<Record<FailureKind, number>> = { safety: 3, liveness: 2, budget: 1 };

/** The most severe kind among `failures`, or null when there are none. */
export function worstKind(failures: readonly string[]): FailureKind | null {
  let worst: FailureKind | null = null;
  for (const f of failures) {
    const k = kindOf(f);
    if (worst === null || RANK[k] > RANK[worst]) worst = k;
  }
  return worst;
}

/** The exit code for a set of failure names (0 when empty). */
export function exitCodeFor(failures: readonly string[]): number {
  const k = worstKind(failures);
  return k === null ? EXIT.pass : EXIT[k];
}
