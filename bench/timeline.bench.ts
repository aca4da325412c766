/**
 * Timeline scale: a 100,000-record trace → HTML (server side), then opened in headless Chromium
 * (load to ready, one step, one zoom redraw). Prints figures; asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { renderTimeline } from '../reports/timeline/render.ts';
import { buildModel } from '../reports/timeline/model.ts';
import { largeTrace } from '../reports/timeline/testing/synthetic.ts';
import { chromiumPath, launchChromium } from '../scripts/chromium.ts';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../out');

function ms(t0: number): string {
  return (performance.now() - t0).toFixed(0) + ' ms';
}

export default async function bench(): Promise<void> {
  const N = 100_000;
  let t = performance.now();
  const trace = largeTrace(N, 'bench');
  console.log(`synthetic trace: ${trace.length.toLocaleString('en')} records in ${ms(t)}`);
  t = performance.now();
  const m = buildModel(trace);
  console.log(`model: ${m.arrows.length} arrows, ${m.marks.length} marks, ${m.spans.length} spans in ${ms(t)}`);
  t = performance.now();
  const html = renderTimeline(trace, { title: 'bench: 100k records' });
  console.log(`renderTimeline: ${ms(t)}, page ${(html.length / 1e6).toFixed(2)} MB`);
  mkdirSync(OUT, { recursive: true });
  const file = resolve(OUT, 'timeline-bench-100k.html');
  writeFileSync(file, html);

  if (chromiumPath() === undefined) {
    console.log('chromium: not installed, browser figures skipped');
    return;
  }
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    t = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    console.log(`chromium: open → interactive ${ms(t)}`);
    t = performance.now();
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#desc[data-step="0"]');
    console.log(`chromium: first step ${ms(t)}`);
    // A zoom to 1/20 of the run (arrows drawn individually) and back to the whole run (density).
    // (A string: this project type-checks without the DOM library.)
    const timing = (await page.evaluate(`(() => {
      const from = document.getElementById('from'), to = document.getElementById('to');
      const end = Number(to.value);
      let t0 = performance.now();
      from.value = String(end * 0.5);
      to.value = String(end * 0.55);
      to.dispatchEvent(new Event('change'));
      const zoomIn = performance.now() - t0;
      t0 = performance.now();
      document.getElementById('fit').click();
      return { zoomIn, fit: performance.now() - t0 };
    })()`)) as { zoomIn: number; fit: number };
    console.log(`chromium: redraw zoomed to 5% ${timing.zoomIn.toFixed(0)} ms, whole run ${timing.fit.toFixed(0)} ms`);
    console.log(`chromium: script errors ${errors.length}`);
  } finally {
    await browser.close();
  }
}
