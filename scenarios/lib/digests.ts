/**
 * Pinned behaviour: the golden trace digest of every library scenario at every seed the tests run
 * it with (`scenarios/digests.json`), so an unintended behaviour change fails a test naming the
 * scenario and seed that moved. `UPDATE_DIGESTS=1 npx vitest run scenarios/digests.test.ts`
 * rewrites the file after an intended change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../sim/scenario.ts';
import { DIGEST_FORMAT } from '../../sim/trace-digest.ts';

export const DIGESTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'digests.json');
export const UPDATE_COMMAND = 'UPDATE_DIGESTS=1 npx vitest run scenarios/digests.test.ts';

/** Scenario file → seed → trace digest. */
export type DigestTable = Record<string, Record<string, string>>;

export interface GoldenDigests {
  /** The trace digest format the digests were taken with (`DIGEST_FORMAT`). */
  readonly format: string;
  readonly digests: DigestTable;
}

/** The seeds the tests run a scenario with: its own, and two more (`scenarios.test.ts`). */
export function testSeeds(s: Scenario): number[] {
  const base = s.seed ?? 1;
  return [base, base + 100, base + 200];
}

export function loadGolden(path = DIGESTS_FILE): GoldenDigests | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as GoldenDigests;
}

/** The golden file's text for a table (files and seeds in a fixed order, one scenario per line). */
export function goldenText(table: DigestTable): string {
  const files = Object.keys(table).sort();
  const lines = files.map((f) => {
    const seeds = Object.keys(table[f]!).sort((a, b) => Number(a) - Number(b));
    const inner = seeds.map((s) => `${JSON.stringify(s)}: ${JSON.stringify(table[f]![s])}`).join(', ');
    return `    ${JSON.stringify(f)}: { ${inner} }`;
  });
  return `{\n  "format": ${JSON.stringify(DIGEST_FORMAT)},\n  "digests": {\n${lines.join(',\n')}\n  }\n}\n`;
}

export function writeGolden(table: DigestTable, path = DIGESTS_FILE): void {
  writeFileSync(path, goldenText(table));
}

/**
 * What differs between the golden digests and one scenario's digests now, one line each, naming the
 * scenario and seed. Empty when they agree.
 */
export function digestProblems(golden: GoldenDigests | null, file: string, now: Readonly<Record<string, string>>): string[] {
  const fix = `if the change is intended, regenerate with: ${UPDATE_COMMAND}`;
  if (golden === null) return [`no golden digests (${DIGESTS_FILE}); ${fix}`];
  if (golden.format !== DIGEST_FORMAT) {
    return [`golden digests are for trace format ${golden.format}, the trace digest is now ${DIGEST_FORMAT}; ${fix}`];
  }
  const pinned = golden.digests[file];
  if (pinned === undefined) return [`${file}: no golden digests for this scenario; ${fix}`];
  const out: string[] = [];
  for (const [seed, digest] of Object.entries(now)) {
    const want = pinned[seed];
    if (want === undefined) out.push(`${file} seed ${seed}: no golden digest for this seed; ${fix}`);
    else if (want !== digest) {
      out.push(`${file} seed ${seed}: behaviour changed, trace digest ${digest.slice(0, 16)}… (golden ${want.slice(0, 16)}…); ${fix}`);
    }
  }
  for (const seed of Object.keys(pinned)) {
    if (!(seed in now)) out.push(`${file} seed ${seed}: golden digest for a seed the tests no longer run; ${fix}`);
  }
  return out;
}
