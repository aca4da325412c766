/**
 * kazoo (the Python client; Debian `python3-kazoo`, installed by scripts/install-system-deps.sh)
 * against `npm run serve -- --servers 3` as a child process: connect, create/get/set/children/
 * delete and their errors, an ephemeral and sequential nodes, data/children/exists watches that
 * fire, a transaction (multi) that commits and one that rolls back, the ephemeral gone once its
 * session closed — printing the same as against a real ZooKeeper 3.8 — and a session that
 * survives the leader being killed (serve's `--control` stdin: `kill leader`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realGate } from '../../../conformance/real/availability.ts';
import { startRealServer } from '../../../conformance/real/server.ts';
import { startServed, type Served } from '../../../cli/testing/served.ts';
import { kazooBasic, kazooFailover, kazooGate } from './testing/kazoo.ts';

const gate = kazooGate();
const real = realGate();

describe.skipIf(!gate.run && !gate.mustFail)('kazoo against npm run serve (3 servers)', () => {
  let served: Served | undefined;
  beforeAll(async () => {
    if (!gate.mustFail) served = await startServed(['--servers', '3', '--control']);
  }, 60_000);
  afterAll(async () => {
    if (served) expect(await served.stop()).toBe(0);
  });

  it('create/get/set/children/delete, ephemeral, sequential, watches, transactions: as a real 3.8 prints them', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    const ours = await kazooBasic(served!.addresses.join(','));
    expect(ours.err).toBe('');
    expect(ours.code).toBe(0);
    // Not trivially equal: every part ran and did what it should.
    for (const line of [
      'create /k again -> NodeExistsError',
      "sequential ['/k/q-0000000002', '/k/q-0000000003']",
      'event data CHANGED /k',
      'event children CHILD /k',
      'event exists CREATED /k/w',
      "transaction -> [True, '/k/t1', 'stat version 1', True]",
      "failed transaction -> ['RolledBackError', 'BadVersionError']",
      'event other exists DELETED /k/e',
      'other exists /k/e after close -> None',
      'done',
    ])
      expect(ours.out.split('\n')).toContain(line);
    if (!real.run && !real.mustFail) return;
    if (real.mustFail) throw new Error(`CI=true but ${real.reason}`);
    const r = await startRealServer({});
    try {
      const want = await kazooBasic(r.address);
      expect(want.code).toBe(0);
      expect(ours.out).toBe(want.out);
    } finally {
      await r.stop();
    }
  }, 180_000);

  it('a session survives the leader being killed: same session, its ephemeral kept, writes go on', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    const s = served!;
    let killed = '';
    const run = await kazooFailover(s.addresses.join(','), async () => {
      const from = s.out().length;
      s.command('kill leader');
      killed = (await s.waitFor(/^killed (s\d)$/m, from))[1]!;
      // A new leader: serve prints a line per role change.
      await s.waitFor(new RegExp(`^s(?!${killed.slice(1)} )\\d+ myid=\\d+ client=\\S+ role=LEADING$`, 'm'), from);
    });
    // kazoo logs its connection drops and reconnects on stderr (python logging's last resort).
    expect(run.err).not.toContain('kazoo_session:');
    expect(run.code).toBe(0);
    expect(killed).toMatch(/^s[123]$/);
    const lines = run.out.split('\n');
    expect(lines).toContain("after the kill: /fo/e -> b'mine'");
    expect(lines).toContain('same session -> True');
    expect(lines).toContain("write after the kill -> b'1'");
    expect(lines).toContain('done');
    expect(s.alive()).toBe(true);
  }, 120_000);
});
