/**
 * A node's two local clocks (the contract's `now` and `wall`, `protocol/contract.ts`).
 *
 * The monotonic clock (`now`, ms) runs at `rate` local µs per global µs (1 = perfect, 1.0001 =
 * 100 ppm fast) from a base point; it starts at 0 and never jumps. Timers are measured on it, as
 * ZooKeeper measures its timeouts with System.nanoTime: a drift rate stretches or shrinks them.
 *
 * The wall clock (`wall`, epoch ms) is the same drifting count plus `WALL_EPOCH_MS` plus every jump
 * so far (an NTP step): a jump moves the wall clock only, never the monotonic clock or a timer.
 * Whole milliseconds, as Java's System.currentTimeMillis.
 *
 * Shortcut: a rate change does not re-time timers that are already armed.
 */
import type { Micros } from './time.ts';

/** The wall clock's reading at virtual time 0 on a clock that never drifted or jumped:
 *  2026-01-01T00:00:00Z. A fixed origin keeps runs byte-identical. */
export const WALL_EPOCH_MS = 1_767_225_600_000;

export class LocalClock {
  private baseGlobal: Micros = 0;
  private baseLocal: Micros = 0;
  /** The sum of every jump so far (wall clock only), µs. */
  private jumpedUs: Micros = 0;
  rate = 1;

  /** Monotonic local time (integer µs) at global time `t`. */
  localUs(t: Micros): Micros {
    if (this.rate === 1) return this.baseLocal + (t - this.baseGlobal);
    return this.baseLocal + Math.floor((t - this.baseGlobal) * this.rate);
  }

  /** Wall-clock reading (whole epoch ms) at global time `t`. */
  wallMs(t: Micros): number {
    return WALL_EPOCH_MS + Math.floor((this.localUs(t) + this.jumpedUs) / 1000);
  }

  /** Global duration (integer µs, ≥ 0) of a local duration of `ms` milliseconds. */
  globalDelay(ms: number): Micros {
    const us = ms * 1000;
    const d = this.rate === 1 ? Math.ceil(us) : Math.ceil(us / this.rate);
    return d > 0 ? d : 0;
  }

  /** Changes the rate from global time `t` on (both clocks are continuous at `t`). */
  setRate(t: Micros, rate: number): void {
    if (!(rate > 0)) throw new Error(`clock rate must be > 0, got ${rate}`);
    this.baseLocal = this.localUs(t);
    this.baseGlobal = t;
    this.rate = rate;
  }

  /** Steps the wall clock by `ms` milliseconds (negative steps backwards); the monotonic clock and
   *  the timers do not move. */
  jump(ms: number): void {
    this.jumpedUs += Math.round(ms * 1000);
  }
}
