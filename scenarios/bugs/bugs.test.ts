/**
 * Each planted Zab durability bug is reproduced from a fixed schedule with a fault point, and caught
 * by the checker that names what it breaks; with ZooKeeper 3.8's behaviour the same schedule passes
 * every checker and expectation.
 */
import { describe, expect, it } from 'vitest';
import { runChecked } from '../lib/run.ts';
import { ackBeforeFsync } from './ack-before-fsync.ts';
import { ackBeforeSyncSnapshot } from './ack-before-sync-snapshot.ts';
import { ackDespiteFsyncError } from './ack-despite-fsync-error.ts';
import { lostSyncTxns } from './lost-sync-txns.ts';
import { syncOutlivesShutdown } from './sync-outlives-shutdown.ts';

function failing(run: ReturnType<typeof runChecked>): string[] {
  return run.verdicts.filter((v) => !v.ok).map((v) => v.name);
}

describe('planted durability bugs, reproduced at fault points', () => {
  it('fixed: a learner crashing right after its NEWLEADER ack or its currentEpoch write loses nothing', () => {
    for (const point of ['learner.afterNewLeaderAck', 'learner.afterCurrentEpoch'] as const) {
      const run = runChecked(lostSyncTxns({ point }));
      expect(failing(run), point).toEqual([]);
      expect(run.ok, point).toBe(true);
    }
  });

  it('ZOOKEEPER-3911 (ack NEWLEADER before logging the DIFF txns): LeaderLogCompleteness', () => {
    const run = runChecked(lostSyncTxns({ bugs: { ackNewLeaderBeforeLogging: true } }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
    expect(failing(run)).toContain('CommittedLogDurability');
  });

  it('ZOOKEEPER-4646 (ack NEWLEADER before the fsync completes): LeaderLogCompleteness', () => {
    const run = runChecked(lostSyncTxns({ bugs: { ackNewLeaderBeforeFsync: true } }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
  });

  it('ZOOKEEPER-4643 (currentEpoch before the synced txns are durable): LeaderLogCompleteness', () => {
    const run = runChecked(lostSyncTxns({ bugs: { currentEpochBeforeLogging: true }, point: 'learner.afterCurrentEpoch' }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
  });

  it('fixed: a learner synced by SNAP crashing right after its NEWLEADER ack loses nothing (its sync snapshot is durable)', () => {
    const run = runChecked(ackBeforeSyncSnapshot());
    expect(failing(run)).toEqual([]);
    expect(run.ok).toBe(true);
    const s1 = run.result.sim.trace.records.flatMap((r) => (r.node === 's1' && r.ev === 'trace' ? [r] : []));
    expect(s1.map((r) => r.event)).toContain('sync.snap');
  });

  it('ack NEWLEADER before the SNAP sync snapshot is durable: LeaderLogCompleteness', () => {
    const run = runChecked(ackBeforeSyncSnapshot({ bugs: { ackNewLeaderBeforeSyncSnapshot: true } }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
  });

  it('fixed: a follower crashing with a proposal appended but not fsynced loses nothing', () => {
    const run = runChecked(ackBeforeFsync());
    expect(failing(run)).toEqual([]);
    expect(run.ok).toBe(true);
  });

  it('fixed: a follower whose fsync fails never acks the txn, and gives up its role', () => {
    const run = runChecked(ackDespiteFsyncError());
    expect(failing(run)).toEqual([]);
    expect(run.ok).toBe(true);
    const s1 = run.result.sim.trace.records.flatMap((r) => (r.node === 's1' && r.ev === 'trace' ? [r] : []));
    expect(s1.map((r) => r.event)).toContain('disk.error');
    const abandon = s1.find((r) => r.event === 'zab.abandon');
    expect(abandon?.data).toEqual({ reason: 'txn log fsync failed: EIO' });
  });

  it('ack despite a failed fsync: LeaderLogCompleteness', () => {
    const run = runChecked(ackDespiteFsyncError({ bugs: { ackDespiteFsyncError: true } }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
  });

  it('ack before fsync: LeaderLogCompleteness', () => {
    const run = runChecked(ackBeforeFsync({ bugs: { ackBeforeFsync: true } }));
    expect(failing(run)).toContain('LeaderLogCompleteness');
  });

  it('ZOOKEEPER-4712 (sync processor outlives shutdown): txns logged after going LOOKING (symptom only)', () => {
    const appendedWhileLooking = (bug: boolean): number[] => {
      const run = runChecked(syncOutlivesShutdown({ bugs: { syncProcessorOutlivesShutdown: bug } }));
      expect(failing(run)).toEqual([]); // no checker catches this schedule yet (see the scenario)
      let looking = false;
      const out: number[] = [];
      for (const r of run.result.sim.trace.records) {
        if (r.ev !== 'trace' || r.node !== 's1') continue;
        const d = r['data'] as Record<string, unknown>;
        if (r['event'] === 'state') looking = d['state'] === 'LOOKING';
        else if (r['event'] === 'log.append' && looking) out.push(d['zxid'] as number);
      }
      return out;
    };
    expect(appendedWhileLooking(false)).toEqual([]);
    expect(appendedWhileLooking(true).length).toBeGreaterThan(0);
  });
});
