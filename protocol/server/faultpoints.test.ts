/**
 * A crash at each fault point (protocol/faultpoints.ts) leaves exactly the durable state that
 * sub-step should leave: a small deterministic ensemble reaches the point, the kernel crashes the
 * node right there, and the test reads the node's disk (what a restart would load) and the trace of
 * what it had sent.
 */
import { describe, expect, it } from 'vitest';
import type { DurableState, Message } from '../contract.ts';
import { FAULT_POINT_NAMES, type FaultPointName } from '../faultpoints.ts';
import { makeZxid } from '../zxid.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import type { TxnEntry } from '../zab/messages.ts';
import { createMany, restartOldLeaderWithUncommittedTxn } from '../../ensemble/testing/workload.ts';

const zxids = (d: DurableState): number[] => (d.log as TxnEntry[]).map((e) => e.zxid);

type Cluster = Ensemble;

function cluster(cfg: Parameters<typeof Ensemble.simulate>[0]['cfg'] = {}, seed = 1): Cluster {
  return Ensemble.simulate({ servers: 3, clients: 2, seed, cfg, client: { noShuffle: true } });
}

function fired(c: Cluster, node: string, point: string): boolean {
  return c.sim.trace.records.some((r) => r.ev === 'point' && r.node === node && r['point'] === point);
}

/** Arm a crash of `node` at its next passage of `point`, run until it fires, return its disk. */
function crashThere(c: Cluster, node: string, point: FaultPointName, go: () => void = () => {}, maxMs = 60_000): DurableState {
  c.sim.crashAtPoint({ point, node });
  go();
  expect(c.runUntil(() => fired(c, node, point), maxMs, 1), `${node} never reached ${point}`).toBe(true);
  expect(c.sim.isUp(node)).toBe(false);
  return c.sim.disk(node).durableState();
}

/** Messages `node` sent since `t` (µs), optionally of one type. */
function sent(c: Cluster, node: string, since: number, type?: string): Message[] {
  const out: Message[] = [];
  for (const r of c.sim.trace.records) {
    if (r.ev !== 'send' || r.node !== node || r.t < since) continue;
    const msg = r['msg'] as Message;
    if (type === undefined || msg.type === type) out.push(msg);
  }
  return out;
}

function traced(c: Cluster, node: string, event: string, since = 0): Record<string, unknown>[] {
  return c.events(event).filter((e) => e.node === node && e.t >= since).map((e) => e.data);
}

function settle(c: Cluster): void {
  expect(c.runUntil(() => c.settled(), 10_000)).toBe(true);
}

/**
 * s1 lags across an epoch change: cut off in epoch 1, s3 restarts so s2/s3 start epoch 2 and
 * commit three creates; healing brings s1 back by DIFF carrying those txns into epoch 2.
 */
function lagIntoNewEpoch(c: Cluster): { pre: DurableState; syncTxns: number[]; healAt: number; heal: () => void } {
  settle(c);
  expect((c.call('c1', { op: 'connect', server: 's2' }) as { rc: number }).rc).toBe(0);
  c.sim.isolate('s1');
  expect(c.runUntil(() => c.server('s1').state === 'LOOKING', 30_000)).toBe(true);
  c.sim.crash('s3');
  c.sim.restart('s3');
  expect(c.runUntil(() => (c.leader()?.leader?.epoch ?? 0) >= 2 && c.server('s2').isServing(), 30_000)).toBe(true);
  expect(createMany(c, 'c1', 'd', 3)).toBe(3);
  c.runFor(50);
  const pre = c.sim.disk('s1').durableState();
  const last = Math.max(0, ...zxids(pre));
  const syncTxns = c.leader()!.db.log.map((e) => e.zxid).filter((z) => z > last);
  expect(syncTxns.length).toBeGreaterThanOrEqual(3);
  return { pre, syncTxns, healAt: c.sim.now, heal: () => c.sim.heal() };
}

/** Settled, c1 on s1 (a follower; s3 leads epoch 1), one write done. */
function serving(c: Cluster): void {
  settle(c);
  expect(c.leader()!.id).toBe('s3');
  expect((c.call('c1', { op: 'connect', server: 's1' }) as { rc: number }).rc).toBe(0);
  c.runFor(50);
}

const E1 = makeZxid(1, 0);
const E2 = makeZxid(2, 0);

const CASES: Record<FaultPointName, () => void> = {
  // ------------------------------------------------------------ leader discovery (first election, s3 leads)
  'leader.afterAcceptedEpoch': () => {
    const c = cluster();
    const d = crashThere(c, 's3', 'leader.afterAcceptedEpoch');
    expect(d.meta).toEqual({ acceptedEpoch: 1 });
    expect(d.log).toEqual([]);
    expect(sent(c, 's3', 0, 'LEADERINFO')).toEqual([]);
  },
  'leader.afterCurrentEpoch': () => {
    const c = cluster();
    const d = crashThere(c, 's3', 'leader.afterCurrentEpoch');
    expect(d.meta).toEqual({ acceptedEpoch: 1, currentEpoch: 1 });
    expect(sent(c, 's3', 0, 'LEADERINFO').length).toBeGreaterThan(0);
    expect(sent(c, 's3', 0, 'DIFF')).toEqual([]);
    expect(sent(c, 's3', 0, 'NEWLEADER')).toEqual([]);
  },
  'leader.afterNewLeaderSent': () => {
    const c = cluster();
    const d = crashThere(c, 's3', 'leader.afterNewLeaderSent');
    expect(d.meta).toEqual({ acceptedEpoch: 1, currentEpoch: 1 });
    // The first learner's sync went out; the crash came before the second's.
    expect(sent(c, 's3', 0, 'NEWLEADER')).toHaveLength(1);
    expect(sent(c, 's3', 0, 'DIFF')).toHaveLength(1);
  },
  'leader.established': () => {
    const c = cluster();
    const d = crashThere(c, 's3', 'leader.established');
    expect(d.meta).toEqual({ acceptedEpoch: 1, currentEpoch: 1 });
    expect(traced(c, 's3', 'leader.established')).toHaveLength(1);
    expect(sent(c, 's3', 0, 'UPTODATE')).toEqual([]);
  },
  'leader.commitSent': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s3').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's3', 'leader.commitSent', () => c.send('c1', { op: 'create', path: '/x', data: '' }));
    const commits = sent(c, 's3', t, 'COMMIT');
    expect(commits).toHaveLength(2); // to s1 and s2
    const z = commits[0]!['zxid'] as number;
    // The leader commits only what its own fsync made durable.
    expect(zxids(d)).toEqual([...zxids(pre), z]);
    expect(traced(c, 's3', 'apply', t).map((a) => a['zxid'])).not.toContain(z);
  },
  // ------------------------------------------------------------ learner sync
  'learner.afterAcceptedEpoch': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.afterAcceptedEpoch', lag.heal);
    expect(d.meta).toEqual({ ...lag.pre.meta, acceptedEpoch: 2 });
    expect(lag.pre.meta['currentEpoch']).toBe(1);
    expect(d.log).toEqual(lag.pre.log);
    expect(sent(c, 's1', lag.healAt, 'ACKEPOCH')).toEqual([]);
  },
  'learner.afterTruncate': () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 7 });
    const old = restartOldLeaderWithUncommittedTxn(c);
    const pre = c.sim.disk(old.id).durableState();
    const d = crashThere(c, old.id, 'learner.afterTruncate');
    // The story has exactly one TRUNC: the new leader's to the old one.
    const truncs = c.serverIds.flatMap((s) => sent(c, s, 0, 'TRUNC'));
    expect(truncs).toHaveLength(1);
    const cut = truncs[0]!['zxid'] as number;
    expect(zxids(pre).some((z) => z > cut)).toBe(true); // there was something to cut
    expect(zxids(d)).toEqual(zxids(pre).filter((z) => z <= cut));
    expect(d.meta['truncated']).toMatchObject({ zxid: cut });
    expect(d.meta['currentEpoch']).toBe(pre.meta['currentEpoch']);
  },
  'learner.snapInstalled': () => {
    const c = cluster({ forceSnapSync: true });
    const d = crashThere(c, 's1', 'learner.snapInstalled');
    expect(d.snapshots).toEqual([]);
    expect(d.log).toEqual([]);
    expect(d.meta).toEqual({ acceptedEpoch: 1 });
  },
  'learner.afterSyncSnapshot': () => {
    const c = cluster({ forceSnapSync: true });
    const d = crashThere(c, 's1', 'learner.afterSyncSnapshot');
    expect(d.snapshots).toHaveLength(1);
    expect(d.meta).toEqual({ acceptedEpoch: 1 });
    expect(sent(c, 's1', 0, 'ACK')).toEqual([]);
  },
  'learner.syncTxnsAppended': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.syncTxnsAppended', lag.heal);
    const got = zxids(d);
    const before = zxids(lag.pre);
    // The durable log plus a torn prefix of the sync txns.
    expect(got.slice(0, before.length)).toEqual(before);
    expect(got.slice(before.length)).toEqual(lag.syncTxns.slice(0, got.length - before.length));
    expect(d.meta['currentEpoch']).toBe(1);
    expect(sent(c, 's1', lag.healAt, 'ACK')).toEqual([]);
  },
  'learner.syncTxnsFsynced': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.syncTxnsFsynced', lag.heal);
    expect(zxids(d)).toEqual([...zxids(lag.pre), ...lag.syncTxns]);
    expect(d.meta).toEqual({ acceptedEpoch: 2, currentEpoch: 1 });
    expect(sent(c, 's1', lag.healAt, 'ACK')).toEqual([]);
  },
  'learner.afterCurrentEpoch': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.afterCurrentEpoch', lag.heal);
    expect(zxids(d)).toEqual([...zxids(lag.pre), ...lag.syncTxns]);
    expect(d.meta).toEqual({ acceptedEpoch: 2, currentEpoch: 2 });
    expect(sent(c, 's1', lag.healAt, 'ACK')).toEqual([]);
  },
  'learner.afterNewLeaderAck': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.afterNewLeaderAck', lag.heal);
    expect(zxids(d)).toEqual([...zxids(lag.pre), ...lag.syncTxns]);
    expect(d.meta).toEqual({ acceptedEpoch: 2, currentEpoch: 2 });
    expect(sent(c, 's1', lag.healAt, 'ACK').map((m) => m['zxid'])).toEqual([E2]);
  },
  'learner.atUptodate': () => {
    const c = cluster();
    const lag = lagIntoNewEpoch(c);
    const d = crashThere(c, 's1', 'learner.atUptodate', lag.heal);
    expect(zxids(d)).toEqual([...zxids(lag.pre), ...lag.syncTxns]);
    expect(d.meta).toEqual({ acceptedEpoch: 2, currentEpoch: 2 });
    // Only the NEWLEADER ack: UPTODATE is neither acked nor served.
    expect(sent(c, 's1', lag.healAt, 'ACK').map((m) => m['zxid'])).toEqual([E2]);
    expect(traced(c, 's1', 'serving', lag.healAt)).toEqual([]);
  },
  // ------------------------------------------------------------ proposals and commits
  'log.appended': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's1', 'log.appended', () => c.send('c1', { op: 'create', path: '/x', data: '' }));
    const z = (sent(c, 's3', t, 'PROPOSAL')[0]!['entry'] as TxnEntry).zxid;
    expect([zxids(pre), [...zxids(pre), z]]).toContainEqual(zxids(d)); // torn: kept or lost
    expect(sent(c, 's1', t, 'ACK')).toEqual([]);
  },
  'log.fsynced': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's1', 'log.fsynced', () => c.send('c1', { op: 'create', path: '/x', data: '' }));
    const z = (sent(c, 's3', t, 'PROPOSAL')[0]!['entry'] as TxnEntry).zxid;
    expect(zxids(d)).toEqual([...zxids(pre), z]);
    expect(sent(c, 's1', t, 'ACK')).toEqual([]);
  },
  'apply.done': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's1', 'apply.done', () => c.send('c1', { op: 'create', path: '/x', data: '' }));
    const z = (sent(c, 's3', t, 'PROPOSAL')[0]!['entry'] as TxnEntry).zxid;
    expect(traced(c, 's1', 'apply', t).map((a) => a['zxid'])).toEqual([z]);
    // A follower applies a COMMIT whether or not its own fsync of the txn has completed yet.
    expect([zxids(pre), [...zxids(pre), z]]).toContainEqual(zxids(d));
    expect(sent(c, 's1', t, 'ZK_REPLY')).toEqual([]); // the client is not answered
  },
  // ------------------------------------------------------------ snapshots, sessions, shutdown
  'snapshot.written': () => {
    const c = cluster({ snapCount: 2 });
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const d = crashThere(c, 's1', 'snapshot.written', () => c.send('c1', { op: 'create', path: '/x', data: '' }));
    expect(d.snapshots.length).toBe(pre.snapshots.length + 1);
    expect(d.snapshots.at(-1)).toEqual(c.server('s1').db.snapshots.at(-1));
  },
  'session.expiring': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s3').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's3', 'session.expiring', () => c.sim.isolate('c1'));
    expect(traced(c, 's3', 'session.expiring', t)).toHaveLength(1);
    expect(zxids(d)).toEqual(zxids(pre)); // the closeSession is not logged
    expect(sent(c, 's3', t, 'PROPOSAL')).toEqual([]);
  },
  'session.closed': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's1', 'session.closed', () => c.send('c1', { op: 'close' }));
    const z = (sent(c, 's3', t, 'PROPOSAL')[0]!['entry'] as TxnEntry).zxid;
    expect(traced(c, 's1', 'session.close', t)).toHaveLength(1);
    expect([zxids(pre), [...zxids(pre), z]]).toContainEqual(zxids(d));
    expect(sent(c, 's1', t, 'ZK_CLOSE')).toEqual([]); // the connection is not closed by s1
  },
  'peer.shuttingDown': () => {
    const c = cluster();
    serving(c);
    const pre = c.sim.disk('s1').durableState();
    const t = c.sim.now;
    const d = crashThere(c, 's1', 'peer.shuttingDown', () => c.sim.isolate('s1'));
    expect(traced(c, 's1', 'zab.abandon', t)).toHaveLength(1);
    expect(traced(c, 's1', 'election.start', t)).toEqual([]);
    expect(d).toEqual(pre);
  },
};

describe('a crash at each fault point leaves exactly the durable state of that sub-step', () => {
  it('every registered point has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual([...FAULT_POINT_NAMES].sort());
  });
  for (const name of FAULT_POINT_NAMES) it(name, CASES[name]);
  it('E1/E2 are the epochs the stories use', () => {
    expect(E1).toBeLessThan(E2);
  });
});
