/**
 * `npm run explore -- --runs N [--seed S] [--workers K] [--out DIR] [--bug NAME]... [--shrink-budget B (default 1000)] [--shrink-s S (default 60)] [--election | --swarm] [--describe] [--shard K/N] [--json]`
 * `npm run explore -- --merge DIR... [--json]`
 *
 * Runs N generated cases (harness/) across K child processes: every checker on every run plus the
 * liveness phase. Run i uses fast-check seed S+i, so any single run can be repeated alone. A
 * failing run is shrunk in its worker and written to DIR/failure-S-i.json (original and shrunk
 * case, violations, and the replay command) — first unshrunk the moment the run fails, then shrunk,
 * so a dead worker loses nothing — and the command is printed. Shrinking stops after B runs or S
 * wall seconds, with progress lines on stderr. `--bug NAME` plants a
 * historical bug (protocol/config.ts BugFlags) in every run; `--election` draws election-focused runs
 * (no workload, crash/pause/partition/isolate only); `--swarm` draws swarm runs (each its own mix of
 * fault kinds, ensemble size, tick, clients; targeted crashes). `--describe` prints every case the
 * seeds expand to before running. `--shard K/N` runs only runs i with i % N = K-1 (disjoint; the N
 * shards together are the unsharded run; files keep the global index); `--merge DIR...` summarises
 * the failure files of many shards. Progress goes to stderr.
 * Exit status (harness/outcome.ts): 0 no failure, 1 a safety failure (or a run crashed), 3 liveness
 * failures only, 4 budget failures only (runs cut at their event/record bound), 2 bad usage.
 * Errors are one line on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { caseArb, shapeOf } from '../harness/arbitraries.ts';
import { BUG_NAMES, isBugName } from '../harness/bugs.ts';
import { describeCase } from '../harness/describe.ts';
import { readFailures } from '../harness/merge.ts';
import { exitCodeFor, worstKind } from '../harness/outcome.ts';
import { runPool, type Early, type Job, type Outcome } from '../harness/pool.ts';
import { UsageError, ensureDir, optionValue, runIfMain } from './args.ts';

const USAGE = 'usage: npm run explore -- --runs N [--seed S] [--workers K] [--out DIR] [--bug NAME]... [--shrink-budget B (default 1000)] [--shrink-s S (default 60)] [--election | --swarm] [--describe] [--shard K/N] [--json]   or: npm run explore -- --merge DIR... [--json]';


export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Progress (done, total, failures); absent: none. */
  readonly progress?: (done: number, total: number, failures: number) => void;
  /** Notes while it runs (shrink progress); absent: none. */
  readonly note?: (line: string) => void;
}

interface Args {
  runs: number;
  seed: number;
  workers: number;
  out: string;
  bugs: string[];
  shrinkBudget: number;
  shrinkS: number;
  election: boolean;
  swarm: boolean;
  describe: boolean;
  /** 1-based shard K of N: runs i with i % N === K - 1. */
  shard: { k: number; n: number } | null;
  /** `--merge DIR...`: merge failure files instead of running. */
  merge: string[] | null;
  json: boolean;
}

function intArg(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got '${v}'`);
  return Number(v);
}

function parseArgs(argv: readonly string[]): Args {
  let runs: number | undefined;
  let seed: number | undefined;
  let workers = Math.max(1, Math.min(availableParallelism(), 8));
  let out = 'out/explore';
  const bugs: string[] = [];
  let shrinkBudget = 1000;
  let shrinkS = 60;
  let json = false;
  let election = false;
  let swarm = false;
  let describe = false;
  let shard: Args['shard'] = null;
  let merge: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => optionValue(argv, i++);
    if (a === '--runs') runs = intArg('--runs', value(), 1, 10_000_000);
    else if (a === '--seed') seed = intArg('--seed', value(), 0, 2 ** 31 - 1);
    else if (a === '--workers') workers = intArg('--workers', value(), 1, 64);
    else if (a === '--out') out = value();
    else if (a === '--shrink-budget') shrinkBudget = intArg('--shrink-budget', value(), 0, 100_000);
    else if (a === '--shrink-s') shrinkS = intArg('--shrink-s', value(), 0, 86_400);
    else if (a === '--bug') {
      const b = value();
      if (!isBugName(b)) throw new UsageError(`unknown bug '${b}' (one of ${BUG_NAMES.join(', ')})`);
      bugs.push(b);
    } else if (a === '--json') json = true;
    else if (a === '--election') election = true;
    else if (a === '--swarm') swarm = true;
    else if (a === '--merge') {
      merge = [];
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) merge.push(argv[++i] as string);
      if (merge.length === 0) throw new UsageError('--merge needs at least one directory');
    }
    else if (a === '--describe') describe = true;
    else if (a === '--shard') {
      const v = value();
      const m = /^(\d+)\/(\d+)$/.exec(v);
      if (m === null || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard must be K/N with 1 <= K <= N, got '${v}'`);
      shard = { k: Number(m[1]), n: Number(m[2]) };
    }
    else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else throw new UsageError(`unexpected argument ${a} (${USAGE})`);
  }
  if (merge !== null) return { runs: 0, seed: 0, workers, out, bugs, shrinkBudget, shrinkS, election, swarm, describe, shard, merge, json };
  if (runs === undefined) throw new UsageError(`--runs is required (${USAGE})`);
  if (election && swarm) throw new UsageError('give one of --election or --swarm');
  // Explore is a CLI: a fresh seed per invocation unless given (it is printed, so it can be repeated).
  seed ??= Math.floor(Math.random() * 2 ** 31);
  return { runs, seed, workers, out, bugs, shrinkBudget, shrinkS, election, swarm, describe, shard, merge, json };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
    if (args.merge === null) ensureDir(resolve(args.out), '--out directory');
  } catch (e) {
    io.err(`explore: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
  try {
    if (args.merge !== null) return mergeCli(args.merge, args.json, io);
    return await explore(args, io);
  } catch (e) {
    io.err(`explore: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return 1;
  }
}

async function explore(a: Args, io: CliIo): Promise<number> {
  const bugs = a.bugs.length === 0 ? undefined : Object.fromEntries(a.bugs.map((b) => [b, true]));
  const all: Job[] = Array.from({ length: a.runs }, (_, i) => ({
    index: i,
    caseSeed: (a.seed + i) % 2 ** 31,
    shrinkBudget: a.shrinkBudget,
    shrinkWallMs: a.shrinkS * 1000,
    ...(bugs ? { bugs } : {}),
    ...(a.election ? { electionOnly: true } : {}),
    ...(a.swarm ? { swarm: true } : {}),
  }));
  // A shard takes every N-th run: shards are disjoint and together are the whole run.
  const jobs = a.shard === null ? all : all.filter((j) => j.index % a.shard!.n === a.shard!.k - 1);
  const byIndex = new Map(all.map((j) => [j.index, j]));
  if (a.describe) {
    for (const j of jobs) {
      const c = fc.sample(caseArb(shapeOf(j), j.bugs), { seed: j.caseSeed, numRuns: 1 })[0]!;
      io.out(`run ${j.index} (seed ${j.caseSeed}${a.swarm ? ', swarm' : a.election ? ', election-focused' : ''}):`);
      for (const l of describeCase(c)) io.out(`  ${l}`);
    }
  }
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const files = new Set<string>();
  let failed = 0;
  const fileOf = (index: number): string => join(a.out, `failure-${a.seed}-${index}.json`);
  const mode = a.swarm ? 'swarm' : a.election ? 'election' : 'default';
  const head = (index: number) => ({ seed: a.seed, index, caseSeed: byIndex.get(index)!.caseSeed, runs: mode, bugs: a.bugs });
  // Each failure is written the moment it is known (first unshrunk, then shrunk): a worker that
  // dies, or an explore that is stopped, loses nothing already found.
  const write = (index: number, record: object): void => {
    const file = fileOf(index);
    writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
    files.add(file);
  };
  const onFound = (e: Early): void => {
    write(e.index, {
      ...head(e.index),
      failures: e.failures,
      kind: worstKind(e.failures),
      shrinking: 'not finished (the original case is written as `shrunk` until it is)',
      violations: e.violations,
      shrunkHash: e.hash,
      replay: `npm run replay -- --file ${fileOf(e.index)}`,
      schedule: describeCase(e.original),
      shrunk: e.original,
      original: e.original,
    });
  };
  const onOutcome = (o: Outcome): void => {
    outcomes.push(o);
    if (o.failures.length > 0 || o.error !== undefined) failed++;
    io.progress?.(outcomes.length, jobs.length, failed);
    if (o.found === undefined && o.error === undefined) return;
    const file = fileOf(o.index);
    if (o.found === undefined) {
      // An error outcome: keep an unshrunk failure already written by the worker before it died.
      let prior: Record<string, unknown> = {};
      try {
        prior = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        prior = {};
      }
      write(o.index, { ...prior, ...head(o.index), failures: (prior['failures'] as string[] | undefined) ?? o.failures, error: o.error });
    } else {
      write(o.index, {
        ...head(o.index),
        failures: o.failures,
        kind: worstKind(o.failures),
        shrunkFailures: o.found.shrunkFailures,
        violations: o.found.violations,
        shrinkRuns: o.found.shrinkRuns,
        shrunkHash: o.found.shrunkHash,
        replay: `npm run replay -- --file ${file}`,
        command: o.found.command,
        schedule: describeCase(o.found.shrunk),
        shrunk: o.found.shrunk,
        original: o.found.original,
      });
    }
  };
  io.progress?.(0, jobs.length, 0);
  await runPool(jobs, a.workers, { onOutcome, onFound, ...(io.note ? { onNote: io.note } : {}) });
  outcomes.sort((x, y) => x.index - y.index);
  const wallS = (Date.now() - started) / 1000;
  const byChecker = new Map<string, number>();
  const names: string[] = [];
  for (const o of outcomes) {
    for (const f of o.failures) byChecker.set(f, (byChecker.get(f) ?? 0) + 1);
    names.push(...o.failures);
    if (o.error !== undefined) {
      byChecker.set('(run crashed)', (byChecker.get('(run crashed)') ?? 0) + 1);
      names.push('Exception');
    }
    if (o.found === undefined && o.error === undefined) continue;
    const file = fileOf(o.index);
    io.out(`FAIL run ${o.index} (seed ${byIndex.get(o.index)!.caseSeed}, ${worstKind(o.error !== undefined ? ['Exception'] : o.failures)}): ${o.error ?? o.failures.join(', ')}`);
    if (o.found !== undefined) {
      io.out(`  shrunk in ${o.found.shrinkRuns} runs: ${o.found.violations[0] ?? ''}`);
    }
    io.out(`  replay: npm run replay -- --file ${file}`);
  }
  const checkers = [...byChecker].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k} ${v}`);
  io.out(`explore   ${jobs.length} runs${a.shard ? ` (shard ${a.shard.k}/${a.shard.n} of ${a.runs})` : ''}, seed ${a.seed}, ${a.workers} workers${a.election ? ', election-focused' : ''}${a.swarm ? ', swarm' : ''}${a.bugs.length ? `, bugs ${a.bugs.join(',')}` : ''}`);
  io.out(`result    ${jobs.length - failed} passed, ${failed} failed${checkers.length ? ` (${checkers.join(', ')})` : ''}`);
  io.out(`time      ${wallS.toFixed(1)} s wall, ${(jobs.length / Math.max(wallS, 0.001)).toFixed(1)} runs/s`);
  if (files.size) io.out(`failures  written to ${resolve(a.out)} (${files.size} files)`);
  if (a.json) {
    io.out(JSON.stringify({ seed: a.seed, runs: jobs.length, failed, kind: worstKind(names), files: [...files].sort(), indices: outcomes.map((o) => o.index), hashes: outcomes.map((o) => o.hash), byChecker: Object.fromEntries(byChecker) }));
  }
  return exitCodeFor(names);
}

/** `--merge DIR...`: one summary of the failures many shards wrote. */
function mergeCli(dirs: readonly string[], json: boolean, io: CliIo): number {
  const fs = readFailures(dirs);
  const byChecker = new Map<string, number>();
  const names: string[] = [];
  for (const f of fs) {
    const failed = f.error !== undefined ? [...f.failures, 'Exception'] : f.failures;
    names.push(...failed);
    for (const n of new Set(failed)) byChecker.set(n, (byChecker.get(n) ?? 0) + 1);
    io.out(`FAIL run ${f.index} of seed ${f.seed} (case seed ${f.caseSeed}, ${worstKind(failed)}): ${f.error ?? f.failures.join(', ')}${f.shrunk ? '' : ' [not shrunk]'}`);
    io.out(`  replay: npm run replay -- --file ${f.file}`);
  }
  const checkers = [...byChecker].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k} ${v}`);
  io.out(`merge     ${dirs.length} directories, ${fs.length} failed runs${checkers.length ? ` (${checkers.join(', ')})` : ''}`);
  if (json) io.out(JSON.stringify({ dirs, failed: fs.length, kind: worstKind(names), runs: fs.map((f) => ({ seed: f.seed, index: f.index, failures: f.failures, file: f.file })), byChecker: Object.fromEntries(byChecker) }));
  return exitCodeFor(names);
}

/** A progress bar on stderr: redrawn in place on a TTY, otherwise a line per 10%. */
function stderrProgress(): (done: number, total: number, failures: number) => void {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastTenth = -1;
  return (done, total, failures) => {
    const frac = total === 0 ? 1 : done / total;
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const elapsed = (Date.now() - started) / 1000;
    const eta = done === 0 ? '?' : `${Math.round((elapsed / done) * (total - done))}s`;
    const text = `[${bar}] ${done}/${total} runs, ${failures} failed, ETA ${eta}`;
    if (tty) process.stderr.write(`\r${text}\x1b[K${done === total ? '\n' : ''}`);
    else if (Math.floor(frac * 10) !== lastTenth) {
      lastTenth = Math.floor(frac * 10);
      process.stderr.write(text + '\n');
    }
  };
}

runIfMain(import.meta.url, () =>
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), progress: stderrProgress(), note: (l) => console.error(l) }),
);
