/**
 * `npm run serve`: starts a real ensemble, prints a line per server and `ready`, stops on SIGTERM
 * with exit 0 (files flushed: a second run on the same data dir finds the same epoch or newer);
 * bad flags and a port in use give one line and a non-zero exit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServed } from './testing/served.ts';
import { ZkSession } from '../conformance/real/client.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A base port unlikely to be in use (tests of other engineers run on this machine too). */
const basePort = (): number => 30_000 + Math.floor(Math.random() * 20_000);

interface Served {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
}

/** Runs serve until its `ready` line, then sends SIGTERM; resolves at exit. */
function serveUntilReady(args: string[], timeoutMs = 30_000): Promise<Served> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'cli/serve.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let signalled = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      rej(new Error(`serve did not get ready in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!signalled && /^ready /m.test(out)) {
        signalled = true;
        p.kill('SIGTERM');
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      clearTimeout(timer);
      res({ out, err, code });
    });
  });
}

function run(...args: string[]): Served {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/serve.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

describe('cli/serve.ts', () => {
  it('starts 3 servers, prints a line each and ready, stops cleanly on SIGTERM; a restart on the same files works', async () => {
    const p = basePort();
    const data = join(dir, 'three');
    const r = await serveUntilReady(['--servers', '3', '--base-port', String(p), '--data-dir', data]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    for (const i of [1, 2, 3]) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^s${i} myid=${i} client=127\\.0\\.0\\.1:${p + i} role=(LEADING|FOLLOWING)$`)));
    expect(lines.filter((l) => l.endsWith('role=LEADING'))).toHaveLength(1);
    expect(lines).toContain(`ready 127.0.0.1:${p + 1},127.0.0.1:${p + 2},127.0.0.1:${p + 3} data=${data}`);
    expect(lines[lines.length - 1]).toBe('stopped (SIGTERM)');
    const again = await serveUntilReady(['--servers', '3', '--base-port', String(p), '--data-dir', data]);
    expect(again.code).toBe(0);
    expect(again.err).toBe('');
  });

  it('--servers 1 is a standalone server; --quorum makes it a one-voter quorum', async () => {
    const p = basePort();
    const r = await serveUntilReady(['--servers', '1', '--base-port', String(p)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`s1 myid=1 client=127.0.0.1:${p + 1} role=STANDALONE\nready 127.0.0.1:${p + 1}\n`);
    const q = await serveUntilReady(['--servers', '1', '--quorum', '--base-port', String(p)]);
    expect(q.code).toBe(0);
    expect(q.out).toContain(`s1 myid=1 client=127.0.0.1:${p + 1} role=LEADING\nready 127.0.0.1:${p + 1}\n`);
  });

  it('--control: kill, restart and stop servers from stdin; a bad command is one line on stderr and is ignored', async () => {
    const s = await startServed(['--servers', '3', '--control']);
    try {
      let from = s.out().length;
      s.command('kill leader');
      const killed = (await s.waitFor(/^killed s(\d)$/m, from))[1]!;
      await s.waitFor(new RegExp(`^s${killed} myid=${killed} client=\\S+ role=DOWN$`, 'm'), from);
      await s.waitFor(/role=LEADING$/m, from);
      from = s.out().length;
      s.command(`restart ${killed}`);
      await s.waitFor(new RegExp(`^restarted s${killed}$`, 'm'), from);
      await s.waitFor(new RegExp(`^s${killed} myid=${killed} client=\\S+ role=(FOLLOWING|LEADING)$`, 'm'), from);
      for (const bad of ['frob', 'kill', 'kill 9', 'restart 1 2']) s.command(bad);
      s.command('stop s1');
      await s.waitFor(/^stopped s1$/m, from);
      expect(s.err().trim().split('\n')).toEqual([
        'serve: control: unknown command "frob" (kill|stop|restart ID|leader, fail-disk ID|leader fsync|writeMeta|snapshot|truncate|purge)',
        'serve: control: kill needs one server: a myid, sN or leader',
        'serve: control: kill 9: no server 9',
        'serve: control: restart needs one server: a myid, sN or leader',
      ]);
      expect(s.alive()).toBe(true);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  it('--control fail-disk: a standalone server whose txn-log fsync fails exits, and serve with it (3.8: ZooKeeperServerMain ends)', async () => {
    const s = await startServed(['--servers', '1', '--control']);
    try {
      const from = s.out().length;
      for (const bad of ['fail-disk 1', 'fail-disk 1 frob']) s.command(bad);
      s.command('fail-disk 1 fsync');
      await s.waitFor(/^armed fail-disk s1 fsync$/m, from);
      // A new session is a txn: its fsync fails, the server shuts down.
      const [host, port] = s.addresses[0]!.split(':');
      await ZkSession.connect({ host: host!, port: Number(port), timeoutMs: 4000, connectTimeoutMs: 3000, requestTimeoutMs: 3000 }).then(
        (z) => z.abandon(),
        () => undefined,
      );
      await s.waitFor(/^stopped \(s1 exited with code 0\)$/m, from);
      expect(s.err()).toContain('serve: control: fail-disk needs one server: a myid, sN or leader, then a disk op');
      expect(s.err()).toContain('serve: control: fail-disk: unknown disk op "frob" (fsync|writeMeta|snapshot|truncate|purge)');
      expect(s.err()).toMatch(/s1 exits with code 0/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
    expect(s.alive()).toBe(false);
  }, 60_000);

  it('bad flags: one line on stderr, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [[], /^serve: --servers N is required/],
      [['--servers', '0'], /^serve: --servers must be a whole number in \[1, 255\], not "0"/],
      [['--servers', '3', '--frob'], /^serve: unknown option --frob/],
      [['--servers', '3', '--config', 'tickTime=x'], /^serve: --config tickTime must be a positive whole number/],
      [['--servers', '3', '--config', 'nope=1'], /^serve: --config: unknown key "nope"/],
      [['--servers', '3', '--base-port'], /^serve: --base-port needs a value/],
    ];
    for (const [args, re] of cases) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(re);
    }
  });

  it('a client port in use: one line, exit 1', async () => {
    const p = basePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(p + 2, '127.0.0.1', r));
    try {
      const r = run('--servers', '3', '--base-port', String(p));
      expect(r.code).toBe(1);
      expect(r.err.trim()).toBe(`serve: cannot listen on 127.0.0.1:${p + 2}: EADDRINUSE`);
    } finally {
      blocker.close();
    }
  });
});
