/**
 * `npm run replay -- (--case BASE64 | --file FILE) [--expect SHA256] [--trace OUT.jsonl] [--json]`
 *
 * Re-runs one generated case (as printed by the property test or written by `npm run explore`)
 * and prints its schedule, the checker verdicts and the trace sha256. `--file` takes a case JSON
 * or an explore failure file (its `shrunk` case). With `--expect` (given by the printed command,
 * or taken from a failure file) it says whether the trace hash is the same.
 * Exit status: 0 every checker passed and the hash (if expected) matched; 1 a safety checker failed
 * (or the hash differs); 3 only a liveness checker failed; 4 the run hit its event/record bound
 * (harness/outcome.ts); 2 bad usage. Errors are one line on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonl } from '../sim/index.ts';
import { decodeCase, type Case } from '../harness/case.ts';
import { describeCase, describeRun } from '../harness/describe.ts';
import { exitCodeFor } from '../harness/outcome.ts';
import { runCase } from '../harness/run.ts';
import { UsageError, optionValue, runIfMain } from './args.ts';

const USAGE = 'usage: npm run replay -- (--case BASE64 | --file FILE) [--expect SHA256] [--trace OUT.jsonl] [--json]';


export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface Args {
  c: Case;
  expect?: string;
  trace?: string;
  json: boolean;
}

function loadFile(path: string): { c: Case; expect?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not JSON: maybe a bare base64 case.
    return { c: decodeCase(text) };
  }
  const o = raw as Record<string, unknown>;
  if (typeof o === 'object' && o !== null && 'shrunk' in o) {
    const hash = o['shrunkHash'];
    return { c: decodeCase(JSON.stringify(o['shrunk'])), ...(typeof hash === 'string' ? { expect: hash } : {}) };
  }
  return { c: decodeCase(text) };
}

function parseArgs(argv: readonly string[]): Args {
  let c: Case | undefined;
  let expect: string | undefined;
  let trace: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => optionValue(argv, i++);
    if (a === '--case' || a === '--file') {
      if (c !== undefined) throw new UsageError('give one of --case or --file');
      try {
        if (a === '--case') c = decodeCase(value());
        else {
          const f = loadFile(value());
          c = f.c;
          expect ??= f.expect;
        }
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (a === '--expect') {
      const v = value();
      if (!/^[0-9a-f]{64}$/.test(v)) throw new UsageError(`--expect must be a sha256 (64 hex digits), got '${v}'`);
      expect = v;
    } else if (a === '--trace') trace = value();
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else throw new UsageError(`unexpected argument ${a} (${USAGE})`);
  }
  if (c === undefined) throw new UsageError(`no case given (${USAGE})`);
  return { c, json, ...(expect === undefined ? {} : { expect }), ...(trace === undefined ? {} : { trace }) };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    const r = runCase(args.c, { keepTrace: args.trace !== undefined });
    if (args.trace !== undefined) {
      try {
        writeFileSync(args.trace, toJsonl(r.trace ?? []));
      } catch (e) {
        throw new Error(`cannot write trace ${args.trace}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
    const same = args.expect === undefined ? null : args.expect === r.hash;
    for (const l of describeCase(args.c)) io.out(l);
    for (const l of describeRun(r)) io.out(l);
    if (same !== null) io.out(same ? 'replay    same trace hash as expected' : `replay    DIFFERENT trace hash (expected ${args.expect})`);
    if (args.trace !== undefined) io.out(`trace     ${r.records} records written to ${args.trace}`);
    if (args.json) io.out(JSON.stringify({ sha256: r.hash, failures: r.failures, sameHash: same, probeAckUs: r.probeAckUs, records: r.records }));
    if (r.failures.length > 0) return exitCodeFor(r.failures);
    return same === false ? 1 : 0;
  } catch (e) {
    io.err(`replay: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

runIfMain(import.meta.url, () =>
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }),
);
