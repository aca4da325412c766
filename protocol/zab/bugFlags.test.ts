import { describe, expect, it } from 'vitest';
import type { BugFlags } from '../config.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';

/**
 * The historical-bug flags reorder the learner's NEWLEADER steps. A lagging follower is brought
 * back with a DIFF that carries txns; we read the order of its steps from the trace.
 */
function newLeaderSteps(bugs: BugFlags, mode: 'DIFF' | 'SNAP' = 'DIFF'): string[] {
  const cfg = { bugs, forceSnapSync: mode === 'SNAP' };
  const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 61, cfg, client: { noShuffle: true } });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  const leader = c.leader()!.id;
  const lag = c.serverIds.find((s) => s !== leader)!;
  const other = c.serverIds.find((s) => s !== leader && s !== lag)!;
  expect((c.call('c1', { op: 'connect', server: other }) as { rc: number }).rc).toBe(0);
  c.sim.isolate(lag);
  expect(c.runUntil(() => c.server(lag).state === 'LOOKING', 20_000)).toBe(true);
  expect(createMany(c, 'c1', 'd', 3)).toBe(3);
  const t = c.sim.now;
  c.sim.heal();
  expect(converge(c)).toBe(true);
  c.runFor(100); // the lagging follower's last fsync may still be in flight when the trees agree
  const synced = c.events('sync.send').find((e) => e.t > t && `s${String(e.data['peer'])}` === lag)!;
  expect(synced.data['mode']).toBe(mode);
  const last = synced.data['to'] as number;
  const steps: string[] = [];
  for (const e of c.events()) {
    if (e.t < t || e.node !== lag) continue;
    if (e.event === 'log.append' && e.data['zxid'] === last) steps.push('append');
    if (e.event === 'log.durable' && e.data['zxid'] === last) steps.push('durable');
    if (e.event === 'snapshot' && e.data['zxid'] === last) steps.push('snapshot');
    if (e.event === 'snapshot.durable' && e.data['zxid'] === last) steps.push('snapshotDurable');
    if (e.event === 'epoch.current') steps.push('currentEpoch');
    if (e.event === 'zab.ackNewLeader') steps.push('ack');
  }
  return steps;
}

describe('NEWLEADER step order and the bug flags that break it', () => {
  it('fixed: log, fsync, currentEpoch, then ack', () => {
    expect(newLeaderSteps({})).toEqual(['append', 'durable', 'currentEpoch', 'ack']);
  });
  it('ZOOKEEPER-3911: ack before the DIFF txns are logged', () => {
    expect(newLeaderSteps({ ackNewLeaderBeforeLogging: true })).toEqual(['currentEpoch', 'ack', 'append', 'durable']);
  });
  it('ZOOKEEPER-4646: ack before the log fsync completes', () => {
    expect(newLeaderSteps({ ackNewLeaderBeforeFsync: true })).toEqual(['append', 'currentEpoch', 'ack', 'durable']);
  });
  it('ZOOKEEPER-4643: currentEpoch before the txns are durable', () => {
    expect(newLeaderSteps({ currentEpochBeforeLogging: true })).toEqual(['currentEpoch', 'append', 'durable', 'ack']);
  });
  it('fixed, after a SNAP: the sync snapshot is durable before currentEpoch and the ack', () => {
    expect(newLeaderSteps({}, 'SNAP')).toEqual(['snapshot', 'snapshotDurable', 'currentEpoch', 'ack']);
  });
  it('planted ackNewLeaderBeforeSyncSnapshot: the ack goes out while the sync snapshot is in flight', () => {
    expect(newLeaderSteps({ ackNewLeaderBeforeSyncSnapshot: true }, 'SNAP')).toEqual(['currentEpoch', 'ack', 'snapshot', 'snapshotDurable']);
  });
});
