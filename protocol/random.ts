/**
 * The protocol's only randomness: a small deterministic PRNG (mulberry32) fed by a seed the host
 * hands a node at creation (derived from the run seed, see `ensemble/ensemble.ts`). Protocol code
 * never draws ambient randomness; where ZooKeeper 3.8 draws (the client's reconnect back-off and
 * host shuffle, SyncRequestProcessor's randRoll), it draws from one of these.
 */
import { fmix32 } from './datatree/digest.ts';

/** A 32-bit hash of a seed string (FNV-1a, then the murmur3 finaliser). */
export function seedHash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

export class Prng {
  private state: number;

  constructor(seed: string) {
    this.state = seedHash(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n) (0 when n <= 0, as a bound of Java's nextInt would refuse). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return hi <= lo ? lo : lo + Math.floor(this.next() * (hi - lo + 1));
  }
}
