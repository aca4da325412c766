/**
 * A model of each server's txn history (the TLA+ `history` variable) rebuilt from the trace: the
 * zxids in its txn log plus a snapshot base that stands for every txn up to it.
 *
 * - `log.append` adds a zxid, `log.durable` raises the fsynced watermark, `log.truncate` cuts, and
 *   so does `log.lost` (records a failed fsync never made durable).
 * - `crash` keeps what was fsynced plus the torn prefix of unsynced records the kernel kept
 *   (`crash {kept}`: one log record per txn). Shortcut: a crash while a truncation is still in
 *   flight (the kernel then restores the pre-truncation log) is not modelled.
 * - `sync.snap` (a SNAP installed in memory) moves the base: every zxid <= base counts as held (we
 *   do not check the snapshot's content, only the zxid it claims). The log records it covers stay
 *   in the log file, and the SNAP is not on disk yet: ZooKeeper 3.8 writes it at NEWLEADER
 *   (Learner.syncWithLeader, `takeSnapshot(syncSnapshot)`). It becomes the durable base only at
 *   `snapshot.durable` (the snapshot's disk write completed) with a zxid at or past it.
 * - `snapshot.durable` raises the durable base (the newest snapshot a restart would load);
 *   `snapshot` (a write issued) raises the written base: a rebuild without a crash (`db.load` on
 *   going LOOKING) reads it, as ZooKeeper's learner thread finishes the write before it can go
 *   LOOKING and the file is then readable. `log.truncate` lowers both (ZooKeeper deletes snapshots
 *   past the cut; the model voids them).
 * - `crash` falls back to what is on disk: a base that was not durable (a SNAP whose snapshot was
 *   not complete) drops to the durable base, and the log records that SNAP covered come back.
 *   `db.load` without a crash does the same with the written base (a SNAP never snapshotted: the
 *   learner went LOOKING before NEWLEADER).
 *
 * Entries are kept sorted (ZooKeeper logs append in zxid order); an out-of-order append is kept in
 * place and membership falls back to a linear search for that node.
 */
import type { ZEvent } from '../../trace/view.ts';

export class NodeHistory {
  entries: number[] = [];
  /** Every zxid <= base is held (the snapshot the server's tree stands on, in memory). */
  base = 0;
  /** The log's fsync watermark. */
  durable = 0;
  /** The newest snapshot complete on disk (`snapshot.durable`): what a restart loads. */
  durableBase = 0;
  /** The newest snapshot written or being written (>= durableBase): what a rebuild without a
   *  crash loads. */
  writtenBase = 0;
  sorted = true;
  /** Log records a not-yet-durable SNAP covered (dropped from `entries`, still in the log file),
   *  in log order; they come back if the server crashes before the snapshot is durable. */
  private covered: number[] = [];
  /** The lowest zxid above which something was cut (truncate, crash, older snapshot) since the
   *  last `takeCutFloor`; Infinity when nothing was. Lets checkers re-verify only what changed. */
  private cutFloor = Infinity;

  /** The lowest cut point since the previous call (Infinity if none), and forget it. */
  takeCutFloor(): number {
    const f = this.cutFloor;
    this.cutFloor = Infinity;
    return f;
  }

  /** Does the history hold `zxid` (in the log or under the snapshot base)? */
  has(zxid: number): boolean {
    if (zxid <= this.base) return true;
    return this.indexOf(zxid) >= 0;
  }

  /** Position of `zxid` in `entries`, or -1. */
  indexOf(zxid: number): number {
    const a = this.entries;
    if (!this.sorted) return a.indexOf(zxid);
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = a[mid]!;
      if (x === zxid) return mid;
      if (x < zxid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the first entry > zxid (entries sorted). */
  firstAbove(zxid: number): number {
    const a = this.entries;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! <= zxid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get last(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]! : this.base;
  }

  apply(e: ZEvent): void {
    switch (e.k) {
      case 'boot':
        if (!e.restart) this.reset();
        return;
      case 'crash': {
        const fellBack = this.base > this.durableBase && this.fallBackTo(this.durableBase);
        this.writtenBase = this.durableBase;
        // Entries up to the fsync watermark survive, then `kept` more of the unsynced tail.
        const synced = this.sorted ? this.firstAbove(this.durable) : this.entries.filter((x) => x <= this.durable).length;
        const keep = Math.min(this.entries.length, synced + e.kept);
        if (keep < this.entries.length) {
          this.noteCut(this.entries[keep - 1] ?? this.base);
          this.entries.length = keep;
        }
        if (fellBack) this.dropCovered();
        const last = this.entries[this.entries.length - 1];
        if (last !== undefined && last > this.durable) this.durable = last;
        return;
      }
      case 'logAppend': {
        const last = this.entries[this.entries.length - 1];
        if (last !== undefined && e.zxid <= last) this.sorted = false;
        this.entries.push(e.zxid);
        return;
      }
      case 'logDurable':
        if (e.zxid > this.durable) this.durable = e.zxid;
        return;
      case 'logTruncate':
      case 'logLost':
        this.cutAbove(e.zxid);
        if (this.durable > e.zxid) this.durable = e.zxid;
        if (this.base > e.zxid) {
          this.noteCut(e.zxid);
          this.base = e.zxid;
        }
        if (e.k === 'logTruncate') {
          if (this.durableBase > e.zxid) this.durableBase = e.zxid;
          if (this.writtenBase > e.zxid) this.writtenBase = e.zxid;
        }
        this.covered = this.covered.filter((x) => x <= e.zxid);
        return;
      case 'snapshotLoad': {
        if (e.zxid < this.base) this.noteCut(e.zxid);
        // The records the SNAP covers leave the view but not the log file.
        const keep = this.entries.filter((x) => x > e.zxid);
        if (keep.length < this.entries.length) this.covered.push(...this.entries.filter((x) => x <= e.zxid));
        this.entries = keep;
        this.base = e.zxid;
        if (this.base <= this.durableBase) this.covered = [];
        return;
      }
      case 'dbLoad':
        // Rebuilt from disk without a crash (going LOOKING): the page cache holds every appended
        // record and every snapshot written, but a SNAP no snapshot was taken of is gone.
        if (this.base > this.writtenBase) {
          this.fallBackTo(this.writtenBase);
          this.dropCovered();
        }
        return;
      case 'snapshotWrite':
        if (e.zxid > this.writtenBase) this.writtenBase = e.zxid;
        return;
      case 'snapshotDurable':
        if (e.zxid > this.durableBase) this.durableBase = e.zxid;
        if (e.zxid > this.writtenBase) this.writtenBase = e.zxid;
        if (this.base <= this.durableBase) this.covered = [];
        return;
      default:
        return;
    }
  }

  private noteCut(zxid: number): void {
    if (zxid < this.cutFloor) this.cutFloor = zxid;
  }

  private reset(): void {
    this.noteCut(0);
    this.entries = [];
    this.base = 0;
    this.durable = 0;
    this.durableBase = 0;
    this.writtenBase = 0;
    this.covered = [];
    this.sorted = true;
  }

  /** A rebuild from disk over an in-memory base (a SNAP) that no snapshot on disk holds: the
   *  server restarts from the snapshot at `to` and its whole log file, covered records included. */
  private fallBackTo(to: number): true {
    this.noteCut(to);
    this.base = to;
    const log = this.covered.concat(this.entries);
    this.covered = [];
    this.sorted = log.every((x, i) => i === 0 || log[i - 1]! < x);
    this.entries = log;
    return true;
  }

  /** Log records at or below the base are held by it: keep `entries` above the base. */
  private dropCovered(): void {
    if (this.entries.some((x) => x <= this.base)) this.entries = this.entries.filter((x) => x > this.base);
  }

  private cutAbove(zxid: number): void {
    if (this.last > zxid) this.noteCut(zxid);
    if (this.sorted) this.entries.length = this.firstAbove(zxid);
    else this.entries = this.entries.filter((x) => x <= zxid);
  }
}

/** One NodeHistory per server, fed event by event. */
export class Histories {
  private readonly map = new Map<string, NodeHistory>();

  get(node: string): NodeHistory {
    let h = this.map.get(node);
    if (h === undefined) {
      h = new NodeHistory();
      this.map.set(node, h);
    }
    return h;
  }

  feed(node: string, e: ZEvent): void {
    switch (e.k) {
      case 'boot':
      case 'crash':
      case 'logAppend':
      case 'logDurable':
      case 'logTruncate':
      case 'logLost':
      case 'snapshotLoad':
      case 'snapshotWrite':
      case 'snapshotDurable':
      case 'dbLoad':
        this.get(node).apply(e);
        return;
      default:
        return;
    }
  }
}
