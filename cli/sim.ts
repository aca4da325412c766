/**
 * `npm run sim -- SCENARIO.ts [--seed N] [--html OUT.html] [--trace OUT.jsonl] [--json]`
 *
 * Loads a scenario module (its default export, see sim/scenario.ts and scenarios/lib/define.ts),
 * runs it, and prints a narration of what happened (reports/narrate.ts), the expectations, every
 * trace checker's verdict and the trace sha256. The HTML timeline is always written (to --html, or
 * out/<scenario>-<seed>.html). `--json` adds ONE JSON summary object as the last stdout line.
 * Exit status: 0 everything holds, 1 an expectation or checker failed or the run broke, 2 bad
 * usage. Errors are one line on stderr, never a stack trace.
 */
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { narrateLines } from '../reports/narrate.ts';
import { secs } from '../reports/timeline/names.ts';
import { renderTimeline } from '../reports/timeline/render.ts';
import { runChecked } from '../scenarios/lib/run.ts';
import type { CheckedRun } from '../scenarios/lib/run.ts';
import { scenarioProblem, type Scenario } from '../sim/scenario.ts';
import { formatTime } from '../sim/time.ts';
import { UsageError, ensureDir, optionValue, runIfMain } from './args.ts';

const USAGE = 'usage: npm run sim -- SCENARIO.ts [--seed N] [--html OUT.html] [--trace OUT.jsonl] [--json]';


interface Args {
  file: string;
  seed?: number;
  trace?: string;
  html?: string;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let file: string | undefined;
  let seed: number | undefined;
  let trace: string | undefined;
  let html: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => optionValue(argv, i++);
    if (a === '--seed') {
      const v = value();
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--seed must be a non-negative integer, got '${v}'`);
      seed = Number(v);
    } else if (a === '--trace') trace = value();
    else if (a === '--html') html = value();
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (${USAGE})`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (file === undefined) throw new UsageError(`no scenario file given (${USAGE})`);
  return {
    file,
    json,
    ...(seed === undefined ? {} : { seed }),
    ...(trace === undefined ? {} : { trace }),
    ...(html === undefined ? {} : { html }),
  };
}

async function load(file: string): Promise<Scenario> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`scenario file not found: ${file}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const problem = scenarioProblem(mod.default);
  if (problem !== null) throw new UsageError(`${file}: ${problem}`);
  return mod.default as Scenario;
}

/** Buffered JSONL writer: few large writes instead of one per record. */
function jsonlFile(path: string): { write: (line: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new UsageError(`cannot write trace file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let buf = '';
  return {
    write(line) {
      buf += line + '\n';
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    },
    close() {
      if (buf.length > 0) writeSync(fd, buf);
      closeSync(fd);
    },
  };
}

/** Refuse an --html path we cannot write before spending time on the run. */
function checkWritable(path: string, what: string, makeDir: boolean): void {
  try {
    // Only our own default folder (out/) is created; a user's --html folder must exist.
    if (makeDir) ensureDir(dirname(resolve(path)), 'folder');
    closeSync(openSync(path, 'a'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
}

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Progress reports for long runs (the process entry shows them on stderr); absent: none. */
  readonly progress?: (fraction: number, text: string) => void;
}

/** The whole command, minus process exit: returns the exit status; errors become one `err` line. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`sim: ${msg.split('\n')[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  const scenario = await load(args.file);
  const seed = args.seed ?? scenario.seed ?? 1;
  const htmlPath = args.html ?? `out/${slug(scenario.name)}-${seed}.html`;
  checkWritable(htmlPath, 'timeline', args.html === undefined);
  const out = args.trace === undefined ? null : jsonlFile(args.trace);
  let run: CheckedRun;
  try {
    run = runChecked(scenario, {
      seed,
      ...(out === null ? {} : { trace: { sink: (_r: unknown, line: string) => out.write(line) } }),
      ...(io.progress === undefined
        ? {}
        : { onProgress: (now: number, end: number) => io.progress?.(end > 0 ? now / end : 1, `${scenario.name}: t=${formatTime(now)} of ${formatTime(end)}`) }),
    });
  } catch (e) {
    throw new Error(`scenario '${scenario.name}' failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    out?.close();
  }
  const { result, verdicts, summary } = run;
  const records = result.sim.trace.records;
  try {
    writeFileSync(htmlPath, renderTimeline(records, { title: `${scenario.name} (seed ${seed})`, verdicts, seed }));
  } catch (e) {
    throw new Error(`cannot write timeline ${htmlPath}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`);
  }

  if (scenario.demo !== undefined) io.out(`*** ${scenario.demo}`);
  io.out(`scenario  ${scenario.name}: ${scenario.description}`);
  io.out(`seed      ${result.seed}`);
  io.out(`ran       ${result.events} events to t=${formatTime(result.endUs)}${result.hitEventLimit ? ' (HIT EVENT LIMIT)' : ''}`);
  io.out('');
  io.out('what happened:');
  // The narration, with the scenario's own notes (`z.note`) woven in at their times.
  const lines = narrateLines(records, { verdicts }).map((l, i) => ({ ...l, i }));
  for (const r of records) if (r.ev === 'note') lines.push({ t: r.t, text: `(scenario) ${r.text}`, i: lines.length });
  lines.sort((a, b) => a.t - b.t || a.i - b.i);
  for (const l of lines) io.out(`  t=${secs(l.t)} ${l.text}`);
  io.out('');
  io.out('expectations:');
  if (result.expectations.length === 0) io.out('  (none)');
  for (const e of result.expectations) io.out(`  ${e.ok ? 'PASS' : 'FAIL'}  ${e.name}${e.detail === undefined ? '' : ` (${e.detail})`}`);
  io.out('checkers:');
  for (const v of verdicts) {
    const first = v.violations[0];
    const why = first === undefined ? (v.note === undefined ? '' : ` (${v.note})`) : ` (${v.violations.length + (v.omitted ?? 0)} violations; first at t=${formatTime(first.t)}: ${first.message})`;
    io.out(`  ${v.ok ? 'PASS' : 'FAIL'}  ${v.name}${why}`);
  }
  io.out('');
  io.out(`leaders   ${summary.leaders.map((l) => `s${l.sid}@epoch${l.epoch} (t=${formatTime(l.electedAtMs * 1000)})`).join(', ') || 'none'}`);
  io.out(`writes    ${summary.writes.acknowledged} acknowledged, ${summary.writes.lost} lost`);
  if (args.trace !== undefined) io.out(`trace     ${records.length} records written to ${args.trace}`);
  io.out(`timeline  ${htmlPath}`);
  io.out(`sha256    ${result.sha256}`);
  io.out(`verdict   ${run.ok ? 'OK' : 'FAILED'}`);
  if (args.json) {
    io.out(
      JSON.stringify({
        scenario: scenario.name,
        seed: result.seed,
        traceSha256: result.sha256,
        virtualMs: result.endUs / 1000,
        verdicts: Object.fromEntries(verdicts.map((v) => [v.name, v.ok ? 'pass' : 'fail'])),
        expectations: result.expectations.map((e) => ({ name: e.name, ok: e.ok })),
        ok: run.ok,
        leaders: summary.leaders,
        writes: summary.writes,
        events: result.events,
        timeline: htmlPath,
      }),
    );
  }
  return run.ok ? 0 : 1;
}

/** Progress on stderr: redrawn in place on a TTY; otherwise a line every few seconds once a run passes 1 s. */
function stderrProgress(): (fraction: number, text: string) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return (fraction, text) => {
    const now = Date.now();
    if (!tty && (now - started < 1000 || now - last < 3000)) return;
    last = now;
    const pct = `${Math.round(fraction * 100)}%`.padStart(4);
    if (tty) process.stderr.write(`\r${pct} ${text}\x1b[K${fraction >= 1 ? '\r\x1b[K' : ''}`);
    else process.stderr.write(`${pct} ${text}\n`);
  };
}

runIfMain(import.meta.url, () =>
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), progress: stderrProgress() }),
);
