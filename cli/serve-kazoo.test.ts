/**
 * kazoo (the Python client; Debian `python3-kazoo`, installed by scripts/install-system-deps.sh)
 * against `npm run serve -- --servers 3` as a child process, and the same script against a real
 * 3-server ZooKeeper 3.8 ensemble (`fidelity/realEnsemble.ts`): connect, create/get/set/children/
 * delete and their errors, an ephemeral and sequential nodes, data/children/exists watches that
 * fire, a transaction (multi) that commits and one that rolls back, the ephemeral gone once its
 * session closed; then a session that survives its leader being killed (serve's `--control`
 * stdin: `kill leader`; the real one: SIGKILL). Both print the same text.
 *
 * Skips without kazoo (or without a real ZooKeeper, the comparison only), except under `CI=true`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realGate } from '../conformance/real/availability.ts';
import { RealEnsemble } from '../fidelity/realEnsemble.ts';
import { kazooBasic, kazooFailover, kazooGate, type KazooRun } from '../hosts/node/wire/testing/kazoo.ts';
import { startServed, type Served } from './testing/served.ts';

const gate = kazooGate();
const real = realGate();

describe.skipIf(!gate.run && !gate.mustFail)('kazoo against npm run serve (3 servers) == a real 3.8 ensemble', () => {
  let served: Served | undefined;
  let ensemble: RealEnsemble | undefined;
  /** The real ensemble's answers, when there is one (undefined: compare nothing). */
  const want: { basic?: KazooRun; failover?: KazooRun } = {};
  beforeAll(async () => {
    if (gate.mustFail) return;
    const realRun = real.run
      ? (async () => {
          ensemble = await RealEnsemble.create({ servers: 3 });
          for (const m of ensemble.members) ensemble.start(m.myid);
          const { leader } = await ensemble.waitServing();
          want.basic = await kazooBasic(ensemble.connectString);
          const e = ensemble;
          want.failover = await kazooFailover(e.connectString, () => e.kill(leader));
        })()
      : Promise.resolve();
    [served] = await Promise.all([startServed(['--servers', '3', '--control']), realRun]);
  }, 120_000);
  afterAll(async () => {
    await ensemble?.close();
    if (served) expect(await served.stop()).toBe(0);
  });
  const compare = (ours: KazooRun, theirs: KazooRun | undefined): void => {
    if (real.mustFail) throw new Error(`CI=true but ${real.reason}`);
    if (theirs === undefined) return;
    expect(theirs.code, `the real 3.8 side: ${theirs.err}`).toBe(0);
    expect(ours.out).toBe(theirs.out);
  };

  it('create/get/set/children/delete, ephemeral, sequential, watches, transactions', async () => {
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
    compare(ours, want.basic);
  }, 60_000);

  it('a session survives the leader being killed: same session, its ephemeral kept, writes go on', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    const s = served!;
    let killed = '';
    const ours = await kazooFailover(s.addresses.join(','), async () => {
      const from = s.out().length;
      s.command('kill leader');
      killed = (await s.waitFor(/^killed (s\d)$/m, from))[1]!;
      // A new leader: serve prints a line per role change.
      await s.waitFor(new RegExp(`^s(?!${killed.slice(1)} )\\d+ myid=\\d+ client=\\S+ role=LEADING$`, 'm'), from);
    });
    // kazoo logs its connection drops and reconnects on stderr (python logging's last resort).
    expect(ours.err).not.toContain('kazoo_session:');
    expect(ours.code).toBe(0);
    expect(killed).toMatch(/^s[123]$/);
    const lines = ours.out.split('\n');
    expect(lines).toContain("after the kill: /fo/e -> b'mine'");
    expect(lines).toContain('same session -> True');
    expect(lines).toContain("write after the kill -> b'1'");
    expect(lines).toContain('done');
    expect(s.alive()).toBe(true);
    compare(ours, want.failover);
  }, 90_000);
});
