/**
 * The model's recordings of the corpus scripts (`conformance/scripts/`) must equal what a real ZooKeeper 3.8.0
 * recorded (conformance/golden), field for field, watch events per op as a set.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScript } from './script.ts';
import { compareRecordings, type Recording } from './recording.ts';
import { runScriptAgainstModel } from './model/runner.ts';
import { corpusFiles, GOLDEN_DIR, SCRIPTS_DIR } from './corpus.ts';

const examples = SCRIPTS_DIR;
const goldens = GOLDEN_DIR;
const files = corpusFiles();

describe('model vs golden recordings', () => {
  it('finds the corpus scripts', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)('%s', (f) => {
    const script = parseScript(JSON.parse(readFileSync(`${examples}/${f}`, 'utf8')));
    const golden = JSON.parse(readFileSync(`${goldens}/${f}`, 'utf8')) as Recording;
    const rec = runScriptAgainstModel(script);
    expect(compareRecordings(rec, golden)).toEqual([]);
  });
  it('a planted difference is caught', () => {
    const f = files[0]!;
    const script = parseScript(JSON.parse(readFileSync(`${examples}/${f}`, 'utf8')));
    const golden = JSON.parse(readFileSync(`${goldens}/${f}`, 'utf8')) as { results: Record<string, unknown>[] };
    const i = golden.results.findIndex((r) => typeof r['zxid'] === 'number');
    golden.results[i]!['zxid'] = (golden.results[i]!['zxid'] as number) + 1;
    expect(compareRecordings(runScriptAgainstModel(script), golden as unknown as Recording)).toHaveLength(1);
  });
});
