/**
 * The tree digest: a running value over every znode, updated per create / change / delete — the
 * idea of ZooKeeper 3.6+'s DataTree digest (DigestCalculator + the node map's sum of node
 * digests), written independently. Each node has a 32-bit digest of its path, data and persisted
 * stat; the tree's digest is the sum of its nodes' digests mod 2^32, so a change costs one node's
 * hash (plus its parent's, whose child counters move), never a walk. Two servers holding the same
 * tree at the same zxid report the same value; a difference in any node's path, data or stat shows.
 *
 * Not in the digest (as ZooKeeper): ACL contents (aversion is), children lists (the parent's
 * cversion/pzxid are), the session table.
 */
import type { Znode } from './znode.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Mixes a number that may exceed 32 bits (zxids, times) as its low and high words. */
function mixNumber(h: number, v: number): number {
  h = Math.imul(h ^ (v | 0), FNV_PRIME);
  return Math.imul(h ^ (Math.floor(v / 4294967296) | 0), FNV_PRIME);
}

/** A node's digest: path, data, kind/owner/ttl and the persisted stat. Unsigned 32-bit. */
export function nodeDigest(path: string, n: Znode): number {
  let h = mixString(FNV_OFFSET, path);
  h = Math.imul(h ^ 0x2f, FNV_PRIME); // separator: path "/a" + data "b" differs from "/ab" + ""
  h = n.data === null ? Math.imul(h ^ 0xff, FNV_PRIME) : mixString(h, n.data);
  h = mixNumber(h, n.czxid);
  h = mixNumber(h, n.mzxid);
  h = mixNumber(h, n.pzxid);
  h = mixNumber(h, n.ctime);
  h = mixNumber(h, n.mtime);
  h = mixNumber(h, n.version);
  h = mixNumber(h, n.cversion);
  h = mixNumber(h, n.aversion);
  h = mixNumber(h, n.kind);
  h = mixNumber(h, n.ttl);
  h = mixString(h, n.owner);
  // Final avalanche, so sums of similar nodes do not cancel out.
  return fmix32(h);
}

/** The digest of a key/value pair (the opaque backend's flat map: `protocol/server/opaqueBackend.ts`). */
export function entryDigest(key: string, value: string | null): number {
  let h = mixString(FNV_OFFSET, key);
  h = Math.imul(h ^ 0x2f, FNV_PRIME);
  h = value === null ? Math.imul(h ^ 0xff, FNV_PRIME) : mixString(h, value);
  return fmix32(h);
}

/** `digest + d` mod 2^32. */
export function addDigest(digest: number, d: number): number {
  return (digest + d) >>> 0;
}

/** `digest - d` mod 2^32. */
export function subDigest(digest: number, d: number): number {
  return (digest - d) >>> 0;
}

/** murmur3's fmix32 finaliser: every input bit reaches every output bit (unsigned 32-bit result). */
export function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
