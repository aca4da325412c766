/**
 * A wide-rooted persistent map: a fixed array of 4096 HAMTs indexed by the top 12 bits of the key's
 * hash. For the DataTree's path -> node map this removes the two top trie levels (the ones every
 * lookup pays a cache miss for), which made 1M-node lookups about twice as fast. The root array is
 * copied on the first write after a snapshot (16 KiB), every other write edits in place as in
 * hamt.ts.
 */
import * as H from './hamt.ts';

const BITS = 12;
export const WIDTH = 1 << BITS;
const SHIFT = 32 - BITS;

export type WideMap = readonly H.Trie[];

export function emptyWide(): H.Trie[] {
  return new Array<H.Trie>(WIDTH).fill(null);
}

export function wget<V>(w: WideMap, key: string, h: number = H.hashString(key)): V | undefined {
  return H.get<V>(w[h >>> SHIFT]!, key, h);
}

/**
 * Sets key -> val in `w` (which the caller owns: edit it in place) and returns whether the key
 * was new. Copy-on-write of the root array is the caller's business (see `DataTree`).
 */
export function wset(w: H.Trie[], key: string, val: unknown, edit: H.Edit, h: number = H.hashString(key)): boolean {
  const i = h >>> SHIFT;
  w[i] = H.set(w[i]!, key, val, edit, h);
  return H.lastSizeChange() === 1;
}

export function wremove(w: H.Trie[], key: string, edit: H.Edit, h: number = H.hashString(key)): boolean {
  const i = h >>> SHIFT;
  w[i] = H.remove(w[i]!, key, edit, h);
  return H.lastSizeChange() === -1;
}

export function wforEach<V>(w: WideMap, fn: (key: string, value: V) => void): void {
  for (const t of w) H.forEach<V>(t, fn);
}
