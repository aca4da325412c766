/**
 * The search's memo: a set of (set of linearized ops, model state) pairs, as an open hash table
 * in flat typed arrays. Storing a pair allocates no object (only amortized array growth), which
 * matters because a hard history stores millions of pairs.
 *
 * A set is stored as a *window* of its bitset, not the whole bitset. Ops are numbered in call
 * order, and the search only ever holds sets that are closed under "returned before": so a set
 * is nearly always "every op below some point, plus a few ops concurrent with the first one
 * missing". The window is the words from the first word that is not all ones (`lo`) up to the
 * last non-zero word; the words below `lo` are all ones by definition, so (lo, window) names the
 * set exactly. For a history with P processes the window is a word or two, whatever its length
 * (10k ops: ~40 bytes per pair instead of 1.3 KB).
 *
 * Ops that never return (outcome unknown) would keep a window open from their position to the
 * end, so the search numbers them last, in words of their own (the *tail*, words `tailStart` up
 * to the end), and every entry stores the tail whole beside its window: a history with k such
 * ops costs ceil(k / 32) more words per entry, whatever its length.
 */
export class MemoTable<S> {
  private heads: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private chain: Int32Array;
  /** Per entry: first word of its window (`lo`), where its words start in `pool`, how many. */
  private los: Int32Array;
  private offsets: Int32Array;
  private lens: Int32Array;
  private pool: Uint32Array;
  private poolUsed = 0;
  private states: S[] = [];
  private stateBytes = 0;
  size = 0;

  constructor(
    private readonly equal: (a: S, b: S) => boolean,
    /** Heap bytes a stored state holds (beyond what other stored states share), roughly. */
    private readonly sizeOf: (s: S) => number = () => 8,
    /** The tail: words `tailStart..tailEnd-1` of every set are stored whole. */
    private readonly tailStart = 0,
    private readonly tailEnd = 0,
  ) {
    this.heads = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.hashes = new Int32Array(256);
    this.chain = new Int32Array(256);
    this.los = new Int32Array(256);
    this.offsets = new Int32Array(256);
    this.lens = new Int32Array(256);
    this.pool = new Uint32Array(1024);
  }

  /** Bytes held, roughly (for the memory budget): the tables, the pool, and the states. */
  bytes(): number {
    return (
      this.heads.byteLength +
      this.hashes.byteLength * 5 +
      this.pool.byteLength +
      this.states.length * 8 +
      this.stateBytes
    );
  }

  /**
   * Adds the pair (the set whose words below `lo` are all ones, whose words `lo..hi-1` are
   * `bits[lo..hi-1]` and whose tail is `bits`' tail, all other words zero; `state`) unless
   * present; answers whether it was added.
   */
  add(hash: number, bits: Uint32Array, lo: number, hi: number, state: S): boolean {
    const pool = this.pool;
    const { tailStart, tailEnd } = this;
    const len = hi - lo + (tailEnd - tailStart);
    for (let e = this.heads[hash & this.mask]!; e !== -1; e = this.chain[e]!) {
      if (this.hashes[e] !== hash || this.los[e] !== lo || this.lens[e] !== len) continue;
      let at = this.offsets[e]!;
      let same = true;
      for (let k = lo; k < hi; k++, at++) {
        if (pool[at] !== bits[k]) {
          same = false;
          break;
        }
      }
      if (same) {
        for (let k = tailStart; k < tailEnd; k++, at++) {
          if (pool[at] !== bits[k]) {
            same = false;
            break;
          }
        }
      }
      if (same && this.equal(this.states[e]!, state)) return false;
    }
    this.insert(hash, bits, lo, hi, len, state);
    return true;
  }

  /** The insertion half of `add`, kept apart so that the lookup half stays small enough to inline. */
  private insert(hash: number, bits: Uint32Array, lo: number, hi: number, len: number, state: S): void {
    const { tailStart, tailEnd } = this;
    const e = this.size;
    if (e === this.hashes.length) this.growEntries();
    if (e >= this.heads.length) this.rehash();
    if (this.poolUsed + len > this.pool.length) this.growPool(len);
    const slot = hash & this.mask;
    this.hashes[e] = hash;
    this.chain[e] = this.heads[slot]!;
    this.heads[slot] = e;
    this.los[e] = lo;
    this.lens[e] = len;
    this.offsets[e] = this.poolUsed;
    // Word by word: a subarray view per insert would allocate.
    const p = this.pool;
    let at = this.poolUsed;
    for (let k = lo; k < hi; k++) p[at++] = bits[k]!;
    for (let k = tailStart; k < tailEnd; k++) p[at++] = bits[k]!;
    this.poolUsed = at;
    this.states.push(state);
    this.stateBytes += this.sizeOf(state);
    this.size = e + 1;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.chain = grow(this.chain);
    this.los = grow(this.los);
    this.offsets = grow(this.offsets);
    this.lens = grow(this.lens);
  }

  private growPool(need: number): void {
    const p = new Uint32Array(Math.max(this.pool.length * 2, this.poolUsed + need));
    p.set(this.pool.subarray(0, this.poolUsed));
    this.pool = p;
  }

  private rehash(): void {
    const cap = this.heads.length * 2;
    this.heads = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      const slot = this.hashes[e]! & this.mask;
      this.chain[e] = this.heads[slot]!;
      this.heads[slot] = e;
    }
  }
}
