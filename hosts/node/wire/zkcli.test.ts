/**
 * Debian's `zkCli.sh` (the Java client of the `zookeeper` package, installed by
 * scripts/install-system-deps.sh) prints the same against the served model as against a real
 * ZooKeeper 3.8: create/get/set/ls/delete, sequential nodes, and an ephemeral node that is gone
 * once the client that made it quit. Zxids, times and the port are masked (the served server is a
 * 1-server ensemble, whose zxids carry epoch 1; a standalone 3.8 counts from epoch 0).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realGate } from '../../../conformance/real/availability.ts';
import { startRealServer, type RealServer } from '../../../conformance/real/server.ts';
import { startSingleServer, type StartedServer } from './testing/singleServer.ts';

const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';
const gate = realGate();
const haveCli = fs.existsSync(ZKCLI);

const SESSION_1 = [
  'create /a hello',
  'get /a',
  'set /a world',
  'get -s /a',
  'ls /',
  'create -e /e tmp',
  'create -s /q- x',
  'create -s /q- y',
  'ls /',
  'get -s /e',
  'delete /a',
  'delete /nope',
  'create /a/b/c x',
  'ls /',
  'quit',
];
const SESSION_2 = ['ls /', 'get /q-0000000002', 'stat /e', 'quit'];

/** One zkCli.sh run with `lines` on stdin: its stdout and stderr, normalised. */
function zkCli(address: string, lines: readonly string[]): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(ZKCLI, ['-server', address], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`zkCli.sh did not finish within 60 s; stdout so far:\n${out}`));
    }, 60_000);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.stdin.end(lines.join('\n') + '\n');
    p.on('close', () => {
      clearTimeout(timer);
      resolve({ out: normalise(out, address), err: normalise(err, address) });
    });
  });
}

function normalise(text: string, address: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('SLF4J:'))
    .join('\n')
    .replaceAll(address, 'HOST:PORT')
    .replace(/^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/gm, '$1 = ZXID')
    .replace(/^(ctime|mtime) = .*$/gm, '$1 = TIME')
    .replace(/^ephemeralOwner = 0x[0-9a-f]+$/gm, (m) => (m.endsWith('= 0x0') ? m : 'ephemeralOwner = SESSION'));
}

describe.skipIf(!gate.run && !gate.mustFail)('zkCli.sh: served model == real ZooKeeper 3.8', () => {
  let real: RealServer | undefined;
  let ours: StartedServer | undefined;
  beforeAll(async () => {
    if (gate.mustFail) return;
    [real, ours] = await Promise.all([startRealServer({}), startSingleServer()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([real?.stop(), ours?.stop()]);
  });

  it('prints the same for the same commands, and the ephemeral is gone after quit', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    if (!haveCli) throw new Error(`${ZKCLI} is missing (Debian package zookeeper)`);
    const want1 = await zkCli(real!.address, SESSION_1);
    const got1 = await zkCli(ours!.address, SESSION_1);
    expect(got1).toEqual(want1);
    const want2 = await zkCli(real!.address, SESSION_2);
    const got2 = await zkCli(ours!.address, SESSION_2);
    expect(got2).toEqual(want2);
    // Not trivially equal: the commands ran.
    expect(want1.err).toContain('Created /q-0000000002');
    expect(want1.out).toContain('[a, e, q-0000000002, q-0000000003, zookeeper]');
    expect(want2.out).toContain('[q-0000000002, q-0000000003, zookeeper]');
    expect(want2.err).toContain('Node does not exist: /e');
  }, 240_000);
});
