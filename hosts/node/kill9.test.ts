/**
 * Crash safety for real: a process running a 3-server cluster under a write loop is killed with
 * SIGKILL (no shutdown code runs); a new cluster on the same files has every acknowledged write.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './cluster.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9', () => {
  it('loses no acknowledged write: a restart recovers them from the files', async () => {
    const acked: string[] = [];
    const code = await new Promise<string | null>((res, rej) => {
      const p = spawn(process.execPath, ['--import', 'tsx', 'hosts/node/testing/writer.ts', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let buf = '';
      let err = '';
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        rej(new Error(`writer made no progress:\n${buf}\n${err}`));
      }, 30_000);
      p.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('acked ')) acked.push(l.slice(6));
        if (acked.length >= 50 && p.exitCode === null && !p.killed) p.kill('SIGKILL');
      });
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('exit', (_code, signal) => {
        clearTimeout(timer);
        res(signal);
      });
    });
    expect(code).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(50);
    const zk = await startCluster({ servers: 3, clients: 1, dataDir: dir });
    try {
      expect(((await zk.host.request('c1', { op: 'connect' })) as { rc: number }).rc).toBe(0);
      // A loaded machine may cost a connection loss: retry (every answer is read after a sync).
      let r = { rc: -1, children: [] as string[] };
      for (let i = 0; i < 50 && r.rc !== 0; i++) {
        if (i > 0) await new Promise((res) => setTimeout(res, 100));
        await zk.host.request('c1', { op: 'sync', path: '/' });
        r = (await zk.host.request('c1', { op: 'getChildren', path: '/' })) as typeof r;
      }
      expect(r.rc).toBe(0);
      const have = new Set(r.children.map((c) => `/${c}`));
      expect(acked.filter((p) => !have.has(p))).toEqual([]);
    } finally {
      await zk.close();
    }
  });
});
