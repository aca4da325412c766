/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line) in name order.
 * Each bench module's default export prints its own figures. Figures, never assertions: machines
 * here are shared and noisy.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no bench matches ${wanted.join(' ')}`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n== ${f.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> | void };
  await mod.default();
}
