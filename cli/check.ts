/**
 * `npm run check -- --model M [--initial V] [--lenient] [--budget-ms N] [--max-steps N]
 *   [--max-memory SIZE] [--no-split] [--explain] [--json] [--html OUT.html] FILE...`
 *
 * Checks each history file for linearizability and prints one line per file. Exit 0 when every
 * file is linearizable, 1 when any is not, 3 when none is not but some answer is unknown (a
 * budget ran out: the line says which), 2 for bad usage or a malformed/unreadable file (one line
 * on stderr each, naming file:line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_CACHE_BYTES } from '../checkers/linearizability/check.ts';
import { explanationHtml } from '../checkers/linearizability/explain-html.ts';
import { explanationText } from '../checkers/linearizability/explain-text.ts';
import { HistoryError } from '../checkers/linearizability/history-error.ts';
import { readEdn } from '../checkers/linearizability/parsers/edn.ts';
import type { InputOptions } from '../checkers/linearizability/parsers/input-log.ts';
import { MODELS, findModel } from '../checkers/linearizability/registry.ts';
import type { CheckOptions, CheckResult } from '../checkers/linearizability/types.ts';

const DEFAULT_BUDGET_MS = 60_000;
const USAGE =
  `usage: npm run check -- --model ${MODELS.map((m) => m.name).join('|')} [--initial VALUE] [--lenient] ` +
  `[--budget-ms N] [--max-steps N] [--max-memory SIZE] [--no-split] [--explain] [--json] [--html OUT.html] FILE...`;

function usage(msg: string): never {
  console.error(`check: ${msg} (${USAGE})`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      model: { type: 'string', short: 'm' },
      initial: { type: 'string' },
      lenient: { type: 'boolean', default: false },
      'budget-ms': { type: 'string' },
      'max-steps': { type: 'string' },
      'max-memory': { type: 'string' },
      'no-split': { type: 'boolean', default: false },
      explain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
} catch (e) {
  // node:util's messages run over several lines; the first says what is wrong.
  usage((e as Error).message.split('\n')[0]!);
}
const { values, positionals } = args;
if (values.help) {
  console.log(
    `${USAGE}\nmodels:\n${MODELS.map((m) => `  ${m.name}: ${m.what}`).join('\n')}\n` +
      `defaults: --budget-ms ${DEFAULT_BUDGET_MS} (0 = none), --max-steps none, ` +
      `--max-memory ${Math.round(DEFAULT_MAX_CACHE_BYTES / 2 ** 20)}M (per part; units K, M, G)`,
  );
  process.exit(0);
}
if (values.model === undefined) usage('--model is required');
const model = findModel(values.model) ?? usage(`unknown model "${values.model}"`);

const whole = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) usage(`${name} needs a whole number, got "${v}"`);
  return Number(v);
};
// A hard history may take exponential time: by default give each file a minute, then answer
// `unknown`. --budget-ms 0 lifts the limit.
const budgetArg = whole('--budget-ms', values['budget-ms']);
const budgetMs = budgetArg === undefined ? DEFAULT_BUDGET_MS : budgetArg === 0 ? undefined : budgetArg;
const maxSteps = whole('--max-steps', values['max-steps']);
let maxCacheBytes: number | undefined;
if (values['max-memory'] !== undefined) {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?B?)?$/i.exec(values['max-memory']);
  if (!m || Number(m[1]) <= 0) usage(`--max-memory needs a size such as 512M or 4G, got "${values['max-memory']}"`);
  const unit = (m[2] ?? 'M')[0]!.toUpperCase();
  maxCacheBytes = Number(m[1]) * 2 ** (unit === 'K' ? 10 : unit === 'G' ? 30 : 20);
}
const input: { -readonly [K in keyof InputOptions]: InputOptions[K] } = { lenient: values.lenient };
if (values.initial !== undefined) {
  if (model.name !== 'cas-register') usage('--initial is for --model cas-register');
  let v;
  try {
    v = readEdn(values.initial);
  } catch {
    v = undefined;
  }
  if (!(v === null || typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
    usage(`--initial needs an integer, a "string" or nil, got ${JSON.stringify(values.initial)}`);
  }
  input.initial = v;
}
if (positionals.length === 0) usage('no history file given');
if (values.html !== undefined && positionals.length !== 1) usage('--html explains one history file; give exactly one');

const options: CheckOptions = {
  ...(budgetMs !== undefined ? { budgetMs } : {}),
  ...(maxSteps !== undefined ? { maxSteps } : {}),
  ...(maxCacheBytes !== undefined ? { maxCacheBytes } : {}),
  noSplit: values['no-split'],
  // JSON and HTML are for reports, which draw every op's longest partial linearization.
  partials: values.json || values.html !== undefined,
};
const FLAG: Record<string, string> = { time: '--budget-ms', step: '--max-steps', memory: '--max-memory' };

function summary(file: string, result: CheckResult, ms: number): string {
  const extra: string[] = [`${result.ops} ops`];
  if (result.parts.length > 1) extra.push(`${result.parts.length} parts checked`);
  for (const [what, n] of Object.entries(result.input?.ignored ?? {})) extra.push(`${n} ${what} ignored`);
  const skipped = result.input?.skipped.length ?? 0;
  if (skipped > 0) extra.push(`${skipped} lines skipped`);
  extra.push(`${ms.toFixed(1)} ms`);
  let why = '';
  if (result.verdict === 'unknown') {
    const flag = FLAG[(result.reason ?? '').split(' ')[0]!];
    why = ` — ${result.reason}${flag ? `; raise ${flag}` : ''}`;
  }
  return `${file}: ${result.verdict} (${extra.join(', ')})${why}`;
}

let bad = 0;
let violations = 0;
let unknowns = 0;
for (const file of positionals) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`check: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    bad++;
    continue;
  }
  if (text.trim() === '') {
    console.error(`check: ${file}:1: no operations: the history is empty`);
    bad++;
    continue;
  }
  const t0 = performance.now();
  let result: CheckResult;
  try {
    result = model.check(text, file, options, input);
  } catch (e) {
    // A malformed history names its file and line; anything else is still one line, no stack.
    console.error(`check: ${e instanceof HistoryError ? e.message : `${file}: ${(e as Error).message}`}`);
    bad++;
    continue;
  }
  const ms = performance.now() - t0;
  if (result.verdict === 'not linearizable') violations++;
  if (result.verdict === 'unknown') unknowns++;
  for (const s of result.input?.skipped ?? []) console.error(`check: ${file}:${s.line}: skipped (--lenient): ${s.reason}`);
  if (values.html !== undefined) {
    try {
      writeFileSync(values.html, explanationHtml(file, model.name, result));
    } catch (e) {
      console.error(`check: cannot write ${values.html}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      bad++;
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ file, ms: Math.round(ms * 10) / 10, ...result }));
    continue;
  }
  console.log(summary(file, result, ms));
  if (values.explain && result.explanation) console.log(explanationText(result.explanation));
}
process.exit(bad > 0 ? 2 : violations > 0 ? 1 : unknowns > 0 ? 3 : 0);
