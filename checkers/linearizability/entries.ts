/**
 * The history as a doubly linked list of call/return entries in time order (struct-of-arrays, so
 * the search allocates nothing per step). `lift` takes an op's call and return out of the list
 * once the op is linearized; `unlift` puts them back when the search backtracks (the list trick
 * of Wing & Gong as refined by Lowe, which Porcupine also uses).
 */
import type { Operation } from './types.ts';

export interface EntryList {
  /** Number of ops; entries are 0..2n-1 in time order, the head sentinel is entry 2n. */
  readonly n: number;
  readonly head: number;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** For a call entry, its return entry; for a return entry, -1. */
  readonly match: Int32Array;
  /** The op (index into the part's op array) of each entry. */
  readonly op: Int32Array;
}

/**
 * Builds the list. Entries are sorted by time; at equal times calls come before returns, so two
 * ops that touch the same instant count as concurrent (the permissive reading of a tie).
 * Returns at Infinity sort last.
 */
export function buildEntries(ops: readonly Operation<unknown, unknown>[]): EntryList {
  const n = ops.length;
  const order = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) order[i] = i;
  // Entry code e: op = e >> 1, call when (e & 1) === 0.
  const time = (e: number): number => (e & 1 ? ops[e >> 1]!.ret : ops[e >> 1]!.call);
  order.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = a & 1;
    const kb = b & 1;
    if (ka !== kb) return ka - kb;
    return a - b;
  });
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  const match = new Int32Array(2 * n + 1).fill(-1);
  const op = new Int32Array(2 * n + 1).fill(-1);
  const posOfCode = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) posOfCode[order[i]!] = i;
  for (let i = 0; i < 2 * n; i++) {
    const code = order[i]!;
    op[i] = code >> 1;
    if ((code & 1) === 0) match[i] = posOfCode[code | 1]!;
    if (ops[code >> 1]!.ret < ops[code >> 1]!.call) {
      throw new Error(`op ${ops[code >> 1]!.label} returns before it is invoked`);
    }
  }
  for (let i = 0; i < 2 * n; i++) {
    next[i] = i + 1 < 2 * n ? i + 1 : -1;
    prev[i] = i === 0 ? head : i - 1;
  }
  next[head] = n > 0 ? 0 : -1;
  prev[head] = -1;
  return { n, head, next, prev, match, op };
}

/** Removes call entry `e` and its return from the list. */
export function lift(l: EntryList, e: number): void {
  const { next, prev } = l;
  const m = l.match[e]!;
  next[prev[e]!] = next[e]!;
  prev[next[e]!] = prev[e]!; // a call is always followed by at least its own return
  next[prev[m]!] = next[m]!;
  if (next[m]! !== -1) prev[next[m]!] = prev[m]!;
}

/** Undoes `lift(l, e)`; must be called in the reverse order of the lifts. */
export function unlift(l: EntryList, e: number): void {
  const { next, prev } = l;
  const m = l.match[e]!;
  if (next[m]! !== -1) prev[next[m]!] = m;
  next[prev[m]!] = m;
  prev[next[e]!] = e;
  next[prev[e]!] = e;
}
