/**
 * Real simulator runs for the timeline's tests: the ZooKeeper ensemble (`ensemble/`)
 * on the simulation kernel, told the split-brain story — the leader and one follower are cut off,
 * the majority elects a leader of a higher epoch, the partition heals.
 */
import type { TraceRecord } from '../records.ts';
import { Ensemble } from '../../../ensemble/ensemble.ts';

export interface SplitBrainRun {
  readonly trace: readonly TraceRecord[];
  readonly oldLeader: string;
  readonly newLeader: string;
  readonly minority: readonly string[];
}

export function realSplitBrain(seed = 1): SplitBrainRun {
  const c = Ensemble.simulate({ servers: 5, clients: 2, seed });
  if (!c.runUntil(() => c.settled(), 5_000)) throw new Error('ensemble did not settle');
  const old = c.leader();
  if (old === null) throw new Error('no leader');
  const buddy = c.serverIds.find((s) => s !== old.id) ?? 's1';
  const majority = c.serverIds.filter((s) => s !== old.id && s !== buddy);
  c.call('c1', { op: 'connect', server: old.id });
  c.call('c2', { op: 'connect', server: majority[0] });
  c.call('c1', { op: 'create', path: '/a', data: 'x' });
  c.sim.partition([[old.id, buddy]]);
  c.send('c1', { op: 'create', path: '/doomed', data: 'x' });
  c.runUntil(() => c.leaders().some((l) => majority.includes(l.id)), 30_000);
  const fresh = c.leaders().find((l) => majority.includes(l.id));
  c.call('c2', { op: 'create', path: '/b', data: 'y' });
  c.runUntil(() => !old.leader, 30_000, 5);
  c.sim.heal();
  c.runUntil(() => c.settled(), 30_000);
  c.runFor(300);
  return { trace: c.sim.trace.records, oldLeader: old.id, newLeader: fresh?.id ?? '?', minority: [old.id, buddy] };
}

/**
 * ZOOKEEPER-1154 re-planted (`bugs.diffInsteadOfTrunc`): an old leader holding a txn nobody
 * committed is synced with DIFF instead of TRUNC after it restarts, so it keeps that txn. The
 * checkers flag it; the timeline must let a reader jump to the place.
 */
export function realPlantedTruncBug(seed = 7): readonly TraceRecord[] {
  const c = Ensemble.simulate({ servers: 3, clients: 2, seed, cfg: { bugs: { diffInsteadOfTrunc: true } } });
  if (!c.runUntil(() => c.settled(), 5_000)) throw new Error('ensemble did not settle');
  const old = c.leader();
  if (old === null || old.leader === null) throw new Error('no leader');
  c.call('c1', { op: 'connect', server: old.id });
  for (let i = 0; i < 3; i++) c.call('c1', { op: 'create', path: `/ok${i}`, data: 'x' });
  const last = old.leader.lastProposed;
  c.sim.partition([[old.id, 'c1']]);
  c.send('c1', { op: 'create', path: '/uncommitted', data: 'x' });
  c.runUntil(() => c.events('log.durable').some((e) => e.node === old.id && (e.data['zxid'] as number) > last), 1_000, 1);
  c.sim.crash(old.id);
  c.sim.heal();
  c.runUntil(() => c.leader() !== null, 30_000);
  c.sim.restart(old.id);
  c.runUntil(() => c.settled(), 30_000);
  c.call('c2', { op: 'connect', server: c.leader()?.id ?? 's1' });
  c.call('c2', { op: 'create', path: '/after', data: 'x' });
  c.runFor(1_000);
  return c.sim.trace.records;
}
