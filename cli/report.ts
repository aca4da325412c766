/**
 * Report commands over a trace file (JSONL from `npm run sim -- ... --trace OUT.jsonl`):
 *   tsx cli/report.ts timeline TRACE [-o OUT.html] [--title T] [--seed S] [--verdicts V.json | --check]
 *   tsx cli/report.ts narrate TRACE [--verdicts V.json | --check]
 * `--check` runs every safety checker on the trace and attaches their verdicts.
 * Bad input: one line on stderr, exit 2.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTrace, loadVerdicts, ReportInputError } from '../reports/load.ts';
import type { Verdict } from '../reports/timeline/model.ts';
import type { TraceRecord } from '../reports/timeline/records.ts';
// The renderer (d3, jsdom) and the checkers load only once the input is known to be good:
// a mistyped command answers at once.

const USAGE = 'usage: tsx cli/report.ts timeline|narrate TRACE.jsonl [-o OUT.html] [--title T] [--seed S] [--verdicts V.json | --check]';

function fail(msg: string): never {
  console.error(`reports: ${msg}`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string', short: 'o' },
        title: { type: 'string' },
        seed: { type: 'string' },
        verdicts: { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
  } catch (e) {
    fail(`${(e as Error).message.split('\n')[0] ?? 'bad arguments'} (${USAGE})`);
  }
  const { values, positionals } = args;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [cmd, file, ...extra] = positionals;
  if (cmd !== 'timeline' && cmd !== 'narrate') fail(`expected a command, timeline or narrate (${USAGE})`);
  if (file === undefined) fail(`no trace file given (${USAGE})`);
  if (extra.length > 0) fail(`unexpected argument ${extra[0] ?? ''}`);
  if (values.verdicts !== undefined && values.check) fail('give --verdicts or --check, not both');
  if (cmd === 'narrate' && (values.out !== undefined || values.title !== undefined)) fail('narrate prints to stdout; -o and --title are for timeline');
  const trace: TraceRecord[] = loadTrace(file);
  const verdicts: Verdict[] =
    values.verdicts !== undefined ? loadVerdicts(values.verdicts) : values.check ? (await import('../checkers/index.ts')).runAll(trace) : [];
  if (cmd === 'narrate') {
    const { narrate } = await import('../reports/narrate.ts');
    process.stdout.write(narrate(trace, { verdicts }));
    return;
  }
  const { renderTimeline } = await import('../reports/timeline/render.ts');
  const out = values.out ?? file.replace(/\.jsonl?$/, '') + '.html';
  const html = renderTimeline(trace, {
    title: values.title ?? `zabsim timeline: ${basename(file)}`,
    verdicts,
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
  });
  try {
    writeFileSync(out, html);
  } catch (e) {
    fail(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  console.log(`timeline: ${out} (${trace.length} records${verdicts.length ? `, ${verdicts.filter((v) => !v.ok).length} failed checks` : ''})`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ReportInputError) fail(e.message);
  fail(`unexpected error: ${e instanceof Error ? e.message : String(e)}`);
});
