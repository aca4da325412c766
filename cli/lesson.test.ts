/**
 * Every lesson's page in a real headless Chromium, at 1280x720 and 1600x1000: it loads without
 * script errors or network requests, lists its framed steps, opens on step 1 with the timeline's
 * window set to that step's frame, and moves the window when another step is chosen (a click, the
 * `]` key). Screenshots go to out/lessons/. Skips (saying so) without Chromium, except under CI=true.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, CHROMIUM, launchChromium, pageErrors } from '../scripts/chromium.ts';
import type { Browser } from '../scripts/chromium.ts';
import { LESSONS } from '../scenarios/lessons/index.ts';
import { runLesson, writeLesson } from './lesson.ts';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../out/lessons');
const haveBrowser = chromiumPath() !== undefined;
const run = haveBrowser || browserRequired();
if (!run) console.warn(`lesson browser tests SKIPPED: no Chromium at ${CHROMIUM} (install it with scripts/install-system-deps.sh as root)`);

describe('npm run lesson', () => {
  it('bad usage is one line and exit 2', async () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await runLesson(['no-such-lesson'])).toBe(2);
      expect(await runLesson([])).toBe(2);
      expect(await runLesson(['--all', '--out', 'x.html'])).toBe(2);
    } finally {
      console.error = orig;
    }
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^lesson: no lesson 'no-such-lesson'; lessons: initial-election, leader-failover, split-brain, sync-after-crash, session-expiry$/);
  });
});

describe.skipIf(!run)('lesson pages in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lesson of LESSONS) {
    it(lesson.name, async () => {
      const file = resolve(OUT, `${lesson.name}.html`);
      const written = writeLesson(lesson, file);
      expect(written.ok, `${lesson.name}: the lesson's run holds its expectations and checkers`).toBe(true);
      const steps = JSON.parse(/<script type="application\/json" id="lesson-data">(.*?)<\/script>/s.exec(readFileSync(file, 'utf8'))![1]!) as { fromMs: number; toMs: number; text: string }[];
      expect(steps.length).toBeGreaterThanOrEqual(4);
      for (const [w, h] of [[1280, 720], [1600, 1000]] as const) {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: w, height: h });
        const errors = pageErrors(page);
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        expect(await page.locator('#lesson li').count()).toBe(steps.length);
        expect(await page.getAttribute('body', 'data-lesson-step')).toBe('0');
        expect(await page.textContent('#lesson-now')).toBe(steps[0]!.text);
        expect(Number(await page.inputValue('#from'))).toBeCloseTo(steps[0]!.fromMs / 1000, 3);
        await page.screenshot({ path: resolve(OUT, `${lesson.name}-${w}x${h}-step1.png`) });
        // Choosing another step frames it.
        await page.click('#lesson summary');
        await page.click('#lesson li[data-i="2"]');
        expect(await page.getAttribute('body', 'data-lesson-step')).toBe('2');
        expect(Number(await page.inputValue('#from'))).toBeCloseTo(steps[2]!.fromMs / 1000, 3);
        expect(Number(await page.inputValue('#to'))).toBeCloseTo(steps[2]!.toMs / 1000, 3);
        await page.keyboard.press(']');
        expect(await page.getAttribute('body', 'data-lesson-step')).toBe('3');
        await page.screenshot({ path: resolve(OUT, `${lesson.name}-${w}x${h}-step4.png`) });
        expect(errors).toEqual([]);
        await page.close();
      }
    }, 60_000);
  }
});
