/**
 * Every scenario's timeline, opened as a student would in headless Chromium at 1280x720 and
 * 1600x1000: no script errors; the client lanes start above the fold; each election's ballot
 * shows the winning triple and the beaten ones; selecting a write shows its quorum; the inspector
 * shows what a step changed; partition sides are drawn. Screenshots go to out/timelines/.
 * Skips (saying so) without Chromium, except under CI=true.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, CHROMIUM, launchChromium, pageErrors } from '../../scripts/chromium.ts';
import type { Browser } from '../../scripts/chromium.ts';
import { renderTimeline } from './render.ts';
import { runChecked } from '../../scenarios/lib/run.ts';
import type { Scenario } from '../../sim/scenario.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'out', 'timelines');
const SCENARIOS = join(ROOT, 'scenarios');
const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
const run = chromiumPath() !== undefined || browserRequired();
if (!run) console.warn(`scenario timeline browser tests SKIPPED: no Chromium at ${CHROMIUM}`);

const TRIPLE = /\(epoch \d+, zxid 0x[0-9a-f]+, myid \d+\)/;

describe.skipIf(!run)('every scenario timeline in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const file of FILES) {
    it(file, async () => {
      const s = ((await import(pathToFileURL(join(SCENARIOS, file)).href)) as { default: Scenario }).default;
      const name = file.replace(/\.ts$/, '');
      const r = runChecked(s);
      const trace = r.result.sim.trace.records;
      const html = renderTimeline(trace, { title: `${name} (seed ${s.seed ?? 1})`, seed: s.seed ?? 1, verdicts: r.verdicts });
      const path = join(OUT, `${name}.html`);
      writeFileSync(path, html);

      const page = await browser.context.newPage();
      const errors = pageErrors(page);
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(pathToFileURL(path).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });

      // The first client lane starts above the fold.
      const clientTop = await page.$eval('.lane-bg.client', (e) => e.getBoundingClientRect().top).catch(() => 0);
      expect(clientTop, 'first client lane above the fold at 1280x720').toBeLessThan(720);
      await page.screenshot({ path: join(OUT, `${name}-1280x720.png`) });

      // Each election: its ballot names the winning triple and why every other server lost.
      const elections = await page.$$eval('#elections button.election', (els) => els.length);
      const established = trace.filter((x) => x.ev === 'trace' && x.event === 'leader.established').length;
      // One ballot per election won (a winner that never established its epoch has one too).
      expect(elections, 'a ballot for every established leader').toBeGreaterThanOrEqual(established);
      for (let k = 0; k < elections; k++) {
        await page.click(`#elections button[data-e="${k}"]`);
        const ballot = (await page.textContent('#ballot')) ?? '';
        expect(ballot).toMatch(new RegExp(`wins (epoch|round) \\d+: ${TRIPLE.source}( beats |; | \\(| [a-z])`));
        const beaten = await page.$$eval('#ballot td.beaten', (els) => els.map((e) => e.textContent ?? '').filter((t) => t.startsWith('beaten')));
        // The winning triple is a row; when the sentence names beaten triples, so do the rows.
        expect(await page.$$eval('#ballot tr.winner', (els) => els.length), `election ${k + 1}: the winner's row`).toBe(1);
        if (/ beats /.test(ballot)) expect(beaten.length, `election ${k + 1}: the beaten triples`).toBeGreaterThan(0);
        // The framed election contains the cursor, and the inspector shows the step.
        const from = Number(await page.inputValue('#from'));
        const to = Number(await page.inputValue('#to'));
        expect(to).toBeGreaterThan(from);
      }
      if (elections > 0) await page.screenshot({ path: join(OUT, `${name}-ballot.png`), fullPage: true });

      // A committed write: put the window on its proposal and step onto it.
      const propose = trace.find((x) => x.ev === 'trace' && x.event === 'propose');
      if (propose !== undefined) {
        await page.fill('#from', ((propose.t - 1) / 1e6).toFixed(6));
        await page.fill('#to', ((propose.t + 3000) / 1e6).toFixed(6));
        await page.press('#to', 'Enter');
        await page.locator('#to').blur();
        let zxid: string | null = null;
        let changed = 0;
        for (let i = 0; i < 40 && zxid === null; i++) {
          await page.keyboard.press('ArrowRight');
          zxid = await page.getAttribute('#write', 'data-zxid');
          changed = Math.max(changed, Number(await page.getAttribute('#status', 'data-changed')));
        }
        expect(zxid, 'selecting a write shows it').not.toBeNull();
        expect((await page.textContent('#write')) ?? '').toMatch(/quorum of acks at t=|never committed/);
        for (let i = 0; i < 10 && changed === 0; i++) {
          await page.keyboard.press('ArrowRight');
          changed = Number(await page.getAttribute('#status', 'data-changed'));
        }
        expect(changed, 'the inspector highlights what a step changed').toBeGreaterThan(0);
        expect(await page.$$eval('#status td.changed', (els) => els.length)).toBeGreaterThan(0);
        await page.screenshot({ path: join(OUT, `${name}-write.png`), fullPage: true });
      }

      // Partition sides, clients included, on their lanes.
      const partitions = trace.filter((x) => x.ev === 'fault' && (x.fault === 'partition' || x.fault === 'isolate')).length;
      if (partitions > 0) {
        await page.click('#fit');
        const sides = await page.$$eval('rect.region.side', (els) => els.filter((e) => e.getAttribute('visibility') === 'visible').length);
        expect(sides, 'partition sides drawn').toBeGreaterThan(0);
      }

      await page.setViewportSize({ width: 1600, height: 1000 });
      await page.click('#fit');
      await page.screenshot({ path: join(OUT, `${name}-1600x1000.png`) });
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
