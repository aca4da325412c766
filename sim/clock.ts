/**
 * A node's local clock. Local time runs at `rate` local µs per global µs (1 = perfect, 1.0001 =
 * 100 ppm fast) from a base point, and can jump (NTP step). Only the node sees it: it is the `now`
 * handed to `step`, and it converts the node's timer durations to global time.
 *
 * Timers are measured on the node's elapsed (monotonic) clock, as ZooKeeper measures its timeouts
 * with System.nanoTime: a drift rate stretches or shrinks them, a jump does not move them.
 * Shortcut: a rate change does not re-time timers that are already armed.
 */
import type { Micros } from './time.ts';

export class LocalClock {
  private baseGlobal: Micros = 0;
  private baseLocal: Micros = 0;
  rate = 1;

  /** Local time (integer µs) at global time `t`. */
  localUs(t: Micros): Micros {
    if (this.rate === 1) return this.baseLocal + (t - this.baseGlobal);
    return this.baseLocal + Math.floor((t - this.baseGlobal) * this.rate);
  }

  /** Global duration (integer µs, ≥ 0) of a local duration of `ms` milliseconds. */
  globalDelay(ms: number): Micros {
    const us = ms * 1000;
    const d = this.rate === 1 ? Math.ceil(us) : Math.ceil(us / this.rate);
    return d > 0 ? d : 0;
  }

  /** Changes the rate from global time `t` on (local time is continuous at `t`). */
  setRate(t: Micros, rate: number): void {
    if (!(rate > 0)) throw new Error(`clock rate must be > 0, got ${rate}`);
    this.baseLocal = this.localUs(t);
    this.baseGlobal = t;
    this.rate = rate;
  }

  /** Steps local time by `ms` milliseconds (negative steps backwards) at global time `t`. */
  jump(t: Micros, ms: number): void {
    this.baseLocal = this.localUs(t) + Math.round(ms * 1000);
    this.baseGlobal = t;
  }
}
