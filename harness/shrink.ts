/**
 * Property glue: run generated cases through `runCase` under fast-check, and when one fails, let
 * fast-check shrink it (fewer episodes, fewer clients, fewer rounds, smaller times, 3 servers) to a
 * case that still fails one of the checkers the original failed. Shrinking is bounded by a run
 * budget (deterministic: a count of runs) and by a wall-clock budget (a safety net: the shrunk case
 * then depends on the machine's speed, but it is printed and replays by its own hash); past either,
 * every further candidate is declined without running. Progress is reported through `onShrink`.
 */
import fc from 'fast-check';
import { caseArb, DEFAULT_SHAPE, type CaseShape } from './arbitraries.ts';
import { encodeCase, type Case } from './case.ts';
import { caseFaults } from './schedule.ts';
import { caseNodes, runCase, type RunResult } from './run.ts';
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
  /** Shrink towards these failures only (default: any of the original's). */
  readonly keep?: readonly string[];
  /** Most wall-clock milliseconds spent shrinking a failure (default: no limit). */
  readonly shrinkWallMs?: number;
  /** Called after each generated (not shrinking) run. */
  readonly onRun?: (c: Case, r: RunResult) => void;
  /** Called once when a generated run fails, before shrinking starts. */
  readonly onFailure?: (c: Case, r: RunResult) => void;
  /** Shrink progress, a line at most every `progressMs` (default 2000) and one at the end. */
  readonly onShrink?: (line: string) => void;
  readonly progressMs?: number;
}

/** A case's schedule length: the kernel fault events it expands to (faults and their undos). */
export function scheduleLength(c: Case): number {
  const { servers, clients } = caseNodes(c);
  // A trigger (crashAfter, window) counts as its crash and restart of the first server, a deaf
  // leader as its cut and uncut.
  const triggers = c.faults.filter((f) => (f.kind === 'crashAfter' || f.kind === 'window' || f.kind === 'deafLeader') && f.atMs < c.windowMs).length;
  return caseFaults(c.faults, [...servers, ...clients], c.windowMs).length + 2 * triggers;
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
    return { hash: '', failures: ['Exception'], failed, checkers: 0, healedAtUs: c.windowMs * 1000, endUs: 0, probeAckUs: null, records: 0, clientOps: 0, windows: [] };
  }
}

/** Runs `numRuns` generated cases from `seed`; shrinks the first failure. */
export function search(o: SearchOptions): SearchResult {
  const budget = o.shrinkBudget ?? 150;
  const hashes: string[] = [];
  let original: { c: Case; failures: readonly string[] } | null = null;
  let last: { c: Case; r: RunResult } | null = null;
  let shrinkRuns = 0;
  let keep: readonly string[] = [];
  let shrinkStart = 0;
  let lastReport = 0;
  let firstSteps = 0;
  let stopped = '';
  const progressMs = o.progressMs ?? 2000;
  const line = (done: boolean): string => {
    const steps = last === null ? 0 : scheduleLength((last as { c: Case }).c);
    const s = ((Date.now() - shrinkStart) / 1000).toFixed(1);
    return `shrinking run ${o.seed}: ${firstSteps} → ${steps} steps (${shrinkRuns} runs, ${s} s)${done ? (stopped ? `, stopped: ${stopped}` : ', done') : ''}`;
  };
  const prop = fc.property(caseArb(o.shape ?? DEFAULT_SHAPE, o.bugs), (c) => {
    if (original === null) {
      const r = safeRun(c);
      hashes.push(r.hash);
      o.onRun?.(c, r);
      if (r.failures.length === 0) return true;
      original = { c, failures: r.failures };
      keep = o.keep === undefined ? r.failures : r.failures.filter((f) => o.keep!.includes(f));
      if (keep.length === 0) keep = r.failures;
      last = { c, r };
      o.onFailure?.(c, r);
      shrinkStart = lastReport = Date.now();
      firstSteps = scheduleLength(c);
      return false;
    }
    // Shrinking: a candidate counts as failing only if one of the original failures is still there.
    if (stopped) return true;
    if (shrinkRuns >= budget) stopped = `run budget ${budget}`;
    else if (o.shrinkWallMs !== undefined && Date.now() - shrinkStart >= o.shrinkWallMs) stopped = `wall budget ${(o.shrinkWallMs / 1000).toFixed(0)} s`;
    if (stopped) return true;
    shrinkRuns++;
    const r = safeRun(c);
    if (o.onShrink && Date.now() - lastReport >= progressMs) {
      lastReport = Date.now();
      o.onShrink(line(false));
    }
    if (!r.failures.some((f) => keep.includes(f))) return true;
    last = { c, r };
    return false;
  });
  const details = fc.check(prop, { seed: o.seed, numRuns: o.numRuns, endOnFailure: false });
  if (original !== null) o.onShrink?.(line(true));
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
