/**
 * The public benchmark histories with known verdicts (`VERDICTS.tsv`): every one must get its
 * verdict. The kv files are checked split per key here; the c10 files checked whole are a stress
 * case left to the bench (they take seconds), but c01 is small enough to check whole here too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findModel } from './registry.ts';

/** The in-repo copy of Porcupine's test histories (MIT, see testdata/LICENSE.md). */
const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const rows = readFileSync(join(dir, 'VERDICTS.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t') as [string, string, string]);

describe('porcupine fixtures', () => {
  it('are all listed', () => {
    expect(rows.length).toBe(108);
  });
  for (const [file, model, expected] of rows) {
    it(`${file} is ${expected}`, () => {
      const m = findModel(model);
      expect(m, `model ${model}`).toBeDefined();
      const r = m!.check(readFileSync(join(dir, file), 'utf8'), file);
      expect(r.verdict).toBe(expected.replace('-', ' '));
      if (r.verdict === 'not linearizable') expect(r.explanation?.blocking).toBeDefined();
    });
  }
  for (const file of ['kv/c01-ok.txt', 'kv/c01-bad.txt']) {
    it(`${file} gets the same verdict without the split`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const split = findModel('kv')!.check(text, file);
      const whole = findModel('kv')!.check(text, file, { noSplit: true });
      expect(whole.parts).toHaveLength(1);
      expect(whole.verdict).toBe(split.verdict);
    });
  }
});
