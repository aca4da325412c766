/**
 * The real-server recorder reproduces the goldens: each corpus script, run against a
 * fresh real ZooKeeper 3.8, records exactly what a real 3.8.0 recorded for conformance/golden.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles, GOLDEN_DIR, SCRIPTS_DIR } from './corpus.ts';
import { realGate } from './real/availability.ts';
import { runScriptAgainstReal } from './real/runner.ts';
import { compareRecordings, type Recording } from './recording.ts';
import { parseScriptText } from './script.ts';

const gate = realGate();
const examples = SCRIPTS_DIR;
const goldens = GOLDEN_DIR;
const files = corpusFiles();

describe('real ZooKeeper reproduces the goldens', () => {
  if (gate.mustFail) {
    it('needs a real ZooKeeper under CI=true', () => {
      throw new Error(`CI=true but ${gate.reason}`);
    });
    return;
  }

  it('finds the corpus scripts and goldens', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(fs.existsSync(path.join(goldens, f))).toBe(true);
  });

  for (const f of files) {
    it.skipIf(!gate.run)(`${f} matches its golden`, async () => {
      const script = parseScriptText(fs.readFileSync(path.join(examples, f), 'utf8'));
      const golden = JSON.parse(fs.readFileSync(path.join(goldens, f), 'utf8')) as Recording;
      const rec = await runScriptAgainstReal(script);
      expect(compareRecordings(golden, rec)).toEqual([]);
      // The recording is not trivially empty: one result per op.
      expect(rec.results).toHaveLength(script.ops.length);
    });
  }

  it.skipIf(!gate.run)('the comparison notices a planted difference in a real recording', async () => {
    const f = files[1] ?? files[0]!;
    const script = parseScriptText(fs.readFileSync(path.join(examples, f), 'utf8'));
    // Plant: the script's last create writes different data, so dataLength and data_returned move.
    const ops = script.ops.map((o) =>
      o.op === 'create' && o.path === '/counter' ? { ...o, data: '12345' } : o,
    );
    const golden = JSON.parse(fs.readFileSync(path.join(goldens, f), 'utf8')) as Recording;
    const rec = await runScriptAgainstReal({ ...script, ops });
    const diff = compareRecordings(golden, rec);
    expect(diff.some((d) => d.includes('dataLength'))).toBe(true);
  });
});
