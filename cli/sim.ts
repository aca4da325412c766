/**
 * `npm run sim -- SCENARIO.ts [--seed N] [--trace OUT.jsonl] [--json]`
 *
 * Loads a scenario module (its default export, see sim/scenario.ts), runs it, prints a summary and
 * the trace sha256. Exit status: 0 all expectations hold, 1 an expectation failed or the run broke,
 * 2 bad usage. Errors are one line on stderr, never a stack trace.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runScenario, scenarioProblem, type Scenario } from '../sim/scenario.ts';
import { formatTime } from '../sim/time.ts';

const USAGE = 'usage: npm run sim -- SCENARIO.ts [--seed N] [--trace OUT.jsonl] [--json]';

class UsageError extends Error {}

interface Args {
  file: string;
  seed?: number;
  trace?: string;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let file: string | undefined;
  let seed: number | undefined;
  let trace: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--seed') {
      const v = value();
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--seed must be a non-negative integer, got '${v}'`);
      seed = Number(v);
    } else if (a === '--trace') trace = value();
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (file === undefined) throw new UsageError('no scenario file given');
  return { file, json, ...(seed === undefined ? {} : { seed }), ...(trace === undefined ? {} : { trace }) };
}

async function load(file: string): Promise<Scenario> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`scenario file not found: ${file}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new Error(`cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`);
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

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
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
  const out = args.trace === undefined ? null : jsonlFile(args.trace);
  let result;
  try {
    result = runScenario(scenario, {
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      ...(out === null ? {} : { trace: { sink: (_r: unknown, line: string) => out.write(line) } }),
    });
  } catch (e) {
    throw new Error(`scenario '${scenario.name}' failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    out?.close();
  }
  const { sim } = result;
  if (args.json) {
    io.out(
      JSON.stringify({
        scenario: scenario.name,
        demo: scenario.demo ?? null,
        seed: result.seed,
        events: result.events,
        endUs: result.endUs,
        traceRecords: sim.trace.length,
        sha256: result.sha256,
        stats: sim.stats,
        expectations: result.expectations,
        hitEventLimit: result.hitEventLimit,
        ok: result.ok,
      }),
    );
  } else {
    if (scenario.demo !== undefined) io.out(`*** ${scenario.demo}`);
    io.out(`scenario  ${scenario.name}: ${scenario.description}`);
    io.out(`seed      ${result.seed}`);
    io.out(`ran       ${result.events} events to t=${formatTime(result.endUs)}${result.hitEventLimit ? ' (HIT EVENT LIMIT)' : ''}`);
    const s = sim.stats;
    io.out(`messages  ${s.sent} sent, ${s.delivered} delivered, ${s.dropped} dropped, ${s.duplicated} duplicated`);
    for (const e of result.expectations) {
      io.out(`${e.ok ? 'PASS' : 'FAIL'}      ${e.name}${e.detail === undefined ? '' : ` (${e.detail})`}`);
    }
    if (args.trace !== undefined) io.out(`trace     ${sim.trace.length} records written to ${args.trace}`);
    io.out(`sha256    ${result.sha256}`);
  }
  return result.ok ? 0 : 1;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
