/** `npm run check`: one line per file, exit codes, and one clear stderr line for bad input. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'lin-cli-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/check.ts', ...args], { cwd: repo, encoding: 'utf8' });
  return { code: r.status, out: r.stdout.trim().split('\n').filter(Boolean), err: r.stderr.trim().split('\n').filter(Boolean) };
};

const w = (p: number, type: string, v: number) => `INFO  jepsen.util - ${p}\t:${type}\t:write\t${v}`;
const r = (p: number, type: string, v: string) => `INFO  jepsen.util - ${p}\t:${type}\t:read\t${v}`;
const lines = (...ls: string[]): string => ls.join('\n') + '\n';
const good = file('good.log', lines(w(0, 'invoke', 1), w(0, 'ok', 1), r(1, 'invoke', 'nil'), r(1, 'ok', '1')));
const bad = file('bad.log', lines(w(0, 'invoke', 1), w(0, 'ok', 1), r(1, 'invoke', 'nil'), r(1, 'ok', '2')));

const knossos = (name: string): string => join(repo, 'checkers/linearizability/testdata/knossos', name);

describe('check CLI', () => {
  it('gives Knossos verdicts on Knossos-style EDN histories (vector and line layouts, :info, reused ids, nemesis ops, strings)', () => {
    const res = run('--model', 'cas-register', '--initial', '0', ...['good', 'bad', 'info-reused', 'info-bad'].map((n) => knossos(`${n}.edn`)));
    expect(res.err).toEqual([]);
    expect(res.code).toBe(1);
    expect(res.out.map((l) => l.replace(/^.*\//, '').replace(/, [\d.]+ ms\)/, ')'))).toEqual([
      'good.edn: linearizable (4 ops)',
      'bad.edn: not linearizable (2 ops)',
      'info-reused.edn: linearizable (4 ops, 2 nemesis ops ignored)',
      'info-bad.edn: not linearizable (3 ops)',
    ]);
    // The initial value matters: from nil, reading 0 is impossible.
    expect(run('--model', 'cas-register', knossos('info-reused.edn')).code).toBe(1);
    expect(run('--model', 'cas-register', knossos('strings.edn')).code).toBe(0);
    expect(run('--model', 'cas-register', '--initial', '"a"', knossos('strings.edn')).code).toBe(0);
  });

  it('refuses a file whose violation hides behind a malformed line, and lists it under --lenient', () => {
    // Read of 0 after the write of 3 completed: a violation, but its completion line says :okay.
    // Dropping that line would leave a linearizable history (the read never completes).
    const edn = file('hidden.edn', lines(
      '{:process 0, :type :invoke, :f :write, :value 3}',
      '{:process 0, :type :ok, :f :write, :value 3}',
      '{:process 1, :type :invoke, :f :read, :value nil}',
      '{:process 1, :type :okay, :f :read, :value 0}',
    ));
    const refused = run('--model', 'cas-register', '--initial', '0', edn);
    expect(refused.code).toBe(2);
    expect(refused.out).toEqual([]);
    expect(refused.err).toEqual([expect.stringMatching(/^check: .*hidden\.edn:4: unknown :type :okay \(expected :invoke, :ok, :fail or :info\)$/)]);
    const lenient = run('--model', 'cas-register', '--initial', '0', '--lenient', edn);
    expect(lenient.code).toBe(0);
    expect(lenient.out[0]).toMatch(/hidden\.edn: linearizable \(2 ops, 1 lines skipped, [\d.]+ ms\)$/);
    expect(lenient.err).toEqual([expect.stringMatching(/hidden\.edn:4: skipped \(--lenient\): unknown :type :okay/)]);
    // The same in an etcd log, and a negative process id, and a truncated last line.
    const log = file('hidden.log', lines(w(0, 'invoke', 3), w(0, 'ok', 3), r(1, 'invoke', 'nil'), r(1, 'okay', '0')));
    expect(run('--model', 'cas-register', log).err).toEqual([expect.stringMatching(/hidden\.log:4: unknown type ":okay"/)]);
    const neg = file('neg.log', lines(w(0, 'invoke', 3), w(0, 'ok', 3), r(-1, 'invoke', 'nil'), r(-1, 'ok', '0')));
    expect(run('--model', 'cas-register', neg).err).toEqual([expect.stringMatching(/neg\.log:3: the process must be a non-negative integer/)]);
    const cut = file('cut.log', lines(w(0, 'invoke', 3), w(0, 'ok', 3), r(1, 'invoke', 'nil')) + r(1, 'ok', '3').slice(0, -1));
    expect(run('--model', 'cas-register', cut).err).toEqual([expect.stringMatching(/cut\.log:4: the last line has no newline: the log looks truncated$/)]);
    const cutEdn = file('cut.edn', '[{:process 0, :type :invoke, :f :write, :value 3}\n {:process 0, :type :ok, :f :wr');
    expect(run('--model', 'cas-register', cutEdn).err).toEqual([expect.stringMatching(/cut\.edn:2: end of file inside a map opened on line 2 \(truncated\?\)$/)]);
  });

  it('runs the same as compiled JavaScript (npm run check goes through scripts/cli.mjs)', () => {
    const r = spawnSync(process.execPath, ['scripts/cli.mjs', 'cli/check.ts', '--model', 'cas-register', '--initial', '0', knossos('bad.edn')], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/bad\.edn: not linearizable \(2 ops, [\d.]+ ms\)\n$/);
  });

  it('writes an HTML explanation with --html', () => {
    const out = join(dir, 'bad.html');
    const res = run('--model', 'cas-register', '--initial', '0', '--html', out, knossos('info-bad.edn'));
    expect(res.code).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('not linearizable');
    expect(html).toMatch(/class="op blocking" data-index="2"/);
  });

  it('prints one line per file and exits 1 when one is not linearizable, explaining under --explain', () => {
    const res = run('--model', 'cas-register', '--explain', good, bad);
    expect(res.code).toBe(1);
    expect(res.out[0]).toMatch(/good\.log: linearizable \(2 ops, [\d.]+ ms\)$/);
    expect(res.out[1]).toMatch(/bad\.log: not linearizable \(2 ops, [\d.]+ ms\)$/);
    expect(res.out.join('\n')).toMatch(/cannot place next: #L3 1 \[2, 3\] read -> 2/);
    expect(res.err).toEqual([]);
  });

  it('prints the result and explanation as JSON under --json', () => {
    const res = run('--model', 'cas-register', '--json', bad);
    expect(res.code).toBe(1);
    const j = JSON.parse(res.out[0]!) as { verdict: string; explanation: { blocking: { label: string }; linearized: unknown[] } };
    expect(j.verdict).toBe('not linearizable');
    expect(j.explanation.blocking.label).toBe('L3');
    expect(j.explanation.linearized).toHaveLength(1);
  });

  it('exits 0 when all are linearizable, 3 when a budget leaves one unknown', () => {
    expect(run('--model', 'cas-register', good).code).toBe(0);
    const hard: string[] = [];
    for (let p = 0; p < 40; p++) hard.push(w(p, 'invoke', p % 5));
    hard.push(r(99, 'invoke', 'nil'));
    for (let p = 0; p < 40; p++) hard.push(w(p, 'ok', p % 5));
    hard.push(r(99, 'ok', '7'));
    const f = file('hard.log', lines(...hard));
    const res = run('--model', 'cas-register', '--budget-ms', '50', f);
    expect(res.code).toBe(3);
    expect(res.out[0]).toMatch(/hard\.log: unknown .* — time budget exhausted \(50 ms\) in part register; raise --budget-ms$/);
    const steps = run('--model', 'cas-register', '--max-steps', '1000', f);
    expect(steps.code).toBe(3);
    expect(steps.out[0]).toMatch(/ — step budget exhausted \(1000 steps\) in part register; raise --max-steps$/);
    const mem = run('--model', 'cas-register', '--max-memory', '64K', f);
    expect(mem.code).toBe(3);
    expect(mem.out[0]).toMatch(/ — memory budget exhausted \(64 KiB per part\) in part register; raise --max-memory$/);
  });

  it.each([
    [['--model', 'nope', 'x'], /^check: unknown model "nope"/],
    [['--model', 'kv'], /^check: no history file given/],
    [['--model', 'kv', '--budget-ms', '-3', 'x'], /^check: /],
    [['--model', 'kv', '--max-steps', 'lots', 'x'], /^check: --max-steps needs a whole number, got "lots"/],
    [['--model', 'kv', '--max-memory', '4T', 'x'], /^check: --max-memory needs a size such as 512M or 4G, got "4T"/],
    [['--model', 'kv', '--initial', '0', 'x'], /^check: --initial is for --model cas-register/],
    [['--model', 'cas-register', '--initial', 'foo', 'x'], /^check: --initial needs an integer, a "string" or nil, got "foo"/],
    [['--model', 'cas-register', '--html', 'o.html', 'a', 'b'], /^check: --html explains one history file/],
    [['--model', 'cas-register', file('empty.edn', '')], /^check: .*empty\.edn:1: no operations: the history is empty$/],
    [['--model', 'zookeeper', file('empty.jsonl', '\n')], /^check: .*empty\.jsonl:1: no operations: the history is empty$/],
    [['--model', 'kv', file('nemesis-only.edn', '{:process :nemesis, :type :info, :f :start}\n')], /^check: .*nemesis-only\.edn:1: no client operations: the history is empty$/],
    [['--model', 'kv', join(dir, 'missing.txt')], /^check: cannot read .*missing\.txt: ENOENT$/],
    [['--model', 'zookeeper', file('bad.jsonl', '{"type":"invoke"}')], /^check: .*bad\.jsonl:1: "id" must be a string or a number$/],
  ])('exits 2 with one stderr line for %j', (args, message) => {
    const res = run(...(args as string[]));
    expect(res.code).toBe(2);
    expect(res.err).toHaveLength(1);
    expect(res.err[0]).toMatch(message as RegExp);
  });
});
