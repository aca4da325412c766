/**
 * A model of each server's txn history (the TLA+ `history` variable) rebuilt from the trace: the
 * zxids in its txn log plus a snapshot base that stands for every txn up to it.
 *
 * - `log.append` adds a zxid, `log.durable` raises the fsynced watermark, `log.truncate` cuts, and
 *   so does `log.lost` (records a failed fsync never made durable).
 * - `crash` keeps what was fsynced plus the torn prefix of unsynced records the kernel kept
 *   (`crash {kept}`: one log record per txn). Shortcut: a crash while a truncation is still in
 *   flight (the kernel then restores the pre-truncation log) is not modelled.
 * - `snapshot.load` moves the base: every zxid <= base counts as held (we do not check the
 *   snapshot's content, only the zxid it claims).
 *
 * Entries are kept sorted (ZooKeeper logs append in zxid order); an out-of-order append is kept in
 * place and membership falls back to a linear search for that node.
 */
import type { ZEvent } from '../../trace/view.ts';

export class NodeHistory {
  entries: number[] = [];
  base = 0;
  durable = 0;
  sorted = true;
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
        // Entries up to the fsync watermark survive, then `kept` more of the unsynced tail.
        const synced = this.sorted ? this.firstAbove(this.durable) : this.entries.filter((x) => x <= this.durable).length;
        const keep = Math.min(this.entries.length, synced + e.kept);
        if (keep < this.entries.length) {
          this.noteCut(this.entries[keep - 1] ?? this.base);
          this.entries.length = keep;
        }
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
        return;
      case 'snapshotLoad':
        if (e.zxid < this.base) this.noteCut(e.zxid);
        if (e.zxid > this.base) {
          this.base = e.zxid;
          this.entries = this.entries.slice(this.sorted ? this.firstAbove(e.zxid) : 0).filter((x) => x > e.zxid);
        } else this.base = e.zxid;
        if (this.durable < e.zxid) this.durable = e.zxid;
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
    this.sorted = true;
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
        this.get(node).apply(e);
        return;
      default:
        return;
    }
  }
}
