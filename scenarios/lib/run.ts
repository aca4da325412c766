/**
 * Runs a scenario and judges it: the kernel run (sim/scenario.ts), every trace checker
 * (checkers/index.ts) with the scenario's check settings, and a summary of the run (leaders
 * elected, client writes acknowledged and lost) for `npm run sim -- --json` and the tests.
 */
import { runAll } from '../../checkers/index.ts';
import type { CheckOptions, CheckResult } from '../../checkers/index.ts';
import { runScenario } from '../../sim/scenario.ts';
import type { Scenario, ScenarioResult } from '../../sim/scenario.ts';
import type { TraceOptions } from '../../sim/trace.ts';
import { summarize } from './summary.ts';
import type { RunSummary } from './summary.ts';

export interface CheckedRun {
  readonly result: ScenarioResult;
  readonly verdicts: readonly CheckResult[];
  readonly summary: RunSummary;
  /** Every expectation holds, every checker passes, the event limit was not hit. */
  readonly ok: boolean;
}

export function checkOptions(s: Scenario): CheckOptions {
  const c = s.check;
  if (c === undefined) return {};
  const healedAt = c.healedAtUs;
  return {
    ...(c.ensembleSize === undefined ? {} : { ensembleSize: c.ensembleSize }),
    ...(healedAt === undefined ? {} : { healedAt }),
    ...(c.livenessNeedsWrite === undefined ? {} : { livenessNeedsWrite: c.livenessNeedsWrite }),
    ...(c.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: c.sessionTimeoutMs }),
  };
}

export interface RunOptions {
  readonly seed?: number;
  readonly trace?: TraceOptions;
  readonly onProgress?: (nowUs: number, endUs: number, events: number) => void;
}

export function runChecked(scenario: Scenario, opts: RunOptions = {}): CheckedRun {
  const result = runScenario(scenario, opts);
  const records = result.sim.trace.records;
  const verdicts = runAll(records, checkOptions(scenario));
  const summary = summarize(records);
  return { result, verdicts, summary, ok: result.ok && verdicts.every((v) => v.ok) };
}
