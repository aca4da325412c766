/**
 * The search's memo: a set of (bitset of linearized ops, model state) pairs, as an open hash
 * table in flat typed arrays: one growable pool holds every stored bitset back to back, chains
 * are index links. Storing a pair allocates no object (only amortized array growth), which
 * matters because a hard history stores hundreds of thousands of pairs.
 */
export class MemoTable<S> {
  private heads: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private chain: Int32Array;
  private pool: Uint32Array;
  private states: S[] = [];
  private stateBytes = 0;
  size = 0;

  constructor(
    private readonly words: number,
    private readonly equal: (a: S, b: S) => boolean,
    /** Heap bytes a stored state holds (beyond what other stored states share), roughly. */
    private readonly sizeOf: (s: S) => number = () => 8,
  ) {
    this.heads = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.hashes = new Int32Array(256);
    this.chain = new Int32Array(256);
    this.pool = new Uint32Array(256 * Math.max(1, words));
  }

  /** Bytes held, roughly (for the cache budget). */
  bytes(): number {
    return this.heads.byteLength + this.hashes.byteLength * 2 + this.pool.byteLength + this.size * 16 + this.stateBytes;
  }

  /** Adds the pair unless present; answers whether it was added. */
  add(hash: number, bits: Uint32Array, state: S): boolean {
    const words = this.words;
    const pool = this.pool;
    for (let e = this.heads[hash & this.mask]!; e !== -1; e = this.chain[e]!) {
      if (this.hashes[e] !== hash) continue;
      const base = e * words;
      let same = true;
      for (let k = 0; k < words; k++) {
        if (pool[base + k] !== bits[k]) {
          same = false;
          break;
        }
      }
      if (same && this.equal(this.states[e]!, state)) return false;
    }
    const e = this.size;
    if (e === this.hashes.length) this.growEntries();
    if (e >= this.heads.length) this.rehash();
    const slot = hash & this.mask;
    this.hashes[e] = hash;
    this.chain[e] = this.heads[slot]!;
    this.heads[slot] = e;
    this.pool.set(bits, e * words);
    this.states.push(state);
    this.stateBytes += this.sizeOf(state);
    this.size = e + 1;
    return true;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    const h = new Int32Array(cap);
    h.set(this.hashes);
    this.hashes = h;
    const c = new Int32Array(cap);
    c.set(this.chain);
    this.chain = c;
    const p = new Uint32Array(cap * Math.max(1, this.words));
    p.set(this.pool);
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
