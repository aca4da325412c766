/**
 * `npm run lesson -- NAME [--out F.html]`: runs a lesson's scenario (scenarios/lessons/) at its
 * seed and writes one self-contained HTML page — the timeline with the lesson's framed steps.
 *   npm run lesson -- --list                 the lessons, one a line
 *   npm run lesson -- --all [--out-dir DIR]  every lesson, DIR/<name>.html (default out/lessons)
 * Default output: out/lessons/<name>.html. Exit 0 written (and the run's expectations and checkers
 * hold), 1 the run failed them (the page is still written), 2 bad usage (one line on stderr).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDir, optionValue, runIfMain, UsageError } from './args.ts';
import { LESSONS, lessonNamed } from '../scenarios/lessons/index.ts';
import type { Lesson } from '../scenarios/lessons/lesson.ts';
import { Find, LessonError } from '../scenarios/lessons/find.ts';
import { runChecked } from '../scenarios/lib/run.ts';
import { renderLesson } from '../reports/lesson.ts';

const USAGE = 'usage: npm run lesson -- NAME [--out F.html] | --all [--out-dir DIR] | --list';

/** Runs one lesson and writes its page; true when the run held every expectation and checker. */
export function writeLesson(lesson: Lesson, out: string): { ok: boolean; steps: number } {
  const seed = lesson.seed ?? lesson.scenario.seed ?? 1;
  const run = runChecked(lesson.scenario, { seed });
  const records = run.result.sim.trace.records;
  const steps = lesson.steps(new Find(records, lesson.name));
  const html = renderLesson(records, { title: `Lesson: ${lesson.title}`, intro: lesson.intro, steps, verdicts: run.verdicts, seed });
  ensureDir(dirname(out), 'output directory');
  try {
    writeFileSync(out, html);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return { ok: run.ok, steps: steps.length };
}

export async function runLesson(argv: readonly string[]): Promise<number> {
  try {
    let name: string | undefined;
    let out: string | undefined;
    let outDir: string | undefined;
    let all = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--out' || a === '-o') out = optionValue(argv, i++);
      else if (a === '--out-dir') outDir = optionValue(argv, i++);
      else if (a === '--all') all = true;
      else if (a === '--list') {
        for (const l of LESSONS) console.log(`${l.name.padEnd(18)} ${l.title}`);
        return 0;
      } else if (a === '--help' || a === '-h') {
        console.log(USAGE);
        return 0;
      } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (${USAGE})`);
      else if (name === undefined) name = a;
      else throw new UsageError(`unexpected argument ${a} (${USAGE})`);
    }
    if (all && (name !== undefined || out !== undefined)) throw new UsageError(`--all takes --out-dir, not a name or --out (${USAGE})`);
    if (!all && outDir !== undefined) throw new UsageError(`--out-dir is for --all (${USAGE})`);
    const chosen = all ? LESSONS : [name === undefined ? undefined : lessonNamed(name)];
    if (!all && name === undefined) throw new UsageError(`no lesson named (${USAGE}); lessons: ${LESSONS.map((l) => l.name).join(', ')}`);
    if (chosen[0] === undefined) throw new UsageError(`no lesson '${name ?? ''}'; lessons: ${LESSONS.map((l) => l.name).join(', ')}`);
    let ok = true;
    for (const lesson of chosen as Lesson[]) {
      const file = all || out === undefined ? join(outDir ?? join('out', 'lessons'), `${lesson.name}.html`) : out;
      const r = writeLesson(lesson, file);
      ok &&= r.ok;
      console.log(`lesson ${lesson.name}: ${file} (${r.steps} steps)${r.ok ? '' : ' — the run FAILED an expectation or checker'}`);
    }
    return ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError || e instanceof LessonError) {
      console.error(`lesson: ${e.message}`);
      return 2;
    }
    console.error(`lesson: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

runIfMain(import.meta.url, () => runLesson(process.argv.slice(2)));
