/**
 * Every scenario in the library runs green: all its expectations hold and every trace checker
 * passes, for its own seed and two more (a scenario that only works for one seed teaches little);
 * its own seed run again reproduces the same trace; its trace passes the strict decoder (trace/), as
 * JSONL too.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioProblem } from '../sim/scenario.ts';
import type { Scenario } from '../sim/scenario.ts';
import { testSeeds } from './lib/digests.ts';
import { runChecked } from './lib/run.ts';
import { toJsonl } from '../sim/trace.ts';
import { decodeRecords, parseJsonl } from '../trace/decode.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();

describe('the scenario library', () => {
  it('has the scenarios the README lists', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(1);
  });

  for (const file of FILES) {
    it(file, async () => {
      const mod = (await import(pathToFileURL(join(DIR, file)).href)) as { default: unknown };
      expect(scenarioProblem(mod.default)).toBeNull();
      const s = mod.default as Scenario;
      const base = s.seed ?? 1;
      const digests: string[] = [];
      for (const seed of [...testSeeds(s), base]) {
        const run = runChecked(s, { seed });
        digests.push(run.result.sha256);
        if (digests.length === 1) {
          const records = run.result.sim.trace.records;
          expect(() => decodeRecords(records)).not.toThrow();
          expect(parseJsonl(toJsonl(records), file).length).toBe(records.length);
        }
        const broken = [
          ...run.result.expectations.filter((e) => !e.ok).map((e) => `expectation: ${e.name} (${e.detail ?? ''})`),
          ...run.verdicts.filter((v) => !v.ok).map((v) => `checker ${v.name}: ${v.violations[0]?.message ?? ''}`),
          ...(run.result.hitEventLimit ? ['hit the event limit'] : []),
          ...(run.summary.writes.lost > 0 ? [`${run.summary.writes.lost} acknowledged writes lost`] : []),
        ];
        expect(broken, `${file} seed ${seed}`).toEqual([]);
        expect(run.result.expectations.length, `${file} states expectations`).toBeGreaterThan(0);
        expect(run.ok).toBe(true);
      }
      // Per-run state is reset between runs: the same seed again gives the same trace.
      expect(digests[3]).toBe(digests[0]);
      expect(new Set(digests.slice(0, 3)).size).toBe(3);
    });
  }
});
