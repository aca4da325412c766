/**
 * `npm run zoo [-- --budget-s S] [--json] [--bug NAME]... [--seed S] [--max-runs N] [--shrink-s S] [--shrink-budget B] [--out DIR]`
 *
 * Hunts every planted bug (harness/zoo.ts) with generated runs on one core, each until the checker
 * naming what it breaks fails or S wall seconds pass (default 60), shrinks the hit (default at most
 * 200 runs / 20 s) and prints a table: bug, found, runs and wall seconds to the first failure, the
 * checker that fired, the schedule length before → after shrinking, and the replay command (each hit
 * is written to DIR/BUG.json, default out/zoo). A bug caught only by other checkers is "wrong
 * checker". `--json`: one object per bug per line instead (`bug`, `found`, `runs`, `wallS`,
 * `checker`, `replay`, …). Shrink progress goes to stderr. `--runs default` hunts with the plain
 * default runs instead of swarm runs (election bugs always use election-focused runs).
 * Exit status: 0 every bug found by its naming checker, 1 otherwise, 2 bad usage (one line on stderr).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeCase } from '../harness/describe.ts';
import { hunt, ZOO, zooEntry, type ZooEntry, type ZooResult } from '../harness/zoo.ts';
import { UsageError, ensureDir, optionValue, runIfMain } from './args.ts';

const USAGE = 'usage: npm run zoo -- [--budget-s S (default 60)] [--json] [--bug NAME]... [--seed S (default 1)] [--max-runs N] [--shrink-s S (default 20)] [--shrink-budget B (default 200)] [--out DIR (default out/zoo)] [--runs swarm|default]';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Progress notes (shrinking); absent: none. */
  readonly note?: (line: string) => void;
}

interface Args {
  budgetS: number;
  json: boolean;
  entries: ZooEntry[];
  seed: number;
  maxRuns?: number;
  shrinkS: number;
  shrinkBudget: number;
  out: string;
  runs: 'swarm' | 'default';
}

function intArg(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got '${v}'`);
  return Number(v);
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { budgetS: 60, json: false, entries: [], seed: 1, shrinkS: 20, shrinkBudget: 200, out: 'out/zoo', runs: 'swarm' };
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i] as string;
    const value = (): string => optionValue(argv, i++);
    if (o === '--budget-s') a.budgetS = intArg('--budget-s', value(), 1, 86_400);
    else if (o === '--json') a.json = true;
    else if (o === '--bug') {
      const b = value();
      const e = zooEntry(b);
      if (e === undefined) throw new UsageError(`unknown bug '${b}' (one of ${ZOO.map((z) => z.bug).join(', ')})`);
      a.entries.push(e);
    } else if (o === '--seed') a.seed = intArg('--seed', value(), 0, 2 ** 31 - 1);
    else if (o === '--max-runs') a.maxRuns = intArg('--max-runs', value(), 1, 10_000_000);
    else if (o === '--shrink-s') a.shrinkS = intArg('--shrink-s', value(), 0, 86_400);
    else if (o === '--shrink-budget') a.shrinkBudget = intArg('--shrink-budget', value(), 0, 100_000);
    else if (o === '--out') a.out = value();
    else if (o === '--runs') {
      const v = value();
      if (v !== 'swarm' && v !== 'default') throw new UsageError(`--runs must be swarm or default, got '${v}'`);
      a.runs = v;
    }
    else if (o === '--help' || o === '-h') throw new UsageError(USAGE);
    else if (o.startsWith('-')) throw new UsageError(`unknown option ${o}`);
    else throw new UsageError(`unexpected argument ${o} (${USAGE})`);
  }
  if (a.entries.length === 0) a.entries = [...ZOO];
  return a;
}

function verdict(r: ZooResult): string {
  return r.found ? 'yes' : r.wrongChecker !== null ? 'wrong checker' : 'no';
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let a: Args;
  try {
    a = parseArgs(argv);
    ensureDir(resolve(a.out), '--out directory');
  } catch (e) {
    io.err(`zoo: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
  const results: ZooResult[] = [];
  try {
    for (const e of a.entries) {
      const r = hunt(e, { seed: a.seed, budgetS: a.budgetS, ...(a.maxRuns === undefined ? {} : { maxRuns: a.maxRuns }), shrinkBudget: a.shrinkBudget, shrinkWallMs: a.shrinkS * 1000, runs: a.runs, ...(io.note ? { onShrink: io.note } : {}) });
      let replay: string | null = null;
      if (r.shrunk !== null) {
        const file = join(a.out, `${r.bug}.json`);
        writeFileSync(
          file,
          JSON.stringify({ bug: r.bug, jira: r.jira, checker: r.checker, seed: a.seed, caseSeed: r.caseSeed, runs: r.runs, shrinkRuns: r.shrinkRuns, shrunkHash: r.shrunkHash, command: r.command, schedule: describeCase(r.shrunk), shrunk: r.shrunk }, null, 2) + '\n',
        );
        replay = `npm run replay -- --file ${file}`;
      }
      results.push(r);
      if (a.json) {
        io.out(
          JSON.stringify({
            bug: r.bug,
            jira: r.jira,
            found: r.found,
            runs: r.runs,
            wallS: Number(r.wallS.toFixed(2)),
            checker: r.checker ?? r.wrongChecker,
            wrongChecker: r.found ? false : r.wrongChecker !== null,
            caseSeed: r.caseSeed,
            steps: r.steps,
            shrunkSteps: r.shrunkSteps,
            replay,
            command: r.command,
            stats: r.stats,
          }),
        );
      } else {
        if (results.length === 1) {
          io.out(`zoo       seed ${a.seed}, ${a.runs} runs, budget ${a.budgetS} s per bug${a.maxRuns ? ` or ${a.maxRuns} runs` : ''}, one core`);
          io.out(`${'bug'.padEnd(28)} ${'jira'.padEnd(15)} ${'found'.padEnd(13)} ${'runs'.padStart(6)} ${'wall s'.padStart(7)}  ${'checker'.padEnd(23)} ${'steps'.padStart(8)}  replay`);
        }
        const steps = r.steps === null ? '-' : `${r.steps}→${r.shrunkSteps ?? '?'}`;
        io.out(`${r.bug.padEnd(28)} ${r.jira.padEnd(15)} ${verdict(r).padEnd(13)} ${String(r.runs).padStart(6)} ${r.wallS.toFixed(1).padStart(7)}  ${(r.checker ?? (r.wrongChecker ? `(${r.wrongChecker})` : '-')).padEnd(23)} ${steps.padStart(8)}  ${replay ?? '-'}`);
        const w = Object.entries(r.stats.windows).sort(([x], [y]) => (x < y ? -1 : 1));
        if (w.length > 0 || r.stats.budgetRuns > 0)
          io.out(`  ${w.map(([k, n]) => `${k} ${n}`).join(', ') || 'no window'} of ${r.runs} runs${r.stats.budgetRuns ? `; ${r.stats.budgetRuns} cut at their bound (${r.stats.budgetWallS.toFixed(1)} s)` : ''}`);
      }
    }
  } catch (e) {
    io.err(`zoo: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return 1;
  }
  const found = results.filter((r) => r.found).length;
  if (!a.json) io.out(`result    ${found}/${results.length} found by their naming checker${results.some((r) => !r.found && r.wrongChecker) ? `; wrong checker: ${results.filter((r) => !r.found && r.wrongChecker).map((r) => r.bug).join(', ')}` : ''}`);
  return found === results.length ? 0 : 1;
}

runIfMain(import.meta.url, () => runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), note: (l) => console.error(l) }));
