/**
 * The set of zxids known to be committed so far in the trace: every `commit` (the leader decided)
 * and every write a client got a txn reply for. Kept sorted for range queries.
 */
import type { Decoded } from '../../trace/view.ts';
import { isTxnReply } from '../ops.ts';

export class Committed {
  readonly sorted: number[] = [];
  private readonly seen = new Set<number>();
  /** Record index where each zxid was first known committed. */
  readonly where = new Map<number, number>();
  /** Client-acknowledged zxids (a subset), sorted. */
  readonly acked: number[] = [];
  private readonly ackedSeen = new Set<number>();
  private readonly ops = new Map<string, string>();

  /** Feeds one decoded event; returns true when it made a zxid newly committed. */
  feed(d: Decoded): boolean {
    const e = d.e;
    if (e.k === 'commit') return this.add(e.zxid, d.i);
    if (e.k === 'invoke') {
      this.ops.set(e.session + '/' + e.xid, e.op);
      return false;
    }
    if (e.k === 'return') {
      const key = e.session + '/' + e.xid;
      const op = this.ops.get(key);
      this.ops.delete(key);
      if (op !== undefined && isTxnReply(op, e.rc, e.zxid)) {
        if (!this.ackedSeen.has(e.zxid)) {
          this.ackedSeen.add(e.zxid);
          insertSorted(this.acked, e.zxid);
        }
        return this.add(e.zxid, d.i);
      }
    }
    return false;
  }

  has(zxid: number): boolean {
    return this.seen.has(zxid);
  }

  /** The greatest committed zxid below `limit` (exclusive), or 0. */
  maxBelow(limit: number): number {
    const i = this.firstAtOrAbove(limit);
    return i > 0 ? this.sorted[i - 1]! : 0;
  }

  /** Index of the first committed zxid >= x. */
  firstAtOrAbove(x: number): number {
    return lowerBound(this.sorted, x);
  }

  /** The smallest client-acknowledged zxid > lo and < hi, if any. */
  ackedBetween(lo: number, hi: number): number | undefined {
    const a = this.acked[lowerBound(this.acked, lo + 1)];
    return a !== undefined && a < hi ? a : undefined;
  }

  private add(zxid: number, i: number): boolean {
    if (this.seen.has(zxid)) return false;
    this.seen.add(zxid);
    this.where.set(zxid, i);
    insertSorted(this.sorted, zxid);
    return true;
  }
}

/** Index of the first element >= x in a sorted array. */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends in O(1) when in order (the common case), else inserts in place. */
function insertSorted(a: number[], x: number): void {
  if (a.length === 0 || a[a.length - 1]! < x) a.push(x);
  else a.splice(lowerBound(a, x), 0, x);
}
