/**
 * Every verdict on an ensemble test run at once: the trace's safety checkers (`checkers/index.ts`,
 * the same ones every scenario and generated run gets) and the final-state checks
 * (`final-state.ts`). An empty list means the run is clean.
 *
 * Linearizability is left out here: on the long, fault-heavy test runs (ensemble/fuzz.test.ts) its
 * search spends its whole 20 s budget and then passes with an "undecided" note — time without a
 * verdict. It runs on every scenario and generated harness run, and on real ensemble runs in
 * checkers/linearizable.test.ts.
 */
import { runAll, SAFETY } from '../../checkers/index.ts';
import type { Ensemble } from '../ensemble.ts';
import { divergence, lostWrites } from './final-state.ts';

const CHECKED = Object.keys(SAFETY).filter((name) => name !== 'Linearizability');

/** One line per violation of a safety checker (at most `max` per checker); `names` picks checkers
 *  (default: every safety checker but Linearizability). */
export function checkerViolations(e: Ensemble, max = 5, names: readonly string[] = CHECKED): string[] {
  const verdicts = runAll(e.sim.trace.records, { ensembleSize: e.cfg.participants.length, maxViolations: max }, names);
  return verdicts.flatMap((v) => v.violations.map((x) => `${v.name}: ${x.message}`));
}

export function allViolations(e: Ensemble, exists = (s: string, p: string) => e.has(s, p)): string[] {
  return [...checkerViolations(e), ...lostWrites(e, exists), ...divergence(e)];
}
