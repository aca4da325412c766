/**
 * `npm run check -- --model M [--budget-ms N] [--no-split] [--explain] [--json] FILE...`
 * (`--budget-ms`: per file, default 60000; 0 = no limit)
 *
 * Checks each history file for linearizability and prints one line per file. Exit 0 when every
 * file is linearizable, 1 when any is not, 3 when none is not but some answer is unknown (a
 * budget ran out), 2 for bad usage or a malformed/unreadable file (one line on stderr each).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { explanationText } from '../checkers/linearizability/explain-text.ts';
import { HistoryError } from '../checkers/linearizability/history-error.ts';
import { MODELS, findModel } from '../checkers/linearizability/registry.ts';

const DEFAULT_BUDGET_MS = 60_000;
const USAGE = `usage: npm run check -- --model ${MODELS.map((m) => m.name).join('|')} [--budget-ms N] [--no-split] [--explain] [--json] FILE...`;

function usage(msg: string): never {
  console.error(`check: ${msg} (${USAGE})`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      model: { type: 'string', short: 'm' },
      'budget-ms': { type: 'string' },
      'no-split': { type: 'boolean', default: false },
      explain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
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
  console.log(`${USAGE}\nmodels:\n${MODELS.map((m) => `  ${m.name}: ${m.what}`).join('\n')}`);
  process.exit(0);
}
if (values.model === undefined) usage('--model is required');
const model = findModel(values.model) ?? usage(`unknown model "${values.model}"`);
// A hard history may take exponential time: by default give each file a minute, then answer
// `unknown`. --budget-ms 0 lifts the limit.
let budgetMs: number | undefined = DEFAULT_BUDGET_MS;
if (values['budget-ms'] !== undefined) {
  if (!/^\d+$/.test(values['budget-ms'])) usage('--budget-ms needs a whole number of milliseconds');
  budgetMs = Number(values['budget-ms']) === 0 ? undefined : Number(values['budget-ms']);
}
if (positionals.length === 0) usage('no history file given');

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
  const t0 = performance.now();
  let result;
  try {
    result = model.check(text, file, {
      ...(budgetMs !== undefined ? { budgetMs } : {}),
      noSplit: values['no-split'],
      // JSON is for reports, which draw every op's longest partial linearization.
      partials: values.json,
    });
  } catch (e) {
    // A malformed history names its file and line; anything else is still one line, no stack.
    console.error(`check: ${e instanceof HistoryError ? e.message : `${file}: ${(e as Error).message}`}`);
    bad++;
    continue;
  }
  const ms = performance.now() - t0;
  if (result.verdict === 'not linearizable') violations++;
  if (result.verdict === 'unknown') unknowns++;
  if (values.json) {
    console.log(JSON.stringify({ file, ms: Math.round(ms * 10) / 10, ...result }));
    continue;
  }
  const parts = result.parts.length > 1 ? `, ${result.parts.length} parts checked` : '';
  const why = result.verdict === 'unknown' ? ` — ${result.reason}` : '';
  console.log(`${file}: ${result.verdict} (${result.ops} ops${parts}, ${ms.toFixed(1)} ms)${why}`);
  if (values.explain && result.explanation) console.log(explanationText(result.explanation));
}
process.exit(bad > 0 ? 2 : violations > 0 ? 1 : unknowns > 0 ? 3 : 0);
