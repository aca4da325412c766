/**
 * A lesson: a scenario run at a fixed seed, told as a sequence of framed steps — each a time window
 * of the run's timeline and one sentence about what to look at there. The steps are computed from
 * the run's trace (`Find`), so the windows and the numbers in the sentences are the run's own.
 * `npm run lesson -- NAME --out F.html` exports one self-contained page (`cli/lesson.ts`).
 */
import type { Scenario } from '../../sim/scenario.ts';
import type { Find } from './find.ts';

/** One framed step: the window to show (virtual ms), what to look at (a lane or message category,
 *  optional) and one sentence. Plain data: the timeline page takes it as is. */
export interface LessonStep {
  readonly fromMs: number;
  readonly toMs: number;
  readonly focus?: string;
  readonly text: string;
}

export interface Lesson {
  /** The name on the command line (`npm run lesson -- NAME`). */
  readonly name: string;
  readonly title: string;
  /** One or two sentences: what the student will learn. */
  readonly intro: string;
  readonly scenario: Scenario;
  /** Default: the scenario's own seed. */
  readonly seed?: number;
  readonly steps: (find: Find) => readonly LessonStep[];
}

/** A step framing `[fromUs, toUs]` (trace µs) with `padMs` on each side. */
export function frame(fromUs: number, toUs: number, text: string, opts: { readonly padMs?: number; readonly focus?: string } = {}): LessonStep {
  const pad = opts.padMs ?? 20;
  return {
    fromMs: Math.max(0, Math.round(fromUs / 1000 - pad)),
    toMs: Math.round(toUs / 1000 + pad),
    ...(opts.focus === undefined ? {} : { focus: opts.focus }),
    text,
  };
}
