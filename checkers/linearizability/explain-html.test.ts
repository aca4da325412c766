/**
 * The HTML explanation of a violation in a real headless Chromium: bars per process, the
 * longest linearizable prefix numbered, the op that cannot be placed marked, no script errors or
 * network requests; a long history is cut to a window around the violation. Screenshots go to
 * out/. Skips (saying so) when Chromium is missing, except under CI=true.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRequired, chromiumPath, CHROMIUM, launchChromium, pageErrors } from '../../scripts/chromium.ts';
import type { Browser } from '../../scripts/chromium.ts';
import { generateCasHistory } from './cas-history-gen.ts';
import { explanationHtml } from './explain-html.ts';
import { findModel } from './registry.ts';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(here, '../../out');
const haveBrowser = chromiumPath() !== undefined;
const run = haveBrowser || browserRequired();
if (!run) console.warn(`linearizability HTML browser tests SKIPPED: no Chromium at ${CHROMIUM} (install it with scripts/install-system-deps.sh as root)`);

const cas = findModel('cas-register')!;

describe('the HTML explanation, as text', () => {
  it('says there is nothing to explain for a linearizable history', () => {
    const text = readFileSync(join(here, 'testdata/knossos/good.edn'), 'utf8');
    const html = explanationHtml('good.edn', 'cas-register', cas.check(text, 'good.edn', {}, { initial: 0 }));
    expect(html).toContain('Nothing to explain');
    expect(html).not.toContain('<svg');
  });
});

describe.skipIf(!run)('the HTML explanation in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, name: string) {
    const file = resolve(OUT, name);
    writeFileSync(file, html);
    const page = await browser.context.newPage();
    const errors = pageErrors(page);
    await page.goto(pathToFileURL(file).href);
    return { page, errors };
  }

  it('draws a small violation: every op, the prefix numbered, the blocking op marked', async () => {
    const text = readFileSync(join(here, 'testdata/knossos/info-bad.edn'), 'utf8');
    const result = cas.check(text, 'info-bad.edn', { partials: true }, { initial: 0 });
    const { page, errors } = await open(explanationHtml('info-bad.edn', 'cas-register', result), 'lin-explain-small.html');
    expect(await page.locator('svg g.op').count()).toBe(3);
    expect(await page.locator('svg g.linearized').count()).toBe(result.explanation!.linearized.length);
    const blocking = page.locator('svg g.blocking');
    expect(await blocking.count()).toBe(1);
    expect(await blocking.locator('title').textContent()).toMatch(/read -> 0\ncannot be placed next/);
    expect(await page.locator('h1').textContent()).toMatch(/not linearizable/);
    // One row per process, and the blocking bar lies inside the drawing.
    const box = (await blocking.locator('rect').boundingBox())!;
    const svg = (await page.locator('svg').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(svg.x);
    expect(box.x + box.width).toBeLessThanOrEqual(svg.x + svg.width + 1);
    await page.screenshot({ path: resolve(OUT, 'lin-explain-small.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('cuts a long history to a window around the violation', async () => {
    const text = generateCasHistory({ processes: 5, ops: 3000, seed: 'html', violation: 0.6 });
    const result = cas.check(text, 'gen.edn', {}, { initial: 0 });
    expect(result.verdict).toBe('not linearizable');
    const { page, errors } = await open(explanationHtml('gen.edn', 'cas-register', result), 'lin-explain-window.html');
    const drawn = await page.locator('svg g.op').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(200);
    expect(await page.textContent('body')).toMatch(/Showing \d+ of the part's \d+ ops/);
    expect(await page.locator('svg g.blocking title').textContent()).toMatch(/read -> 99/);
    await page.screenshot({ path: resolve(OUT, 'lin-explain-window.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
