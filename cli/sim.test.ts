import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { traceDigest } from '../sim/trace-digest.ts';
import { runCli } from './sim.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SPLIT = join(ROOT, 'scenarios', 'split-brain.ts');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

interface Summary {
  scenario: string;
  seed: number;
  traceSha256: string;
  virtualMs: number;
  verdicts: Record<string, string>;
  ok: boolean;
  leaders: { epoch: number; sid: number; electedAtMs: number }[];
  writes: { acknowledged: number; lost: number };
}

function lastJson(out: readonly string[]): Summary {
  return JSON.parse(out[out.length - 1] ?? '') as Summary;
}

describe('npm run sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-sim-'));

  it('--json: the last line is one summary object; the trace file hashes to it; the timeline is written', async () => {
    const trace = join(dir, 't.jsonl');
    const html = join(dir, 't.html');
    const r = await cli(SPLIT, '--seed', '3', '--trace', trace, '--html', html, '--json');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const s = lastJson(r.out);
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['scenario', 'seed', 'traceSha256', 'virtualMs', 'verdicts', 'ok', 'leaders', 'writes']));
    expect(s.scenario).toBe('split-brain');
    expect(s.seed).toBe(3);
    expect(s.ok).toBe(true);
    expect(s.virtualMs).toBe(40_000);
    expect(Object.values(s.verdicts).every((v) => v === 'pass')).toBe(true);
    expect(Object.keys(s.verdicts)).toEqual(expect.arrayContaining(['Leadership', 'Linearizability', 'Liveness']));
    // split brain: a second leader of a higher epoch, later than the first.
    expect(s.leaders.length).toBeGreaterThanOrEqual(2);
    expect(s.leaders[1]!.epoch).toBeGreaterThan(s.leaders[0]!.epoch);
    expect(s.leaders[1]!.electedAtMs).toBeGreaterThan(2_000);
    expect(s.writes.acknowledged).toBeGreaterThanOrEqual(3);
    expect(s.writes.lost).toBe(0);
    // A reader of the file recomputes the run's digest from its records (sim/trace-digest.ts).
    const records = readFileSync(trace, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as object);
    expect(traceDigest(records)).toBe(s.traceSha256);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    // The human part: narration, verdicts, sha256.
    const text = r.out.join('\n');
    expect(text).toMatch(/wins epoch 2: \(epoch 1, zxid 0x[0-9a-f]+, myid \d\) beats/);
    expect(text).toContain('PASS  Leadership');
    expect(r.out).toContain(`sha256    ${s.traceSha256}`);
  });

  it('same seed, same sha256; another seed, another sha256', async () => {
    const html = join(dir, 'x.html');
    const a = lastJson((await cli(SPLIT, '--seed', '5', '--json', '--html', html)).out);
    const b = lastJson((await cli(SPLIT, '--seed', '5', '--json', '--html', html)).out);
    const c = lastJson((await cli(SPLIT, '--seed', '6', '--json', '--html', html)).out);
    expect(a.traceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.traceSha256).toBe(a.traceSha256);
    expect(c.traceSha256).not.toBe(a.traceSha256);
  });

  it('a failing expectation or checker gives exit status 1 and says FAIL', async () => {
    const bad = join(dir, 'failing.ts');
    writeFileSync(
      bad,
      `import { zkScenario } from ${JSON.stringify(join(ROOT, 'scenarios/lib/define.ts'))};\n` +
        "export default zkScenario({ name: 'no leader ever', description: 'expects the impossible', servers: 3, durationMs: 2000,\n" +
        "  script() {}, expect: (z) => [{ name: 'nobody leads', ok: z.leader() === null }] });\n",
    );
    const r = await cli(bad, '--json', '--html', join(dir, 'f.html'));
    expect(r.code).toBe(1);
    expect(r.out.join('\n')).toContain('FAIL  nobody leads');
    expect(lastJson(r.out).ok).toBe(false);
  });

  it('without --html the timeline goes to out/<scenario>-<seed>.html', async () => {
    const r = await cli(SPLIT, '--seed', '9');
    expect(r.code).toBe(0);
    expect(r.out).toContain('timeline  out/split-brain-9.html');
    expect(existsSync(join(process.cwd(), 'out', 'split-brain-9.html'))).toBe(true);
  });

  it('reports progress through io.progress (the process shows it on stderr), ending at 100%', async () => {
    const seen: number[] = [];
    const out: string[] = [];
    const code = await runCli([SPLIT, '--html', join(dir, 'pr.html')], { out: (l) => out.push(l), err: () => undefined, progress: (f) => seen.push(f) });
    expect(code).toBe(0);
    expect(seen.length).toBe(50);
    expect(seen.every((f, i) => i === 0 || f > seen[i - 1]!)).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
  });

  it('a script that throws mid-run: one error line naming the scenario', async () => {
    const bad = join(dir, 'badtarget.ts');
    writeFileSync(
      bad,
      `import { zkScenario } from ${JSON.stringify(join(ROOT, 'scenarios/lib/define.ts'))};\n` +
        "export default zkScenario({ name: 'bad target', description: '', servers: 3, durationMs: 2000,\n" +
        "  script(z) { z.at(500, (z) => { throw new Error('no server s9 here'); }); } });\n",
    );
    const r = await cli(bad, '--html', join(dir, 'bt.html'));
    expect(r.code).toBe(1);
    expect(r.err).toEqual(["sim: scenario 'bad target' failed: no server s9 here"]);
    expect(r.out).toEqual([]);
  });

  it('bad input: one clear error line and a non-zero status', async () => {
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
    const syntax = join(dir, 'syntax.ts');
    writeFileSync(syntax, 'export default {{{ ;\n');
    const cases: [string[], RegExp][] = [
      [['no/such/file.ts'], /not found/],
      [[SPLIT, '--bogus'], /unknown option --bogus/],
      [[SPLIT, '--seed', 'abc'], /--seed/],
      [[SPLIT, '--seed', '-1'], /--seed/],
      [[SPLIT, '--seed'], /--seed needs a value/],
      [[SPLIT, '--html'], /--html needs a value/],
      [[SPLIT, SPLIT], /unexpected argument/],
      [[SPLIT, '--trace', join(dir, 'no', 'such', 'dir', 'x.jsonl')], /cannot write trace file/],
      [[SPLIT, '--html', join(dir, 'no', 'such', 'dir', 'x.html')], /cannot write timeline/],
      [[], /no scenario/],
      [[throwing, '--html', join(dir, 'b.html')], /kaboom/],
      [[notScenario], /not a scenario/],
      [[brokenImport], /cannot load .*bad module/],
      [[syntax], /cannot load/],
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
    const ok = spawnSync(TSX, ['cli/sim.ts', 'scenarios/split-brain.ts', '--html', join(dir, 'p.html'), '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^sha256 {4}[0-9a-f]{64}$/m);
    expect((JSON.parse(ok.stdout.trim().split('\n').pop() ?? '') as Summary).ok).toBe(true);
  });
});
