/**
 * The iteration order of a Java `ConcurrentHashMap`-backed set, for the few places where ZooKeeper
 * 3.8's answers depend on it. The one known so far: a connection's authenticated ids
 * (`ServerCnxn.authInfo` is `Collections.newSetFromMap(new ConcurrentHashMap<>())`), which
 * PrepRequestProcessor.fixupACL walks to expand an `auth` ACL — so the expanded ids come out in hash
 * order, not in the order the client added them (measured against a real 3.8.0:
 * `conformance/scripts/03-acl-auth-order.json`).
 *
 * Modelled from the documented behaviour of the JDK 17 map: a table of 16 bins created on first
 * insert; a key goes to bin `spread(hash) & (n - 1)`, appended to the bin's list; the table doubles
 * once the count reaches 3/4 of its size, each bin splitting into a low and a high list (the split
 * keeps the longest tail run whose keys all go one way, and puts the other keys in front of it in
 * reverse order); iteration walks the bins in index order. Shortcut: a bin of 8 or more keys (turned
 * into a tree in the JDK) keeps list order here — not reachable with the handful of ids a session has.
 */

/** Java's `String.hashCode` (over UTF-16 code units, 32-bit wrap-around). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The hash of a jute record with two string fields, as jute's generated `hashCode` computes it. */
export function juteHash2(a: string, b: string): number {
  let r = 17;
  r = (Math.imul(37, r) + javaStringHash(a)) | 0;
  r = (Math.imul(37, r) + javaStringHash(b)) | 0;
  return r;
}

interface Entry<K> {
  readonly key: K;
  readonly hash: number;
}

/** `ConcurrentHashMap.spread`: fold the high half in, clear the sign bit. */
function spread(h: number): number {
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

/**
 * The keys as a Java ConcurrentHashMap set iterates them after they were added in this order
 * (duplicates — equal `id(key)` — count once, at their first insertion).
 */
export function concurrentHashSetOrder<K>(keys: readonly K[], hash: (k: K) => number, id: (k: K) => string): K[] {
  let n = 16;
  let bins: Entry<K>[][] = Array.from({ length: n }, () => []);
  const seen = new Set<string>();
  let count = 0;
  for (const key of keys) {
    const k = id(key);
    if (seen.has(k)) continue;
    seen.add(k);
    const h = spread(hash(key));
    bins[h & (n - 1)]!.push({ key, hash: h });
    count++;
    if (count >= n - (n >>> 2)) {
      bins = grow(bins, n);
      n *= 2;
    }
  }
  return bins.flatMap((b) => b.map((e) => e.key));
}

/** One table doubling (ConcurrentHashMap.transfer for list bins). */
function grow<K>(bins: readonly Entry<K>[][], n: number): Entry<K>[][] {
  const next: Entry<K>[][] = Array.from({ length: 2 * n }, () => []);
  for (let i = 0; i < n; i++) {
    const bin = bins[i]!;
    if (bin.length === 0) continue;
    // The last run: the longest tail whose entries all go to the same half.
    let runStart = 0;
    let runBit = bin[0]!.hash & n;
    for (let j = 1; j < bin.length; j++) {
      const b = bin[j]!.hash & n;
      if (b !== runBit) {
        runBit = b;
        runStart = j;
      }
    }
    const low: Entry<K>[] = runBit === 0 ? bin.slice(runStart) : [];
    const high: Entry<K>[] = runBit !== 0 ? bin.slice(runStart) : [];
    for (let j = 0; j < runStart; j++) {
      const e = bin[j]!;
      if ((e.hash & n) === 0) low.unshift(e);
      else high.unshift(e);
    }
    next[i] = low;
    next[i + n] = high;
  }
  return next;
}
