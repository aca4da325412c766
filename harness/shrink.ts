/**
 * Property glue: run generated cases through `runCase` under fast-check, and when one fails, let
 * fast-check shrink it (fewer episodes, fewer clients, fewer rounds, smaller times, 3 servers) to a
 * case that still fails one of the checkers the original failed. Shrinking is bounded by a run
 * budget (deterministic: a count of runs, not a time), after which every further candidate is
 * declined without running.
 */
import fc from 'fast-check';
import { caseArb, DEFAULT_SHAPE, type CaseShape } from './arbitraries.ts';
import { encodeCase, type Case } from './case.ts';
import { runCase, type RunResult } from './run.ts';
import type { BugFlags } from '../protocol/config.ts';

export interface Found {
  readonly original: Case;
  readonly originalFailures: readonly string[];
  readonly shrunk: Case;
  /** The shrunk case's run. */
  readonly result: RunResult;
  /** Runs spent shrinking. */
  readonly shrinkRuns: number;
  /** The one command that replays the shrunk case and checks its trace hash. */
  readonly command: string;
}

export interface SearchOptions {
  /** fast-check seed. */
  readonly seed: number;
  readonly numRuns: number;
  /** Most runs spent shrinking a failure (default 150). */
  readonly shrinkBudget?: number;
  readonly shape?: CaseShape;
  readonly bugs?: BugFlags;
  /** Called after each generated (not shrinking) run. */
  readonly onRun?: (c: Case, r: RunResult) => void;
}

export interface SearchResult {
  readonly runs: number;
  /** Trace hash of every generated run, in order (determinism checks compare these). */
  readonly hashes: readonly string[];
  readonly found: Found | null;
}

export function replayCommand(c: Case, hash: string): string {
  return `npm run replay -- --case ${encodeCase(c)} --expect ${hash}`;
}

/** A run that throws (a protocol or harness crash) is a failure of its own, named by the error. */
function safeRun(c: Case): RunResult {
  try {
    return runCase(c);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    const failed = [{ name: 'Exception', ok: false, violations: [{ t: 0, message: msg, records: [] }] }];
    return { hash: '', failures: ['Exception'], failed, checkers: 0, healedAtUs: c.windowMs * 1000, endUs: 0, probeAckUs: null, records: 0, clientOps: 0 };
  }
}

/** Runs `numRuns` generated cases from `seed`; shrinks the first failure. */
export function search(o: SearchOptions): SearchResult {
  const budget = o.shrinkBudget ?? 150;
  const hashes: string[] = [];
  let original: { c: Case; failures: readonly string[] } | null = null;
  let last: { c: Case; r: RunResult } | null = null;
  let shrinkRuns = 0;
  const prop = fc.property(caseArb(o.shape ?? DEFAULT_SHAPE, o.bugs), (c) => {
    if (original === null) {
      const r = safeRun(c);
      hashes.push(r.hash);
      o.onRun?.(c, r);
      if (r.failures.length === 0) return true;
      original = { c, failures: r.failures };
      last = { c, r };
      return false;
    }
    // Shrinking: a candidate counts as failing only if one of the original failures is still there.
    if (shrinkRuns >= budget) return true;
    shrinkRuns++;
    const r = safeRun(c);
    if (!r.failures.some((f) => original!.failures.includes(f))) return true;
    last = { c, r };
    return false;
  });
  const details = fc.check(prop, { seed: o.seed, numRuns: o.numRuns, endOnFailure: false });
  const found: Found | null =
    original === null || last === null
      ? null
      : (() => {
          const l = last as { c: Case; r: RunResult };
          const orig = original as { c: Case; failures: readonly string[] };
          return {
            original: orig.c,
            originalFailures: orig.failures,
            shrunk: l.c,
            result: l.r,
            shrinkRuns,
            command: replayCommand(l.c, l.r.hash),
          };
        })();
  if (details.failed && found === null) throw new Error(`property failed outside a run: ${String(details.errorInstance ?? '')}`);
  return { runs: details.numRuns, hashes, found };
}
