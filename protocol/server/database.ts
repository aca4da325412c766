/**
 * A server's ZKDatabase: the in-memory state machine, its last applied zxid, the committed-log
 * window used for DIFF, and a mirror of what the on-disk txn log holds, split into its log files
 * (so TRUNC knows how many records to keep, and the leader can DIFF from the log as
 * `ZKDatabase.getProposalsFromTxnLog` does). Rebuilt from disk alone at every start, exactly as ZooKeeper's loadDataBase:
 * newest valid snapshot, then every logged txn after it — including txns that were logged but never
 * committed (that is why TRUNC exists).
 */
import type { DurableState } from '../contract.ts';
import type { TxnEntry } from '../zab/messages.ts';

/** What Zab replicates into: the DataTree plus session table, opaque here. */
export interface StateMachine {
  /** Apply a committed txn; returns what the local request path needs to answer a client. */
  applyTxn(entry: TxnEntry): unknown;
  /** Plain-data image of the whole state (a fuzzy snapshot is not modelled: it is exact). */
  serialize(): unknown;
  /** The state's digest (`protocol/datatree/digest.ts`): maintained per change, read in O(1);
   *  equal states give equal digests. Traced on every `apply`. */
  digest(): number;
  /** Overwrite the state's own last processed zxid (ZooKeeper keeps it in the DataTree:
   *  ZKDatabase.setlastProcessedZxid writes dataTree.lastProcessedZxid). Absent: nothing to keep. */
  setLastProcessedZxid?(zxid: number): void;
  /** Planted bug `pzxidNotRestoredFromSnapshot`: forget every node's pzxid (set it to czxid).
   *  Absent: the state has no such field. */
  losePzxids?(): void;
  /** Live session ids (hex), sorted; for `status()`. Absent: the state holds no sessions. */
  sessionIds?(): string[];
}

/** Builds a state machine, empty (`null`) or from a snapshot image. */
export type StateMachineFactory = (image: unknown | null) => StateMachine;

/** What a snapshot file holds. */
export interface SnapshotFile {
  readonly zxid: number;
  readonly image: unknown;
}

/**
 * A txn log record. The first record of a log file carries `file: true`: ZooKeeper's FileTxnLog
 * opens a new file (named by that record's zxid, preallocated in 64 MB blocks) at the first append
 * of a process, after a TRUNC and after each snapCount roll. The mark lives in the record, so the
 * file boundaries survive a crash exactly as far as the records do.
 */
export interface LogRecord extends TxnEntry {
  readonly file?: true;
}

/** Meta key recording a TRUNC: snapshots taken before it that are newer than `zxid` are void.
 *  (ZooKeeper deletes such snapshot files; our DiskOp set cannot delete, so we mark them.) */
export const META_TRUNCATED = 'truncated';
export interface TruncMark {
  readonly zxid: number;
  readonly snapshots: number;
}

export class ZkDatabase {
  sm: StateMachine;
  private lastProcessed = 0;
  /** ZooKeeper's committedLog: the last `commitLogCount` applied txns. */
  committedLog: TxnEntry[] = [];
  /** Mirror of the on-disk txn log, in file order (durable or merely appended). */
  log: LogRecord[] = [];
  /** The next appended record opens a new log file (FileTxnLog's logStream is null): true in a
   *  fresh process, after a TRUNC and after a roll. */
  newFileNext = true;
  /** Mirror of the snapshot files on disk (completed or requested). */
  snapshots: SnapshotFile[] = [];
  trunc: TruncMark | undefined;

  constructor(
    private readonly factory: StateMachineFactory,
    private readonly commitLogCount: number,
    /** Planted bug pzxidNotRestoredFromSnapshot: images lose their pzxids when restored. */
    private readonly losePzxidOnRestore = false,
  ) {
    this.sm = factory(null);
  }

  /** Rebuild from disk (restart) — or an empty database on first boot. */
  load(durable: DurableState): TxnEntry[] {
    this.log = [...(durable.log as readonly LogRecord[])];
    this.newFileNext = true;
    this.snapshots = [...(durable.snapshots as readonly SnapshotFile[])];
    this.trunc = durable.meta[META_TRUNCATED] as TruncMark | undefined;
    return this.reload();
  }

  /** Rebuild memory from the disk mirror (after a TRUNC, as ZKDatabase.truncateLog does). */
  reload(): TxnEntry[] {
    const snaps = this.snapshots;
    const trunc = this.trunc;
    let base: SnapshotFile | null = null;
    for (let i = snaps.length - 1; i >= 0; i--) {
      const s = snaps[i]!;
      if (trunc && i < trunc.snapshots && s.zxid > trunc.zxid) continue;
      base = s;
      break;
    }
    this.sm = this.factory(base ? base.image : null);
    if (base && this.losePzxidOnRestore) this.sm.losePzxids?.();
    this.setLastProcessedZxid(base ? base.zxid : 0);
    this.committedLog = [];
    const replayed: TxnEntry[] = [];
    for (const e of this.log) {
      if (e.zxid <= this.lastProcessedZxid) continue;
      this.apply(e);
      replayed.push(e);
    }
    return replayed;
  }

  /** Apply one txn in zxid order and remember it in the committed-log window. */
  apply(e: TxnEntry): unknown {
    const result = this.sm.applyTxn(e);
    this.lastProcessed = e.zxid;
    this.committedLog.push(e);
    if (this.committedLog.length > this.commitLogCount * 2) {
      this.committedLog = this.committedLog.slice(this.committedLog.length - this.commitLogCount);
    }
    return result;
  }

  /** The window as ZooKeeper exposes it (at most commitLogCount entries). */
  window(): readonly TxnEntry[] {
    const n = this.committedLog.length;
    return n <= this.commitLogCount ? this.committedLog : this.committedLog.slice(n - this.commitLogCount);
  }

  /** Replace everything with a leader's snapshot (SNAP sync). The log on disk is kept. */
  installSnapshot(zxid: number, image: unknown): void {
    this.sm = this.factory(image);
    if (this.losePzxidOnRestore) this.sm.losePzxids?.();
    this.setLastProcessedZxid(zxid);
    this.committedLog = [];
  }

  /** The last processed zxid: every reply (read, sync, write, ping) carries it, and it is the
   *  zxid a server offers in election and sync. One value, as in ZooKeeper 3.8, where it lives in
   *  the DataTree (`ZKDatabase.getDataTreeLastProcessedZxid`). */
  get lastProcessedZxid(): number {
    return this.lastProcessed;
  }

  /** ZKDatabase.setlastProcessedZxid: after a SNAP or TRUNC (Learner.syncWithLeader) and when a new
   *  leader starts its server (Leader.startZkServer sets (epoch, 0)). The state machine's own copy
   *  (the DataTree's, which read replies carry) is set too, so the two never disagree. */
  setLastProcessedZxid(zxid: number): void {
    this.lastProcessed = zxid;
    this.sm.setLastProcessedZxid?.(zxid);
  }

  lastLoggedZxid(): number {
    const n = this.log.length;
    const logged = n > 0 ? this.log[n - 1]!.zxid : 0;
    return Math.max(logged, this.lastProcessedZxid);
  }

  /** Indices into `log` where a log file starts, ascending (the first record always starts one). */
  logFileStarts(): number[] {
    const starts: number[] = [];
    for (let i = 0; i < this.log.length; i++) if (i === 0 || this.log[i]!.file === true) starts.push(i);
    return starts;
  }

  /**
   * The txns ZooKeeper 3.8's `getProposalsFromTxnLog(peerZxid, sizeLimit)` would read, or null when
   * it returns nothing (then the leader sends SNAP). The iterator opens the newest log file whose
   * name (first zxid) is below `peerZxid` — or the oldest file when there is none — and fails when
   * that file starts above `peerZxid` (the log does not reach back). Its size check sums the files
   * *after* the one it opened; every such file is preallocated (64 MB, far above a third of any
   * snapshot here), so one newer file is over the limit. Modelled: the files after the opened one
   * always exceed `calculateTxnLogSizeLimit` (snapshotSizeFactor 0.33 of the newest snapshot).
   */
  txnLogFrom(peerZxid: number): readonly LogRecord[] | null {
    const starts = this.logFileStarts();
    if (starts.length === 0) return null;
    let opened = 0;
    for (let k = starts.length - 1; k >= 0; k--) {
      if (this.log[starts[k]!]!.zxid < peerZxid) {
        opened = k;
        break;
      }
    }
    const first = this.log[starts[opened]!]!;
    if (first.zxid > peerZxid) return null;
    if (opened < starts.length - 1) return null;
    return this.log.slice(starts[opened]!);
  }

  /** Number of log records to keep so that the last one is <= zxid. */
  truncateLength(zxid: number): number {
    let n = this.log.length;
    while (n > 0 && this.log[n - 1]!.zxid > zxid) n--;
    return n;
  }
}
