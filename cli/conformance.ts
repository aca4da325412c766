/**
 * `npm run conformance -- SCRIPT.json [--against model|real] [--server HOST:PORT] [--out REC.json]
 *                        [--compare GOLDEN.json] [--config KEY=VALUE,...]`
 *
 * Runs an op script against the model (default; virtual time) or a real ZooKeeper 3.8 and prints
 * the recording (FORMAT.md), or writes it with --out. --compare diffs the recording with another
 * one and exits 1 on a difference. --config changes server knobs from the goldens' configuration
 * (conformance/knobs.ts), for the model and for a real server the runner starts. Bad input: one
 * error line on stderr, exit 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseScriptText, ScriptError, type Script } from '../conformance/script.ts';
import { compareRecordings, writeRecording, type Recording } from '../conformance/recording.ts';
import { runScriptAgainstModel } from '../conformance/model/runner.ts';
import { knobsForModel, parseKnobs, type Knobs } from '../conformance/knobs.ts';
import { UsageError, optionValue } from './args.ts';

const USAGE =
  'usage: npm run conformance -- SCRIPT.json [--against model|real] [--server HOST:PORT] [--out REC.json] [--compare REC.json] [--config tickTime=MS,containerCheckIntervalMs=MS,superDigest=D]';

interface Args {
  script: string;
  against: 'model' | 'real';
  server?: string;
  out?: string;
  compare?: string;
  knobs: Knobs;
}

function parseArgs(argv: string[]): Args {
  let script: string | undefined;
  let against: 'model' | 'real' = 'model';
  let server: string | undefined;
  let out: string | undefined;
  let compare: string | undefined;
  const knobs: Knobs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => optionValue(argv, i++);
    if (a === '--against') {
      const v = value();
      if (v !== 'model' && v !== 'real') throw new UsageError(`--against must be model or real, not "${v}"`);
      against = v;
    } else if (a === '--server') {
      server = value();
      if (!/^.+:\d+$/.test(server)) throw new UsageError(`--server must be HOST:PORT, not "${server}"`);
    } else if (a === '--out') out = value();
    else if (a === '--compare') compare = value();
    else if (a === '--config') {
      const problem = parseKnobs(value(), knobs);
      if (problem !== undefined) throw new UsageError(problem);
    }
    else if (a === '--help' || a === '-h') throw new UsageError(USAGE);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (script === undefined) script = a;
    else throw new UsageError(`unexpected argument "${a}"`);
  }
  if (script === undefined) throw new UsageError('missing SCRIPT.json');
  if (server !== undefined && against !== 'real') throw new UsageError('--server needs --against real');
  if (server !== undefined && Object.keys(knobs).length > 0) throw new UsageError('--config sets up a server the runner starts; it cannot change the one at --server');
  const r: Args = { script, against, knobs };
  if (server !== undefined) r.server = server;
  if (out !== undefined) r.out = out;
  if (compare !== undefined) r.compare = compare;
  return r;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function runReal(script: Script, server: string | undefined, knobs: Knobs): Promise<Recording> {
  let mod: { runScriptAgainstReal?: (s: Script, o: { server?: string; config?: Knobs }) => Promise<Recording> };
  try {
    mod = (await import('../conformance/real/runner.ts')) as typeof mod;
  } catch {
    throw new UsageError('the real-server runner (conformance/real/runner.ts) is not available');
  }
  if (typeof mod.runScriptAgainstReal !== 'function') throw new UsageError('conformance/real/runner.ts has no runScriptAgainstReal');
  return mod.runScriptAgainstReal(script, server === undefined ? { config: knobs } : { server });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const script = parseScriptText(readText(args.script, 'script'));
  const rec = args.against === 'model' ? runScriptAgainstModel(script, { config: knobsForModel(args.knobs) }) : await runReal(script, args.server, args.knobs);
  const text = writeRecording(rec);
  if (args.out !== undefined) writeFileSync(args.out, text);
  else if (args.compare === undefined) process.stdout.write(text);
  if (args.compare !== undefined) {
    const other = JSON.parse(readText(args.compare, 'recording')) as Recording;
    const diffs = compareRecordings(rec, other);
    for (const d of diffs) console.log(d);
    console.log(diffs.length === 0 ? 'recordings are equal' : `${diffs.length} difference(s)`);
    return diffs.length === 0 ? 0 : 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ScriptError) {
      console.error(`conformance: ${e.message}`);
      if (e instanceof UsageError && e.message !== USAGE && /missing SCRIPT|unknown option|unexpected/.test(e.message)) console.error(USAGE);
    } else if (e instanceof SyntaxError) {
      console.error(`conformance: malformed JSON: ${e.message}`);
    } else {
      console.error(`conformance: ${(e as Error)?.message ?? String(e)}`);
    }
    process.exit(2);
  },
);
