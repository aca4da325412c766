/**
 * The project's own conformance corpus: op scripts (`conformance/scripts/`) and what a real
 * ZooKeeper 3.8.0 recorded for each (`conformance/golden/`, written by this project's real runner:
 * `npm run conformance -- conformance/scripts/X.json --against real --out conformance/golden/X.json`).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)));

export const SCRIPTS_DIR = join(here, 'scripts');
export const GOLDEN_DIR = join(here, 'golden');

/** The script file names (`NN-name.json`), sorted. */
export function corpusFiles(): string[] {
  return readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.json')).sort();
}
