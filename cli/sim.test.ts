import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './sim.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const DEMO = join(ROOT, 'scenarios', 'split-brain.ts');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('npm run sim', () => {
  it('runs the demo scenario, writes the trace file and prints its sha256', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zabsim-')), 't.jsonl');
    const r = await cli(DEMO, '--seed', '3', '--trace', out, '--json');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.join('\n')) as { sha256: string; seed: number; demo: string };
    expect(summary.seed).toBe(3);
    expect(summary.demo).toMatch(/KERNEL DEMO/);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(summary.sha256);
    const text = await cli(DEMO, '--seed', '3');
    expect(text.out.join('\n')).toContain('KERNEL DEMO');
    expect(text.out).toContain(`sha256    ${summary.sha256}`);
  });

  it('bad input: one clear error line and a non-zero status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-'));
    const throwing = join(dir, 'throws.ts');
    writeFileSync(
      throwing,
      "export default { name: 'boom', description: '', nodes: ['a'], durationUs: 1000, " +
        "factory: () => ({ id: 'a', step() { throw new Error('kaboom'); } }) };\n",
    );
    const notScenario = join(dir, 'not.ts');
    writeFileSync(notScenario, 'export default 42;\n');
    const brokenImport = join(dir, 'broken.ts');
    writeFileSync(brokenImport, "throw new Error('bad module');\n");
    const cases: [string[], RegExp][] = [
      [['no/such/file.ts'], /not found/],
      [[DEMO, '--bogus'], /unknown option --bogus/],
      [[DEMO, '--seed', 'abc'], /--seed/],
      [[DEMO, '--seed'], /--seed needs a value/],
      [[DEMO, '--trace', join(dir, 'no', 'such', 'dir', 'x.jsonl')], /cannot write trace file/],
      [[], /no scenario/],
      [[throwing], /kaboom/],
      [[notScenario], /not a scenario/],
      [[brokenImport], /cannot load .*bad module/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.err, args.join(' ')).toHaveLength(1);
      expect(r.err[0]).toMatch(re);
      expect(r.out).toEqual([]);
    }
  });

  it('as a process: exit status and a single stderr line, no stack trace', () => {
    const bad = spawnSync(TSX, ['cli/sim.ts', 'no/such/file.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual(['sim: scenario file not found: no/such/file.ts']);
    const ok = spawnSync(TSX, ['cli/sim.ts', 'scenarios/split-brain.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^sha256 {4}[0-9a-f]{64}$/m);
  });
});
