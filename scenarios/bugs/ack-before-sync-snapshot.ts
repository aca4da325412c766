/**
 * ACK BEFORE SYNC SNAPSHOT — teaches: a SNAP replaces a learner's tree in memory only; its disk
 * still holds the old snapshot and log. ZooKeeper 3.8's learner therefore writes a snapshot of the
 * synced tree at NEWLEADER (`zk.takeSnapshot(syncSnapshot)`) before it takes the new epoch and acks.
 * A learner that acks before that snapshot is durable can crash, restart with the new currentEpoch
 * and its old state, win the next election and lose txns a quorum committed.
 *
 * Fixed schedule (the lost-sync-txns story with every sync a SNAP: `forceSnapSync`), with a fault
 * point where a random crash would almost never land:
 * 1. s3 leads epoch 1; c1 writes /w; s1 is cut off; c1 writes /x0../x2 through s3 (committed by
 *    s3 + s2).
 * 2. s2 crashes; s3 loses its quorum; the cut is healed: s3 leads epoch 2 with s1, which it brings
 *    up to date by SNAP carrying /x0../x2.
 * 3. s1 crashes at `learner.afterNewLeaderAck`, s3 right after; s1 and s2 restart. s1 has
 *    currentEpoch 2, so it leads epoch 3 — with /x0../x2 only if its sync snapshot was durable
 *    before the ack. c1 writes /after.
 *
 * With ZooKeeper 3.8's order every checker passes. With the planted `ackNewLeaderBeforeSyncSnapshot`
 * LeaderLogCompleteness names what breaks (a leader established without committed txns).
 */
import type { BugFlags } from '../../protocol/config.ts';
import type { ZkScenario } from '../lib/define.ts';
import { lostSyncTxns } from './lost-sync-txns.ts';

export function ackBeforeSyncSnapshot(o: { readonly bugs?: BugFlags; readonly seed?: number } = {}): ZkScenario {
  return lostSyncTxns({ ...o, snap: true });
}

export default ackBeforeSyncSnapshot();
