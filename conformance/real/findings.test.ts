/**
 * Facts about a real ZooKeeper 3.8 that the differential test turned up (each file in findings/
 * is a script plus the answers a real server gives): kept as regression scripts for the model
 * (`npm run conformance -- FILE`) and checked here against a fresh real server, so the facts
 * stay true.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../script.ts';
import { realGate } from './availability.ts';
import { runScriptAgainstReal } from './runner.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'findings');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const gate = realGate();

/** `expected` is a partial picture of `actual`: objects by key, arrays item by item, null = absent. */
export function mismatches(actual: unknown, expected: unknown, at = ''): string[] {
  if (expected === null) return actual === undefined || actual === null ? [] : [`${at}: expected absent, got ${JSON.stringify(actual)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => mismatches(actual[i], e, `${at}[${i}]`));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null) return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) =>
      mismatches((actual as Record<string, unknown>)[k], v, `${at}.${k}`),
    );
  }
  return actual === expected ? [] : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

describe('real ZooKeeper findings', () => {
  it('partial matching reports what differs', () => {
    expect(mismatches({ a: 1, b: [{ c: 2, d: 3 }] }, { b: [{ c: 2 }] })).toEqual([]);
    expect(mismatches({ a: 1, b: [{ c: 2 }] }, { b: [{ c: 5 }] })).toEqual(['.b[0].c: expected 5, got 2']);
    expect(mismatches({ e: { x: [] } }, { e: null })).toHaveLength(1);
  });

  if (gate.mustFail) {
    it('needs a real ZooKeeper under CI=true', () => {
      throw new Error(`CI=true but ${gate.reason}`);
    });
    return;
  }

  for (const f of files) {
    it.skipIf(!gate.run)(f, async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { expect: Array<{ i: number }> };
      const rec = await runScriptAgainstReal(parseScript(json));
      expect(json.expect.length).toBeGreaterThan(0);
      for (const e of json.expect) expect(mismatches(rec.results[e.i], e, `results[${e.i}]`)).toEqual([]);
    });
  }
});
