/**
 * A persistent string-keyed hash table of small sorted buckets, for the DataTree's two big maps:
 * path -> node, and each node's children (name -> true). Same edit-token rule as hamt.ts: a
 * structure created under the current token is edited in place, any other is copied; a snapshot
 * retires the token, so everything it can reach is frozen.
 *
 * Why not the HAMT (still used for the small indexes): on a 1M-entry map a HAMT lookup walks
 * several trie nodes, each an object plus its array, each a cache miss. Here a lookup reads the
 * slot array (hot), one bucket array scanned for a 30-bit hash (compared as small integers, so the
 * stored key string is read only on a hash match), then the value: about as many dependent reads
 * as a native `Map.get`. Replacing the HAMT here took setData on random nodes of a 1M tree from
 * about 0.4-0.55 M/s to 0.6-0.85 M/s on the same machine, and memory from 367 to 308 bytes a znode.
 *
 * Layout: bucket `i` (the top `bits` bits of the key's 32-bit hash) is `t[i]` in a small table
 * (at most 64 buckets) and `chunks[i >>> 6].t[i & 63]` in a big one. A bucket is an array
 * `[edit, h0, k0, v0, h1, k1, v1, ...]` sorted by (low 30 hash bits, key). When the map holds more
 * than LOAD entries per bucket it is rebuilt with 4x the buckets (old snapshots keep the old
 * table). The first write after a snapshot copies the root (a big table's chunk pointers: 1,024 at
 * 1M entries; a small table's slots), the chunk (64 slots) and the bucket it touches.
 *
 * Iteration order is ascending (32-bit hash, key): a function of the set of keys only, the same for
 * every table size and every history of edits (a SNAP-synced follower iterates as the leader does).
 */
import { hashString, type Edit } from './hamt.ts';

const CHUNK_BITS = 6;
const CHUNK = 1 << CHUNK_BITS;
/** The smallest table: 4 buckets (a children set starts here; the hash's top 2 bits pick one). */
const MIN_BITS = 2;
/** Entries per bucket, on average, before the table grows (x4, so 4..16 per bucket after). */
const LOAD = 16;
const LOW = 0x3fffffff;

type Bucket = unknown[];

/** 64 bucket slots, editable in place by the holder of `e`. */
export interface Chunk {
  e: Edit | null;
  t: (Bucket | null)[];
}

export interface PathMap {
  /** Edit token of the owner allowed to edit this root, and `t` or `chunks`, in place. */
  e: Edit | null;
  /** log2 of the number of buckets. */
  bits: number;
  size: number;
  /** A small table (at most 64 buckets): the bucket slots themselves; else null. */
  t: (Bucket | null)[] | null;
  /** A big table: chunks of 64 slots (a snapshot's first write copies one chunk); else null. */
  chunks: Chunk[] | null;
}

function emptySlots(n: number): (Bucket | null)[] {
  return new Array<Bucket | null>(n).fill(null);
}

function emptyTable(bits: number, edit: Edit | null, size: number): PathMap {
  if (bits <= CHUNK_BITS) return { e: edit, bits, size, t: emptySlots(1 << bits), chunks: null };
  const chunks = new Array<Chunk>(1 << (bits - CHUNK_BITS));
  for (let c = 0; c < chunks.length; c++) chunks[c] = { e: edit, t: emptySlots(CHUNK) };
  return { e: edit, bits, size, t: null, chunks };
}

export function emptyPathMap(edit: Edit | null = null): PathMap {
  return emptyTable(MIN_BITS, edit, 0);
}

/** The number of keys; 0 for null (an absent map is an empty one, e.g. a leaf's children). */
export function psize(m: PathMap | null): number {
  return m === null ? 0 : m.size;
}

function bucketAt(m: PathMap, i: number): Bucket | null {
  return m.t !== null ? m.t[i]! : m.chunks![i >>> CHUNK_BITS]!.t[i & (CHUNK - 1)]!;
}

export function pget<V>(m: PathMap | null, key: string, h: number = hashString(key)): V | undefined {
  if (m === null) return undefined;
  const b = bucketAt(m, h >>> (32 - m.bits));
  if (b === null) return undefined;
  const lo = h & LOW;
  for (let j = 1; j < b.length; j += 3) {
    const bh = b[j] as number;
    if (bh === lo) {
      if (b[j + 1] === key) return b[j + 2] as V;
    } else if (bh > lo) {
      return undefined;
    }
  }
  return undefined;
}

/** +1 if the last pset added a key, -1 if the last premove removed one, else 0. */
let sizeChange = 0;
export function lastPathMapChange(): number {
  return sizeChange;
}

/**
 * Index in bucket b where (lo, key) is or would be inserted; `found` says which (module-level to
 * avoid a result box per call).
 */
let found = false;
function seek(b: unknown[], lo: number, key: string): number {
  found = false;
  let j = 1;
  for (; j < b.length; j += 3) {
    const bh = b[j] as number;
    if (bh < lo) continue;
    if (bh > lo) break;
    const k = b[j + 1] as string;
    if (k === key) {
      found = true;
      break;
    }
    if (k > key) break;
  }
  return j;
}

/** The root owned by edit (copied unless it already is; a small table's slots come along). */
function ownRoot(m: PathMap, edit: Edit): PathMap {
  if (m.e === edit) return m;
  return { e: edit, bits: m.bits, size: m.size, t: m.t === null ? null : m.t.slice(), chunks: m.chunks === null ? null : m.chunks.slice() };
}

/** Stores bucket b at slot i of root r (which edit owns), copying the chunk unless edit owns it. */
function store(r: PathMap, i: number, b: Bucket | null, edit: Edit): void {
  if (r.t !== null) {
    r.t[i] = b;
    return;
  }
  const chunks = r.chunks!;
  const c = i >>> CHUNK_BITS;
  let chunk = chunks[c]!;
  if (chunk.e !== edit) {
    chunk = { e: edit, t: chunk.t.slice() };
    chunks[c] = chunk;
  }
  chunk.t[i & (CHUNK - 1)] = b;
}

/** Rebuilds m with 4x the buckets, every structure owned by edit. */
function grow(m: PathMap, edit: Edit): PathMap {
  const g = emptyTable(m.bits + 2, edit, m.size);
  const shift = 32 - g.bits;
  // Entries come in ascending (hash, key) order, so appending keeps every new bucket sorted.
  pforEach(m, (k, v, h) => {
    const i = h >>> shift;
    const b = bucketAt(g, i);
    if (b === null) store(g, i, [edit, h & LOW, k, v], edit);
    else b.push(h & LOW, k, v);
  });
  return g;
}

/** The keys in iteration order. */
export function pkeys(m: PathMap | null): string[] {
  const out: string[] = [];
  pforEach(m, (k) => out.push(k));
  return out;
}

export function pset(m: PathMap | null, key: string, val: unknown, edit: Edit, h: number = hashString(key)): PathMap {
  if (m === null) m = emptyPathMap(edit);
  sizeChange = 0;
  const i = h >>> (32 - m.bits);
  const lo = h & LOW;
  const b = bucketAt(m, i);
  const j = b === null ? 1 : seek(b, lo, key);
  if (found && b !== null) {
    if (b[j + 2] === val) return m;
    if (b[0] === edit) {
      b[j + 2] = val;
      return m;
    }
    const nb = b.slice();
    nb[0] = edit;
    nb[j + 2] = val;
    const r = ownRoot(m, edit);
    store(r, i, nb, edit);
    return r;
  }
  sizeChange = 1;
  if (m.size + 1 > LOAD << m.bits) {
    const g = grow(m, edit);
    pset(g, key, val, edit, h);
    return g;
  }
  const r = ownRoot(m, edit);
  r.size++;
  if (b === null) {
    store(r, i, [edit, lo, key, val], edit);
  } else if (b[0] === edit) {
    // In place (splice would allocate an array of the removed elements).
    const n = b.length;
    b.push(0, 0, 0);
    for (let x = n - 1; x >= j; x--) b[x + 3] = b[x];
    b[j] = lo;
    b[j + 1] = key;
    b[j + 2] = val;
  } else {
    const nb = new Array<unknown>(b.length + 3);
    nb[0] = edit;
    for (let x = 1; x < j; x++) nb[x] = b[x];
    nb[j] = lo;
    nb[j + 1] = key;
    nb[j + 2] = val;
    for (let x = j; x < b.length; x++) nb[x + 3] = b[x];
    store(r, i, nb, edit);
  }
  return r;
}

/**
 * Returns the map without key (the same root object when nothing changed; null when it became
 * empty). The removed value is then `lastRemoved()`.
 */
export function premove(m: PathMap | null, key: string, edit: Edit, h: number = hashString(key)): PathMap | null {
  sizeChange = 0;
  removed = undefined;
  if (m === null) return null;
  const i = h >>> (32 - m.bits);
  const b = bucketAt(m, i);
  if (b === null) return m;
  const j = seek(b, h & LOW, key);
  if (!found) return m;
  sizeChange = -1;
  removed = b[j + 2];
  if (m.size === 1) return null;
  const r = ownRoot(m, edit);
  r.size--;
  if (b.length === 4) {
    store(r, i, null, edit);
  } else if (b[0] === edit) {
    for (let x = j + 3; x < b.length; x++) b[x - 3] = b[x];
    b.length -= 3;
  } else {
    const nb = new Array<unknown>(b.length - 3);
    nb[0] = edit;
    for (let x = 1; x < j; x++) nb[x] = b[x];
    for (let x = j + 3; x < b.length; x++) nb[x - 3] = b[x];
    store(r, i, nb, edit);
  }
  return r;
}

let removed: unknown;
/** The value the last premove removed (undefined when it removed nothing). */
export function lastRemoved<V>(): V | undefined {
  return removed as V | undefined;
}

/** Visits every (key, value, 32-bit hash) in ascending (hash, key) order. */
export function pforEach<V>(m: PathMap | null, fn: (key: string, value: V, hash: number) => void): void {
  if (m === null) return;
  const top = 32 - m.bits;
  const n = 1 << m.bits;
  for (let i = 0; i < n; i++) {
    const b = bucketAt(m, i);
    if (b === null) continue;
    // The bucket index gives the top `bits` bits (at least 2), the entry the low 30.
    const high = i << top;
    for (let j = 1; j < b.length; j += 3) fn(b[j + 1] as string, b[j + 2] as V, (high | (b[j] as number)) >>> 0);
  }
}
