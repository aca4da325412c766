/**
 * A persistent hash array mapped trie (string keys) with "transient" in-place editing.
 *
 * Why: the DataTree must apply a txn without copying the tree or a children map, and must hand out
 * snapshots in O(1). A HAMT gives O(log32 n) path-copying updates; the edit token makes them
 * in-place while nobody else can see the nodes: every trie node remembers the token of the editor
 * that created it, and an editor holding the same token may mutate it. Taking a snapshot retires
 * the token (the owner switches to a fresh one), so every node reachable from the snapshot is
 * frozen from then on and later writes copy the path they touch (Clojure's transients, applied
 * permanently).
 *
 * Nodes are plain objects `{e, bm, h, a}` (one hidden class): a bitmap node has `h === -1` and `a`
 * holding (key, value) pairs where key `null` marks a sub-trie in the value slot; a collision node
 * has `h` = the shared full hash and `a` = (key, value) pairs. Tokens are `{}` objects, so a JSON
 * round trip or a structuredClone of a trie yields nodes no live editor owns (safe): snapshots stay
 * plain data. Iteration order is hash order: deterministic for a given set of keys.
 */
import { fmix32 } from './digest.ts';

export type Edit = object;

export interface TNode {
  e: Edit | null;
  bm: number;
  h: number;
  a: unknown[];
}
type BNode = TNode;
type CNode = TNode;

function mkB(e: Edit, bm: number, a: unknown[]): TNode {
  return { e, bm, h: -1, a };
}
function mkC(e: Edit, h: number, a: unknown[]): TNode {
  return { e, bm: 0, h, a };
}

export type Trie = TNode | null;

export const EMPTY: Trie = null;

/** 32-bit string hash (FNV-1a over UTF-16 units, then murmur3's finaliser for avalanche). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return fmix32(h);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function get<V>(root: Trie, key: string, h: number = hashString(key)): V | undefined {
  let node: Trie = root;
  let shift = 0;
  while (node !== null) {
    if (node.h >= 0) {
      const a = node.a;
      for (let i = 0; i < a.length; i += 2) if (a[i] === key) return a[i + 1] as V;
      return undefined;
    }
    const bit = 1 << ((h >>> shift) & 31);
    if ((node.bm & bit) === 0) return undefined;
    const idx = 2 * popcount(node.bm & (bit - 1));
    const k = node.a[idx];
    if (k === null) {
      node = node.a[idx + 1] as Trie;
      shift += 5;
      continue;
    }
    return k === key ? (node.a[idx + 1] as V) : undefined;
  }
  return undefined;
}

export function has(root: Trie, key: string): boolean {
  return get(root, key) !== undefined;
}

/** Result flag of the last set/remove (module-level to avoid allocating a box per call). */
let sizeChange = 0;

/** +1 if the last `set` added a key, -1 if the last `remove` removed one, else 0. */
export function lastSizeChange(): number {
  return sizeChange;
}

function pairNode(edit: Edit, shift: number, k1: string, h1: number, v1: unknown, k2: string, h2: number, v2: unknown): BNode | CNode {
  if (h1 === h2) return mkC(edit, h1, [k1, v1, k2, v2]);
  const i1 = (h1 >>> shift) & 31;
  const i2 = (h2 >>> shift) & 31;
  if (i1 === i2) {
    return mkB(edit, 1 << i1, [null, pairNode(edit, shift + 5, k1, h1, v1, k2, h2, v2)]);
  }
  return i1 < i2
    ? mkB(edit, (1 << i1) | (1 << i2), [k1, v1, k2, v2])
    : mkB(edit, (1 << i1) | (1 << i2), [k2, v2, k1, v1]);
}

function setIn(node: BNode | CNode, key: string, h: number, val: unknown, shift: number, edit: Edit): BNode | CNode {
  if (node.h >= 0) {
    if (h !== node.h) {
      // A different hash reached this collision node: push it one level down under a bitmap node.
      const wrapped = mkB(edit, 1 << ((node.h >>> shift) & 31), [null, node]);
      return setIn(wrapped, key, h, val, shift, edit);
    }
    const a = node.a;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === key) {
        if (a[i + 1] === val) return node;
        if (node.e === edit) {
          a[i + 1] = val;
          return node;
        }
        const b = a.slice();
        b[i + 1] = val;
        return mkC(edit, node.h, b);
      }
    }
    sizeChange = 1;
    if (node.e === edit) {
      a.push(key, val);
      return node;
    }
    return mkC(edit, node.h, [...a, key, val]);
  }
  const bit = 1 << ((h >>> shift) & 31);
  const idx = 2 * popcount(node.bm & (bit - 1));
  const a = node.a;
  if ((node.bm & bit) === 0) {
    sizeChange = 1;
    if (node.e === edit) {
      a.splice(idx, 0, key, val);
      node.bm |= bit;
      return node;
    }
    const b = new Array<unknown>(a.length + 2);
    for (let i = 0; i < idx; i++) b[i] = a[i];
    b[idx] = key;
    b[idx + 1] = val;
    for (let i = idx; i < a.length; i++) b[i + 2] = a[i];
    return mkB(edit, node.bm | bit, b);
  }
  const k = a[idx];
  let newK: unknown = k;
  let newV: unknown;
  if (k === null) {
    const child = a[idx + 1] as BNode | CNode;
    newV = setIn(child, key, h, val, shift + 5, edit);
    if (newV === child) return node;
  } else if (k === key) {
    if (a[idx + 1] === val) return node;
    newV = val;
  } else {
    sizeChange = 1;
    newK = null;
    newV = pairNode(edit, shift + 5, k as string, hashString(k as string), a[idx + 1], key, h, val);
  }
  if (node.e === edit) {
    a[idx] = newK;
    a[idx + 1] = newV;
    return node;
  }
  const b = a.slice();
  b[idx] = newK;
  b[idx + 1] = newV;
  return mkB(edit, node.bm, b);
}

/** Returns the trie with key -> val (the same trie object if edited in place or unchanged). */
export function set(root: Trie, key: string, val: unknown, edit: Edit, h: number = hashString(key)): Trie {
  sizeChange = 0;
  if (root === null) {
    sizeChange = 1;
    return mkB(edit, 1 << (h & 31), [key, val]);
  }
  return setIn(root, key, h, val, 0, edit);
}

function removeIn(node: BNode | CNode, key: string, h: number, shift: number, edit: Edit): BNode | CNode | null {
  if (node.h >= 0) {
    if (h !== node.h) return node;
    const a = node.a;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === key) {
        sizeChange = -1;
        if (a.length === 2) return null;
        if (node.e === edit) {
          a.splice(i, 2);
          return node;
        }
        const b = a.slice();
        b.splice(i, 2);
        return mkC(edit, node.h, b);
      }
    }
    return node;
  }
  const bit = 1 << ((h >>> shift) & 31);
  if ((node.bm & bit) === 0) return node;
  const idx = 2 * popcount(node.bm & (bit - 1));
  const a = node.a;
  const k = a[idx];
  if (k === null) {
    const child = a[idx + 1] as BNode | CNode;
    const nc = removeIn(child, key, h, shift + 5, edit);
    if (nc === child) return node;
    if (nc !== null) {
      // Keep the trie canonical: a sub-trie left with a single plain entry is pulled up.
      let pk: unknown = null;
      let pv: unknown = nc;
      if (nc.h < 0 && nc.a.length === 2 && nc.a[0] !== null) {
        pk = nc.a[0];
        pv = nc.a[1];
      } else if (nc.h >= 0 && nc.a.length === 2) {
        pk = nc.a[0];
        pv = nc.a[1];
      }
      if (node.e === edit) {
        a[idx] = pk;
        a[idx + 1] = pv;
        return node;
      }
      const b = a.slice();
      b[idx] = pk;
      b[idx + 1] = pv;
      return mkB(edit, node.bm, b);
    }
  } else if (k !== key) {
    return node;
  } else {
    sizeChange = -1;
  }
  // Remove the slot (either the matching entry or a sub-trie that became empty).
  if (a.length === 2) return null;
  if (node.e === edit) {
    a.splice(idx, 2);
    node.bm &= ~bit;
    return node;
  }
  const b = a.slice();
  b.splice(idx, 2);
  return mkB(edit, node.bm & ~bit, b);
}

/** Returns the trie without key (null when it became empty). */
export function remove(root: Trie, key: string, edit: Edit, h: number = hashString(key)): Trie {
  sizeChange = 0;
  if (root === null) return null;
  return removeIn(root, key, h, 0, edit);
}

/** Visits every (key, value) in hash order. */
export function forEach<V>(root: Trie, fn: (key: string, value: V) => void): void {
  if (root === null) return;
  const a = root.a;
  for (let i = 0; i < a.length; i += 2) {
    const k = a[i];
    if (k === null && root.h < 0) forEach(a[i + 1] as Trie, fn);
    else fn(k as string, a[i + 1] as V);
  }
}

export function keys(root: Trie): string[] {
  const out: string[] = [];
  forEach(root, (k) => out.push(k));
  return out;
}

export function count(root: Trie): number {
  let n = 0;
  forEach(root, () => n++);
  return n;
}
