/**
 * The event queue: a binary min-heap ordered by (time, insertion sequence). The sequence number makes
 * the order total, so two events at the same instant always run in the order they were scheduled —
 * this is what makes a run reproducible, and (with per-link FIFO arrival times) what keeps TCP-like
 * links in order.
 *
 * Keys live in two Float64Arrays (exact for integers below 2^53) and payloads in a parallel plain
 * array; this avoids allocating a wrapper object per queued event and keeps comparisons on unboxed
 * doubles.
 */
import type { Micros } from './time.ts';

export class EventQueue<T> {
  private times: Float64Array;
  private seqs: Float64Array;
  private items: (T | undefined)[];
  private n = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(2, initialCapacity);
    this.times = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.items = new Array<T | undefined>(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; Infinity if empty. */
  peekTime(): Micros {
    return this.n === 0 ? Infinity : (this.times[0] as number);
  }

  push(time: Micros, item: T): void {
    if (this.n === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    // Sift up: move parents down until the slot for (time, seq) is found. The new seq is larger than
    // every queued one, so a parent with an equal time already sorts first: compare times only.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p] as number;
      if (pt <= time) break;
      times[i] = pt;
      seqs[i] = seqs[p] as number;
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Removes and returns the earliest event (undefined if empty). Read its time with peekTime() first. */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    const last = --this.n;
    const t = times[last] as number;
    const s = seqs[last] as number;
    const it = items[last];
    items[last] = undefined; // let the GC have it
    if (last > 0) {
      // Sift down the former last element from the root.
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        let ct = times[c] as number;
        let cs = seqs[c] as number;
        const r = c + 1;
        if (r < last) {
          const rt = times[r] as number;
          const rs = seqs[r] as number;
          if (rt < ct || (rt === ct && rs < cs)) {
            c = r;
            ct = rt;
            cs = rs;
          }
        }
        if (t < ct || (t === ct && s < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        items[i] = items[c];
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      items[i] = it;
    }
    return top;
  }

  /**
   * Drops every item for which `keep` is false; returns how many were dropped. The survivors keep
   * their relative (time, sequence) order: they are drained in order and pushed back in that order.
   */
  retain(keep: (item: T) => boolean): number {
    const times: number[] = [];
    const items: T[] = [];
    const before = this.n;
    while (this.n > 0) {
      const t = this.peekTime();
      const it = this.pop() as T;
      if (keep(it)) {
        times.push(t);
        items.push(it);
      }
    }
    for (let i = 0; i < items.length; i++) this.push(times[i] as number, items[i] as T);
    return before - items.length;
  }

  clear(): void {
    for (let i = 0; i < this.n; i++) this.items[i] = undefined;
    this.n = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.items.length = cap;
  }
}
