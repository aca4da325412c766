/**
 * Pinned behaviour: every library scenario, at each seed the tests run it with, must give the trace
 * digest recorded in `scenarios/digests.json`. A failure names the scenario and seed that moved.
 * After an intended change: `UPDATE_DIGESTS=1 npx vitest run scenarios/digests.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../sim/scenario.ts';
import type { Scenario } from '../sim/scenario.ts';
import { DIGEST_FORMAT } from '../sim/trace-digest.ts';
import { digestProblems, loadGolden, testSeeds, writeGolden, type DigestTable, type GoldenDigests } from './lib/digests.ts';
import splitBrain from './split-brain.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
const UPDATE = process.env['UPDATE_DIGESTS'] === '1';
const golden = loadGolden();
const now: DigestTable = {};

async function load(file: string): Promise<Scenario> {
  return ((await import(pathToFileURL(join(DIR, file)).href)) as { default: Scenario }).default;
}

function digests(s: Scenario): Record<string, string> {
  const out: Record<string, string> = {};
  for (const seed of testSeeds(s)) out[String(seed)] = runScenario(s, { seed }).sha256;
  return out;
}

describe('pinned behaviour: golden trace digests of the scenario library', () => {
  for (const file of FILES) {
    it(file, async () => {
      now[file] = digests(await load(file));
      if (!UPDATE) expect(digestProblems(golden, file, now[file]), file).toEqual([]);
    });
  }

  it('the golden file pins no scenario that is gone', () => {
    if (UPDATE) return;
    const gone = Object.keys(golden?.digests ?? {}).filter((f) => !FILES.includes(f));
    expect(gone, 'regenerate with UPDATE_DIGESTS=1 npx vitest run scenarios/digests.test.ts').toEqual([]);
  });

  it('a behaviour change is caught and named (planted: split-brain on a slower network)', () => {
    if (UPDATE) return;
    const seed = testSeeds(splitBrain)[0]!;
    const slower = runScenario({ ...splitBrain, link: { minUs: 300 } }, { seed }).sha256;
    const problems = digestProblems(golden, 'split-brain.ts', { ...golden?.digests['split-brain.ts'], [seed]: slower });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`split-brain.ts seed ${seed}: behaviour changed`);
    expect(problems[0]).toContain('UPDATE_DIGESTS=1');
  });

  it('says what is missing or stale: no file, another format, an unpinned scenario or seed, a seed no longer run', () => {
    const g: GoldenDigests = { format: DIGEST_FORMAT, digests: { 'a.ts': { '1': 'x'.repeat(64), '101': 'y'.repeat(64) } } };
    expect(digestProblems(null, 'a.ts', { '1': 'x'.repeat(64) })[0]).toMatch(/no golden digests/);
    expect(digestProblems({ ...g, format: 'zabsim-trace/1' }, 'a.ts', {})[0]).toMatch(/trace format zabsim-trace\/1/);
    expect(digestProblems(g, 'b.ts', { '1': 'x' })[0]).toMatch(/^b\.ts: no golden digests for this scenario/);
    expect(digestProblems(g, 'a.ts', { '1': 'x'.repeat(64), '101': 'y'.repeat(64) })).toEqual([]);
    expect(digestProblems(g, 'a.ts', { '1': 'x'.repeat(64), '101': 'y'.repeat(64), '201': 'z' })).toEqual([
      expect.stringMatching(/^a\.ts seed 201: no golden digest for this seed/),
    ]);
    expect(digestProblems(g, 'a.ts', { '1': 'x'.repeat(64) })).toEqual([
      expect.stringMatching(/^a\.ts seed 101: golden digest for a seed the tests no longer run/),
    ]);
  });

  afterAll(() => {
    if (!UPDATE) return;
    // A filtered run (-t) updates only the scenarios it ran; the others keep their golden digests.
    const kept = Object.fromEntries(Object.entries(golden?.digests ?? {}).filter(([f]) => FILES.includes(f) && !(f in now)));
    writeGolden({ ...kept, ...now });
  });
});
