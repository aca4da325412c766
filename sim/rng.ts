/**
 * Seeded randomness. A run has one seed; every consumer draws from its own named stream whose seed is
 * derived from (run seed, stream name). Streams are independent, so adding a fault (which draws from
 * `faults`) does not shift what the workload or the network draws.
 *
 * seedrandom's `alea` generator is used: it is among the fastest in the package and has good enough
 * statistical quality for scheduling decisions.
 */
import seedrandom from 'seedrandom';

export class Rng {
  private readonly prng: seedrandom.PRNG;
  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.prng() * (hi - lo + 1));
  }

  /** True with probability p. Draws exactly one number whatever p is (keeps streams aligned). */
  chance(p: number): boolean {
    return this.prng() < p;
  }

  /** Exponentially distributed with the given mean (a float ≥ 0). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.prng());
  }

  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.prng() * xs.length)] as T;
  }

  /** A Fisher–Yates shuffled copy. */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}

/** The named streams of one run. `stream(name)` always returns the same object for a name. */
export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(readonly seed: string | number) {}

  stream(name: string): Rng {
    let r = this.streams.get(name);
    if (r === undefined) {
      r = new Rng(`${this.seed}/${name}`);
      this.streams.set(name, r);
    }
    return r;
  }
}
