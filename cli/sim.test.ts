import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function sim(...args: string[]) {
  const r = spawnSync(TSX, ['cli/sim.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run sim', () => {
  it('runs the demo scenario, writes the trace and prints its sha256', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-'));
    const out = join(dir, 't.jsonl');
    const r = sim('scenarios/split-brain.ts', '--seed', '3', '--trace', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { sha256: string; seed: number; ok: boolean; demo: string };
    expect(summary.seed).toBe(3);
    expect(summary.demo).toMatch(/KERNEL DEMO/);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(summary.sha256);
    const text = sim('scenarios/split-brain.ts', '--seed', '3');
    expect(text.out).toContain('KERNEL DEMO');
    expect(text.out).toContain(`sha256    ${summary.sha256}`);
  });

  it('bad input: one clear error line, non-zero exit, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-'));
    const throwing = join(dir, 'throws.ts');
    writeFileSync(
      throwing,
      "export default { name: 'boom', description: '', nodes: ['a'], durationUs: 1000, " +
        "factory: () => ({ id: 'a', step() { throw new Error('kaboom'); } }) };\n",
    );
    const notScenario = join(dir, 'not.ts');
    writeFileSync(notScenario, 'export default 42;\n');
    const cases: [string[], RegExp][] = [
      [['no/such/file.ts'], /not found/],
      [['scenarios/split-brain.ts', '--bogus'], /unknown option --bogus/],
      [['scenarios/split-brain.ts', '--seed', 'abc'], /--seed/],
      [['scenarios/split-brain.ts', '--seed'], /--seed needs a value/],
      [[], /no scenario/],
      [[throwing], /kaboom/],
      [[notScenario], /not a scenario/],
    ];
    for (const [args, re] of cases) {
      const r = sim(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.code, args.join(' ')).not.toBe(null);
      const lines = r.err.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
