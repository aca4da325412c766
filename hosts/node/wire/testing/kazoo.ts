/**
 * Runs `kazoo_session.py` (kazoo, the Python ZooKeeper client, from Debian's `python3-kazoo` for
 * `/usr/bin/python3`: scripts/install-system-deps.sh) as a child process, and the gate of the tests
 * that need it: outside CI they skip with a clear message when kazoo is missing; under `CI=true`
 * they must run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const KAZOO_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'kazoo_session.py');

export interface KazooGate {
  readonly run: boolean;
  readonly mustFail: boolean;
  readonly reason?: string;
}

export function kazooGate(): KazooGate {
  const r = spawnSync(PYTHON, ['-c', 'import kazoo'], { encoding: 'utf8' });
  if (r.status === 0) return { run: true, mustFail: false };
  const reason = r.error ? `no ${PYTHON}` : `kazoo is not importable by ${PYTHON} (Debian package python3-kazoo: scripts/install-system-deps.sh)`;
  const ci = process.env['CI'] === 'true';
  if (!ci) console.warn(`[skip] kazoo tests: ${reason}`);
  return { run: false, mustFail: ci, reason };
}

export interface KazooRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** One run of the script's `basic` part against `hosts` (a connect string). */
export function kazooBasic(hosts: string, timeoutMs = 60_000): Promise<KazooRun> {
  return finished(start('basic', hosts), timeoutMs);
}

/** The script's `failover` part: `onKill` runs when it asks for the kill; then it is let go on. */
export async function kazooFailover(hosts: string, onKill: () => Promise<void>, timeoutMs = 90_000): Promise<KazooRun> {
  const p = start('failover', hosts);
  let asked = false;
  p.stdout!.on('data', () => {
    if (asked || !/^KILL$/m.test(outOf.get(p) ?? '')) return;
    asked = true;
    onKill().then(
      () => p.stdin!.write('\n'),
      (e: Error) => {
        p.stdin!.write('\n');
        outOf.set(p, (outOf.get(p) ?? '') + `kill failed: ${e.message}\n`);
      },
    );
  });
  return finished(p, timeoutMs);
}

const outOf = new WeakMap<ChildProcess, string>();

function start(part: string, hosts: string): ChildProcess {
  const p = spawn(PYTHON, [KAZOO_SCRIPT, part, hosts], { stdio: ['pipe', 'pipe', 'pipe'] });
  outOf.set(p, '');
  p.stdout!.on('data', (d: Buffer) => outOf.set(p, outOf.get(p)! + d.toString()));
  return p;
}

function finished(p: ChildProcess, timeoutMs: number): Promise<KazooRun> {
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      err += `\nkazoo_session.py did not finish within ${timeoutMs} ms`;
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: outOf.get(p)!, err });
    });
  });
}
