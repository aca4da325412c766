/**
 * How a leader brings one learner up to date (LearnerHandler.syncFollower +
 * queueCommittedProposals in ZooKeeper 3.8), as a pure function of the learner's last logged zxid,
 * the leader's committed-log window and, for a peer older than the window, the leader's on-disk txn
 * log (`ZkDatabase.txnLogFrom`: ZKDatabase.getProposalsFromTxnLog with its size check).
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
  /** Present (true) when the plan read the on-disk txn log ("Use txnlog and committedLog"). */
  readonly fromTxnLog?: true;
}

/** The leader's on-disk txn log from a peer's zxid on, or null when 3.8 would read nothing
 *  (`ZkDatabase.txnLogFrom`). */
export type TxnLogReader = (peerLastZxid: number) => readonly TxnEntry[] | null;

/**
 * @param committed the leader's committed log window, ascending by zxid
 * @param lastProcessed the leader's DataTree lastProcessedZxid
 * @param txnLog the on-disk log reader; absent = txnLogSyncEnabled false (snapshotSizeFactor < 0)
 */
export function planSync(
  peerLastZxid: number,
  committed: readonly TxnEntry[],
  lastProcessed: number,
  forceSnap: boolean,
  bugs: BugFlags = {},
  txnLog?: TxnLogReader,
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
  const q = new Queue(bugs);
  if (peerLastZxid >= min && peerLastZxid <= max) {
    const upTo = q.committedProposals(committed, peerLastZxid, null, max);
    return q.plan(upTo) ?? snap;
  }
  if (peerLastZxid < min && txnLog) {
    const fromLog = txnLog(peerLastZxid);
    if (fromLog === null || fromLog.length === 0) return snap;
    const reached = q.committedProposals(fromLog, peerLastZxid, min, max);
    // "Detected gap between end of txnlog and start of committedLog": revert to SNAP.
    if (reached < min) return snap;
    const upTo = q.committedProposals(committed, reached, null, max);
    const plan = q.plan(upTo);
    return plan === null ? snap : { ...plan, fromTxnLog: true };
  }
  return snap;
}

/** The handler's packet queue while planning: the op packet (once chosen) and the txns after it. */
class Queue {
  mode: SyncMode | null = null;
  opZxid = 0;
  readonly entries: TxnEntry[] = [];
  /** A TRUNC would cross an epoch boundary: only a SNAP can help. */
  crossEpoch = false;

  constructor(private readonly bugs: BugFlags) {}

  /** The plan, or null when no op packet was chosen (3.8: "Unhandled scenario ... fall back to
   *  use snapshot") or a TRUNC would cross an epoch. */
  plan(upTo: number): SyncPlan | null {
    if (this.mode === null || this.crossEpoch) return null;
    return { mode: this.mode, zxid: this.opZxid, entries: this.entries, upTo };
  }

  /**
   * queueCommittedProposals: walks `proposals` (ascending), picks the op packet on the first txn at
   * or after the peer's zxid, queues each txn after `peerLastZxid` up to `maxZxid`; returns the last
   * queued zxid (the peer's own when nothing was queued).
   */
  committedProposals(proposals: readonly TxnEntry[], peerLastZxid: number, maxZxid: number | null, lastCommitted: number): number {
    const peerNewEpoch = counterOf(peerLastZxid) === 0;
    let queued = peerLastZxid;
    let prev = -1;
    for (const e of proposals) {
      if (maxZxid !== null && e.zxid > maxZxid) break;
      if (e.zxid < peerLastZxid) {
        prev = e.zxid;
        continue;
      }
      if (this.mode === null) {
        if (e.zxid === peerLastZxid) {
          this.op('DIFF', lastCommitted);
          continue;
        }
        if (peerNewEpoch) {
          this.op('DIFF', lastCommitted);
        } else if (e.zxid > peerLastZxid) {
          // The peer holds a txn we do not: it is from an epoch that never committed it.
          if (epochOf(e.zxid) !== epochOf(peerLastZxid)) {
            this.crossEpoch = true;
            return queued;
          }
          if (this.bugs.diffInsteadOfTrunc) this.op('DIFF', lastCommitted);
          else this.op('TRUNC', prev);
        }
      }
      if (e.zxid <= queued) continue;
      this.entries.push(e);
      queued = e.zxid;
    }
    if (this.mode === null && peerNewEpoch) this.op('DIFF', lastCommitted);
    return queued;
  }

  private op(mode: SyncMode, zxid: number): void {
    this.mode = mode;
    this.opZxid = zxid;
  }
}
