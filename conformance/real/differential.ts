/**
 * The differential harness: fast-check generates op scripts; each runs against a FRESH real
 * ZooKeeper (from a pool of servers started ahead) and against a second runner (the model); the
 * recordings must be equal. A difference is shrunk to a minimal script, which is reported with
 * both recordings of it.
 */
import fc from 'fast-check';
import type { Recording } from '../recording.ts';
import { compareRecordings } from '../recording.ts';
import type { Script } from '../script.ts';
import { RealServerPool } from './pool.ts';
import { runScriptAgainstReal } from './runner.ts';
import type { RealServerConfig } from './server.ts';

export interface DiffFailure {
  script: Script;
  diff: string[];
  real: Recording;
  other: Recording;
  /** Of `reruns` fresh reruns of the final script, how many differed again (timing flake check). */
  reproduced?: number;
  reruns?: number;
}

export interface DifferentialOptions {
  arb: fc.Arbitrary<Script>;
  serverConfig: RealServerConfig;
  /** The runner under test (the model), given the same script (and the real recording of it). */
  other: (script: Script, real: Recording) => Recording | Promise<Recording>;
  numRuns: number;
  seed: number;
  /** Real runs allowed while shrinking a failure; after that the smallest failure so far stands. */
  shrinkBudget?: number;
  /** Servers booting ahead of use. */
  ahead?: number;
}

export interface DifferentialResult {
  /** Scripts run (including shrink steps). */
  runs: number;
  failure?: DiffFailure;
  /** fast-check's own report (seed, path, counterexample) when it failed. */
  report?: string;
  startTimesMs: number[];
}

export async function runDifferential(o: DifferentialOptions): Promise<DifferentialResult> {
  const pool = new RealServerPool(o.serverConfig, o.ahead ?? 2);
  let runs = 0;
  let failure: DiffFailure | undefined;
  let shrinkRuns = 0;
  const budget = o.shrinkBudget ?? 60;
  try {
    const prop = fc.asyncProperty(o.arb, async (script) => {
      if (failure && shrinkRuns >= budget) return true; // budget spent: keep the smallest so far
      if (failure) shrinkRuns++;
      runs++;
      const real = await pool.withServer((s) => runScriptAgainstReal(script, { server: s.address }));
      const other = await o.other(script, real);
      const diff = compareRecordings(real, other);
      if (diff.length === 0) return true;
      failure = { script, diff, real, other };
      return false;
    });
    const details = await fc.check(prop, { numRuns: o.numRuns, seed: o.seed, endOnFailure: false });
    const result: DifferentialResult = { runs, startTimesMs: pool.startTimes };
    if (details.failed) {
      if (failure) {
        // Rerun the final script: a difference that does not come back points at timing, not logic.
        const f: DiffFailure = failure;
        f.reruns = 2;
        f.reproduced = 0;
        for (let k = 0; k < f.reruns; k++) {
          const real = await pool.withServer((s) => runScriptAgainstReal(f.script, { server: s.address }));
          if (compareRecordings(real, await o.other(f.script, real)).length > 0) f.reproduced++;
        }
        result.failure = f;
      }
      result.report = `seed ${details.seed}, path "${details.counterexamplePath ?? ''}", ${details.numShrinks} shrinks` +
        (details.errorInstance ? `: ${String(details.errorInstance)}` : '');
    }
    return result;
  } finally {
    await pool.close();
  }
}

/** The failure as text: the minimal script as JSON (ready to save and rerun), then the diff. */
export function describeFailure(f: DiffFailure, title: string): string {
  const only = (r: Recording): unknown => ({ ...r, results: r.results.filter((_, i) => f.diff.some((d) => d.startsWith(`results[${i}]`))) });
  return [
    `${title}: the model and a real ZooKeeper 3.8 disagree on this ${f.script.ops.length}-op script` +
      (f.reruns ? ` (the difference came back in ${f.reproduced}/${f.reruns} fresh reruns${f.reproduced === 0 ? ': a timing flake?' : ''})` : ''),
    '--- script (save as JSON; rerun with npm run conformance) ---',
    JSON.stringify(f.script, null, 1),
    '--- differences (real != model) ---',
    ...f.diff,
    '--- real results of the differing ops ---',
    JSON.stringify(only(f.real), null, 1),
    '--- model results of the differing ops ---',
    JSON.stringify(only(f.other), null, 1),
  ].join('\n');
}
