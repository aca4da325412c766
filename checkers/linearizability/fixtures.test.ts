/**
 * The public benchmark histories with known verdicts (`VERDICTS.tsv`): every one must get its
 * verdict. The kv files are checked split per key here; the c10 files checked whole are a stress
 * case left to the bench (they take seconds), but c01 is small enough to check whole here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findModel } from './registry.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env['ZABSIM_SHARED'] ?? join(repo, '../shared');
const dir = join(shared, 'fixtures/porcupine');
const rows = existsSync(join(dir, 'VERDICTS.tsv'))
  ? readFileSync(join(dir, 'VERDICTS.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t') as [string, string, string])
  : [];

describe('porcupine fixtures', () => {
  it('are present (set ZABSIM_SHARED if shared/ is elsewhere)', () => {
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
