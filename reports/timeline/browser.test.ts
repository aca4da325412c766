/**
 * The timeline in a real headless Chromium: it loads without script errors, shows what a student
 * must see (a lane per server, the partition, both leaders), and stepping / zooming / jumping to a
 * violation work. Skips (saying so) when Chromium is missing, except under CI=true.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserRequired, chromiumPath, CHROMIUM, launchChromium, pageErrors } from '../../scripts/chromium.ts';
import type { Browser } from '../../scripts/chromium.ts';
import { renderTimeline } from './render.ts';
import { largeTrace } from './testing/synthetic.ts';
import { realPlantedTruncBug, realSplitBrain } from './testing/real-runs.ts';
import { runAll } from '../../checkers/index.ts';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../out');
const haveBrowser = chromiumPath() !== undefined;
const run = haveBrowser || browserRequired();
if (!run) console.warn(`timeline browser tests SKIPPED: no Chromium at ${CHROMIUM} (install it with scripts/install-system-deps.sh as root)`);

interface Opened {
  readonly page: Page;
  readonly errors: string[];
}

describe.skipIf(!run)('the timeline in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, name: string): Promise<Opened> {
    const file = resolve(OUT, name);
    writeFileSync(file, html);
    const page = await browser.context.newPage();
    const errors = pageErrors(page);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, errors };
  }

  const step = async (page: Page): Promise<{ step: string; text: string }> => ({
    step: (await page.getAttribute('#desc', 'data-step')) ?? '',
    text: (await page.textContent('#desc')) ?? '',
  });

  it('teaches a real split brain: lanes, partition, two leaders, stepping and zooming', async () => {
    const sb = realSplitBrain(1);
    const verdicts = runAll(sb.trace);
    const html = renderTimeline(sb.trace, { title: 'Split brain: a leader cut off with a minority', seed: 1, verdicts });
    const { page, errors } = await open(html, 'timeline-split-brain.html');

    const servers = await page.$$eval('.lane-bg.server', (els) => els.map((e) => e.getAttribute('data-lane')));
    expect(servers).toEqual(['s1', 's2', 's3', 's4', 's5']);

    // The partition band is drawn and visible.
    const partition = await page.$eval('rect.region.partition', (e) => ({ vis: e.getAttribute('visibility'), w: Number(e.getAttribute('width')) }));
    expect(partition.vis).toBe('visible');
    expect(partition.w).toBeGreaterThan(100);

    // Both leaders are visible at once: LEADING spans on two lanes overlapping in time, and the band.
    const leading = await page.$$eval('rect.span.st-LEADING', (els) =>
      els.map((e) => ({
        lane: e.getAttribute('data-lane'), t0: Number(e.getAttribute('data-t0')), t1: Number(e.getAttribute('data-t1')),
        vis: e.getAttribute('visibility'), w: Number(e.getAttribute('width')),
      })),
    );
    const visible = leading.filter((s) => s.vis === 'visible' && s.w > 5);
    const overlapping = visible.some((a) => visible.some((b) => a.lane !== b.lane && a.t0 < b.t1 && b.t0 < a.t1));
    expect(overlapping).toBe(true);
    expect(await page.textContent('text.region-label.leaders')).toContain(sb.oldLeader);

    // Stepping: the cursor and the description follow the arrow keys.
    const before = await step(page);
    expect(before.step).toBe('-1');
    await page.keyboard.press('ArrowRight');
    const first = await step(page);
    expect(first.step).toBe('0');
    expect(first.text).toMatch(/^t=0\.0+s/);
    await page.keyboard.press('ArrowRight');
    const second = await step(page);
    expect(second.step).toBe('1');
    expect(second.text).not.toBe(first.text);
    await page.keyboard.press('ArrowLeft');
    expect(await step(page)).toEqual(first);

    // Zoom onto the second election with the range control, then step through it, notable events only.
    const decided = sb.trace.find((r) => r.ev === 'trace' && r['event'] === 'leader.established' && r.node === sb.newLeader);
    expect(decided).toBeDefined();
    const tEst = (decided?.t ?? 0) / 1e6;
    await page.fill('#from', (tEst - 0.26).toFixed(3));
    await page.fill('#to', (tEst + 0.03).toFixed(3));
    await page.press('#to', 'Enter');
    await page.locator('#to').blur();
    const ticks = await page.$$eval('#axis .tick-label', (els) => els.map((e) => e.textContent ?? ''));
    expect(ticks.length).toBeGreaterThan(3);
    expect(ticks[0]).toMatch(/\.\d{2,}s$/); // finer labels once zoomed in
    await page.selectOption('#stepmode', 'notable');
    await page.keyboard.press('ArrowRight'); // the select gave the keyboard back: this steps
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      const s = await step(page);
      found = s.text.includes(`${sb.newLeader} is the established leader of epoch 2`);
      if (!found) await page.keyboard.press('ArrowRight');
    }
    expect(found).toBe(true);

    // Hovering over that event (on the new leader's lane, at its time) names it in a tooltip.
    const from = Number(await page.inputValue('#from')) * 1e6;
    const to = Number(await page.inputValue('#to')) * 1e6;
    const box = await page.$eval('#canvas', (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width };
    });
    const laneY = Number(await page.getAttribute(`.lane-bg[data-lane="${sb.newLeader}"]`, 'y'));
    const x = box.x + ((decided!.t - from) / (to - from)) * box.w;
    await page.mouse.move(x, box.y + laneY + 30);
    expect(await page.isVisible('#tip')).toBe(true);
    expect(await page.textContent('#tip')).toContain(`${sb.newLeader} is the established leader of epoch 2`);
    await page.screenshot({ path: resolve(OUT, 'timeline-split-brain-zoom.png'), fullPage: true });

    // Wheel zoom changes the window.
    const w0 = Number(await page.inputValue('#to')) - Number(await page.inputValue('#from'));
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, -400);
    const w1 = Number(await page.inputValue('#to')) - Number(await page.inputValue('#from'));
    expect(w1).toBeLessThan(w0);

    // The whole run with the cursor on the new leader: the picture a student gets first.
    await page.click('#fit');
    await page.screenshot({ path: resolve(OUT, 'timeline-split-brain.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('jumps to a checker violation (planted ZOOKEEPER-1154) and marks its records', async () => {
    const trace = realPlantedTruncBug(7);
    const verdicts = runAll(trace);
    const bad = verdicts.find((v) => !v.ok && v.violations.length > 0);
    expect(bad, 'the planted bug must be caught by some checker').toBeDefined();
    const { page, errors } = await open(renderTimeline(trace, { title: 'ZOOKEEPER-1154 planted', verdicts }), 'timeline-zk1154.html');
    const vi = verdicts.indexOf(bad!);
    await page.click(`button[data-v="${vi}:0"]`);
    expect(await page.textContent('#violation-note')).toContain(bad!.violations[0]!.message);
    const s = await step(page);
    expect(Number(s.step)).toBeGreaterThanOrEqual(0);
    const from = Number(await page.inputValue('#from')) * 1e6;
    const to = Number(await page.inputValue('#to')) * 1e6;
    const t = bad!.violations[0]!.t;
    expect(from).toBeLessThanOrEqual(t);
    expect(to).toBeGreaterThanOrEqual(t);
    await page.screenshot({ path: resolve(OUT, 'timeline-zk1154.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a 100,000-record trace without errors and can still step', async () => {
    const trace = largeTrace(100_000, 'browser');
    const { page, errors } = await open(renderTimeline(trace, { title: '100k records' }), 'timeline-100k.html');
    expect(await page.textContent('#density-note')).toMatch(/messages in view/);
    await page.keyboard.press('ArrowRight');
    expect((await step(page)).step).toBe('0');
    await page.keyboard.press('End');
    expect(Number((await step(page)).step)).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  });
});
