/**
 * How a leader brings one learner up to date (LearnerHandler.syncFollower +
 * queueCommittedProposals in ZooKeeper 3.8), as a pure function of the learner's last logged zxid
 * and the leader's committed-log window.
 *
 * Modelled shortcut: ZooKeeper can also DIFF from the on-disk txn log beyond the in-memory window
 * (txnLogSyncEnabled / snapshotSizeFactor); we only DIFF from the window, so anything older gets SNAP.
 */
import { counterOf, epochOf } from '../zxid.ts';
import type { BugFlags } from '../config.ts';
import type { TxnEntry } from './messages.ts';

export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export interface SyncPlan {
  /** The first packet: DIFF(zxid) / TRUNC(zxid) / SNAP(zxid = leader's lastProcessedZxid). */
  readonly mode: SyncMode;
  readonly zxid: number;
  /** Committed txns to send after it, each as PROPOSAL + COMMIT. */
  readonly entries: readonly TxnEntry[];
  /** The zxid the learner will hold after the plan (startForwarding's lastSeenZxid). */
  readonly upTo: number;
}

/**
 * @param committed the leader's committed log window, ascending by zxid
 * @param lastProcessed the leader's DataTree lastProcessedZxid
 */
export function planSync(
  peerLastZxid: number,
  committed: readonly TxnEntry[],
  lastProcessed: number,
  forceSnap: boolean,
  bugs: BugFlags = {},
): SyncPlan {
  const snap: SyncPlan = { mode: 'SNAP', zxid: lastProcessed, entries: [], upTo: lastProcessed };
  if (forceSnap) return snap;
  const min = committed.length > 0 ? committed[0]!.zxid : lastProcessed;
  const max = committed.length > 0 ? committed[committed.length - 1]!.zxid : lastProcessed;
  const peerNewEpoch = counterOf(peerLastZxid) === 0;

  if (peerLastZxid === lastProcessed) {
    return { mode: 'DIFF', zxid: peerLastZxid, entries: [], upTo: peerLastZxid };
  }
  if (peerLastZxid > max && !peerNewEpoch) {
    // The peer logged txns that were never committed: cut it back to our last committed txn.
    if (bugs.diffInsteadOfTrunc) return { mode: 'DIFF', zxid: max, entries: [], upTo: max };
    return { mode: 'TRUNC', zxid: max, entries: [], upTo: max };
  }
  if (peerLastZxid >= min && peerLastZxid <= max) {
    return diffFromWindow(peerLastZxid, committed, max, bugs) ?? snap;
  }
  return snap;
}

/** queueCommittedProposals over the window; null when only a SNAP can help. */
function diffFromWindow(
  peerLastZxid: number,
  committed: readonly TxnEntry[],
  max: number,
  bugs: BugFlags,
): SyncPlan | null {
  const peerNewEpoch = counterOf(peerLastZxid) === 0;
  let mode: SyncMode | null = null;
  let opZxid = 0;
  let prev = -1;
  const entries: TxnEntry[] = [];
  let queued = peerLastZxid;
  for (const e of committed) {
    if (e.zxid < peerLastZxid) {
      prev = e.zxid;
      continue;
    }
    if (mode === null) {
      if (e.zxid === peerLastZxid) {
        mode = 'DIFF';
        opZxid = max;
        continue;
      }
      if (peerNewEpoch) {
        mode = 'DIFF';
        opZxid = max;
      } else if (e.zxid > peerLastZxid) {
        // The peer holds a txn we do not: it is from an epoch that never committed it.
        if (epochOf(e.zxid) !== epochOf(peerLastZxid)) return null;
        mode = bugs.diffInsteadOfTrunc ? 'DIFF' : 'TRUNC';
        opZxid = bugs.diffInsteadOfTrunc ? max : prev;
      }
    }
    if (e.zxid <= queued) continue;
    entries.push(e);
    queued = e.zxid;
  }
  if (mode === null) {
    if (!peerNewEpoch) return null;
    mode = 'DIFF';
    opZxid = max;
  }
  return { mode, zxid: opZxid, entries, upTo: queued };
}
