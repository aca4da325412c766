/**
 * A server's disk fails (sim `failDisk`): what it does is ZooKeeper 3.8's (peer.ts `diskFailed`,
 * `fsyncFailed`, `writeEpoch`) — the txn log or an epoch file: give up the role and go on; a snapshot
 * or a TRUNC: exit (a `halt`, exit code 10 / 13). Every checker passes on each story.
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany, restartOldLeaderWithUncommittedTxn } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

function ready(seed: number, cfg: Record<string, number> = {}): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients: 1, seed, cfg, client: { noShuffle: true } });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  return c;
}

const reasons = (c: Ensemble, node: string): string[] => c.events('zab.abandon').filter((e) => e.node === node).map((e) => String(e.data['reason']));
const halts = (c: Ensemble) => c.sim.trace.records.flatMap((r) => (r.ev === 'crash' && r.halt !== undefined ? [`${r.node} ${r.halt}`] : []));

describe('disk errors at a server', () => {
  it("the leader's txn-log fsync fails: its txn is never acked by it, it gives up leading, the others go on", () => {
    const c = ready(21);
    const leader = c.leader()!.id;
    expect(createMany(c, 'c1', 'a', 3)).toBe(3);
    c.sim.failDisk(leader, { op: 'fsync' });
    c.send('c1', { op: 'create', path: '/x', data: '' });
    expect(c.runUntil(() => reasons(c, leader).length > 0, 5_000)).toBe(true);
    expect(reasons(c, leader)).toEqual(['txn log fsync failed: EIO']);
    const failed = c.events('disk.error').find((e) => e.node === leader)!;
    expect(failed.data).toEqual({ op: 'fsync', error: 'EIO' });
    const lost = c.events('log.lost').find((e) => e.node === leader);
    expect(lost).toBeDefined();
    // The leader never counted its own ack for what it dropped.
    const own = c.events('ack').filter((e) => e.node === leader && e.data['from'] === c.server(leader).sid && (e.data['zxid'] as number) > (lost!.data['zxid'] as number));
    expect(own.filter((e) => e.t <= lost!.t)).toEqual([]);
    expect(converge(c)).toBe(true);
    c.runFor(2_000); // c1 reconnects
    expect(createMany(c, 'c1', 'b', 3)).toBe(3);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it("a follower's acceptedEpoch write fails: the file and memory keep the old epoch, it rejoins later", () => {
    const c = ready(22);
    const leader = c.leader()!.id;
    const f = c.serverIds.find((s) => s !== leader)!;
    const epoch = c.server(f).acceptedEpoch;
    c.sim.failDisk(f, { op: 'writeMeta' });
    c.sim.crash(leader);
    expect(c.runUntil(() => reasons(c, f).some((r) => r.startsWith('acceptedEpoch write failed')), 30_000)).toBe(true);
    expect(c.server(f).acceptedEpoch).toBe(epoch);
    c.sim.restart(leader);
    expect(converge(c)).toBe(true);
    expect(c.sim.disk(f).durableState().meta['acceptedEpoch']).toBeGreaterThan(epoch);
    expect(createMany(c, 'c1', 'b', 2)).toBe(2);
    expect(allViolations(c)).toEqual([]);
  });

  it('a snapshot fails: the server exits with code 10 and stays down; restarted, it catches up', () => {
    const c = ready(23, { snapCount: 10 });
    const f = c.serverIds.find((s) => s !== c.leader()!.id)!;
    c.sim.failDisk(f, { op: 'snapshot' });
    // c1 is connected to s1 (no shuffle): when that is f, the create in flight as it exits fails
    // with ConnectionLoss (its connection is reset), as with a 3.8 server that exits.
    expect(createMany(c, 'c1', 's', 30)).toBeGreaterThanOrEqual(f === 's1' ? 29 : 30);
    expect(halts(c)).toEqual([`${f} 10`]);
    expect(c.isUp(f)).toBe(false);
    const crash = c.sim.trace.records.flatMap((r) => (r.ev === 'crash' && r.node === f ? [r] : []))[0]!;
    expect(crash.reason).toBe('Severe unrecoverable error, exiting: snapshot failed: EIO');
    c.sim.restart(f);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it('a TRUNC fails: the learner exits with code 13 (Not able to truncate the log)', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 7 });
    const old = restartOldLeaderWithUncommittedTxn(c);
    c.sim.failDisk(old.id, { op: 'truncate' });
    expect(c.runUntil(() => halts(c).length > 0, 30_000)).toBe(true);
    expect(halts(c)).toEqual([`${old.id} 13`]);
    c.sim.restart(old.id);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it('a standalone server whose txn-log fsync fails shuts down and exits with code 0 (ZooKeeperServerMain)', () => {
    const c = Ensemble.simulate({ servers: 1, clients: 1, seed: 24, cfg: { standalone: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'a', 2)).toBe(2);
    c.sim.failDisk('s1', { op: 'fsync' });
    c.send('c1', { op: 'create', path: '/x', data: '' });
    expect(c.runUntil(() => halts(c).length > 0, 5_000)).toBe(true);
    expect(halts(c)).toEqual(['s1 0']);
    c.sim.restart('s1');
    expect(c.runUntil(() => c.settled(), 10_000)).toBe(true);
    expect(c.server('s1').db.log.map((e) => e.zxid).length).toBeGreaterThanOrEqual(2);
    expect(allViolations(c)).toEqual([]);
  });
});
