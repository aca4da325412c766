/**
 * A wide-rooted persistent map: 4096 HAMTs indexed by the top 12 bits of the key's hash. For the
 * DataTree's path -> node map this removes the two top trie levels (the ones every lookup pays a
 * cache miss for), which made 1M-node lookups about twice as fast.
 *
 * The 4096 slots are held as 64 chunks of 64, each chunk carrying the edit token of its owner
 * (the same rule as hamt.ts). The first write after a snapshot copies the 64-entry root array
 * (the caller's business, see `DataTree`) and the one chunk it touches (64 entries) instead of all
 * 4096 slots: the leader's prep step forks the tree after every commit, so that first write is the
 * common case there, not a rare one.
 */
import * as H from './hamt.ts';

const BITS = 12;
export const WIDTH = 1 << BITS;
const SHIFT = 32 - BITS;
const CHUNK_BITS = 6;
const CHUNK = 1 << CHUNK_BITS;

/** 64 trie slots, editable in place by the holder of `e`. */
export interface Chunk {
  e: H.Edit | null;
  t: H.Trie[];
}

export type WideMap = readonly Chunk[];

export function emptyWide(): Chunk[] {
  const w = new Array<Chunk>(WIDTH / CHUNK);
  for (let c = 0; c < w.length; c++) w[c] = { e: null, t: new Array<H.Trie>(CHUNK).fill(null) };
  return w;
}

export function wget<V>(w: WideMap, key: string, h: number = H.hashString(key)): V | undefined {
  const i = h >>> SHIFT;
  return H.get<V>(w[i >>> CHUNK_BITS]!.t[i & (CHUNK - 1)]!, key, h);
}

/** The chunk holding slot i, copied into `w` first unless `edit` owns it. */
function ownChunk(w: Chunk[], i: number, edit: H.Edit): H.Trie[] {
  const c = i >>> CHUNK_BITS;
  let chunk = w[c]!;
  if (chunk.e !== edit) {
    chunk = { e: edit, t: chunk.t.slice() };
    w[c] = chunk;
  }
  return chunk.t;
}

/**
 * Sets key -> val in `w` (whose root array the caller owns: edit it in place) and returns whether
 * the key was new. Copy-on-write of the root array is the caller's business (see `DataTree`).
 */
export function wset(w: Chunk[], key: string, val: unknown, edit: H.Edit, h: number = H.hashString(key)): boolean {
  const i = h >>> SHIFT;
  const t = ownChunk(w, i, edit);
  const j = i & (CHUNK - 1);
  t[j] = H.set(t[j]!, key, val, edit, h);
  return H.lastSizeChange() === 1;
}

export function wremove(w: Chunk[], key: string, edit: H.Edit, h: number = H.hashString(key)): boolean {
  const i = h >>> SHIFT;
  const t = ownChunk(w, i, edit);
  const j = i & (CHUNK - 1);
  t[j] = H.remove(t[j]!, key, edit, h);
  return H.lastSizeChange() === -1;
}

export function wforEach<V>(w: WideMap, fn: (key: string, value: V) => void): void {
  for (const chunk of w) for (const t of chunk.t) H.forEach<V>(t, fn);
}
