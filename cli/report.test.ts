import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitBrainTrace } from '../reports/timeline/testing/synthetic.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-reports-'));

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/report.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli/report.ts', () => {
  const trace = join(dir, 'split.jsonl');
  writeFileSync(trace, splitBrainTrace().map((r) => JSON.stringify(r)).join('\n') + '\n');

  it('writes a timeline and prints a narration', () => {
    const out = join(dir, 'split.html');
    const t = run('timeline', trace, '-o', out, '--title', 'cli test');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<title>cli test</title>');
    const n = run('narrate', trace);
    expect(n.code).toBe(0);
    expect(n.out).toContain('s3 leads epoch 2 (won with zxid 0x100000002; NEWLEADER acked by s1 s2 s3)');
  });

  it('answers bad input with one line on stderr and exit 2, never a stack trace', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"t":0,"node":"*","ev":"header","schema":1,"seed":1,"nodes":["s1"]}\n{"t": 1, "ev": "boot", "node": "s1"}\n{"t": "x"}\n');
    const cases: [string[], RegExp][] = [
      [[], /expected a command/],
      [['timeline', join(dir, 'missing.jsonl')], /cannot read trace .*ENOENT/],
      [['timeline', bad], /bad\.jsonl:3: field t: expected a non-negative int/],
      [['narrate', trace, '--verdicts', bad], /not valid JSON/],
      [['timeline', trace, '--frobnicate'], /Unknown option/],
    ];
    for (const [args, re] of cases) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
