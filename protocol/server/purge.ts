/**
 * What one autopurge run deletes (PurgeTxnLog.purge(dataDir, snapDir, snapRetainCount) in 3.8):
 * `findNValidSnapshots(n)` picks the newest n valid snapshots (fewer if there are fewer); every
 * snapshot older than the oldest of them goes, and every log file except the newest one that starts
 * at or before that snapshot's zxid and all files after it (`FileTxnLog.getLogFiles`: the file that
 * may hold the txns right after the snapshot is kept).
 *
 * Model specifics:
 * - "Valid" also excludes snapshots a TRUNC voided (`ZkDatabase.trunc`, our stand-in for the files
 *   ZooKeeper deletes at a TRUNC) and snapshots still being written.
 * - The TRUNC mark names voided snapshots by position, so deleting snapshots before it would shift
 *   it. When the purge removes every voided snapshot, the mark is cleared first (`clearTruncMark`;
 *   safe: the newest snapshot is then a valid one, so a reload never picks a voided one); when a
 *   voided one would stay, no snapshot is deleted this time (log files still are).
 * - Only log records the server saw durable are deleted (a file still being fsynced stays).
 */
import type { ZkDatabase } from './database.ts';

export interface PurgePlan {
  /** The TRUNC mark must be cleared (written) before anything is deleted; then plan again. */
  readonly clearTruncMark: boolean;
  /** Delete this many of the oldest snapshots... */
  readonly snapshots: number;
  /** ...and this many records from the front of the log (whole log files). */
  readonly log: number;
  /** The zxid of the oldest snapshot kept. */
  readonly zxid: number;
}

/**
 * @param done snapshots known complete (a prefix of `db.snapshots`)
 * @param retain autopurge.snapRetainCount (at least 3)
 * @param durableZxid the highest zxid the server saw durable in its log
 * @returns null when there is nothing to delete
 */
export function planPurge(db: ZkDatabase, done: number, retain: number, durableZxid: number): PurgePlan | null {
  const snaps = db.snapshots;
  const trunc = db.trunc;
  let oldest = -1;
  let found = 0;
  for (let i = Math.min(done, snaps.length) - 1; i >= 0 && found < retain; i--) {
    if (trunc && i < trunc.snapshots && snaps[i]!.zxid > trunc.zxid) continue;
    oldest = i;
    found++;
  }
  if (oldest < 0) return null;
  const zxid = snaps[oldest]!.zxid;
  let snapshots = oldest;
  if (trunc && trunc.snapshots > 0 && snapshots > 0) {
    if (oldest >= trunc.snapshots) return { clearTruncMark: true, snapshots: 0, log: 0, zxid };
    snapshots = 0;
  }
  // The newest log file starting at or before the kept snapshot's zxid, and all after it, stay.
  const log = db.log;
  let keepFrom = 0;
  for (const s of db.logFileStarts()) {
    if (log[s]!.zxid > zxid) break;
    keepFrom = s;
  }
  if (keepFrom > 0 && log[keepFrom - 1]!.zxid > durableZxid) keepFrom = 0;
  if (snapshots === 0 && keepFrom === 0) return null;
  return { clearTruncMark: false, snapshots, log: keepFrom, zxid };
}
