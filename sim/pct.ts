/**
 * PCT-style message scheduling (Burckhardt et al., "A Randomized Scheduler with Probabilistic
 * Guarantees of Finding Bugs", ASPLOS 2010; for message passing as in Ozkan et al., PCTCP, OOPSLA
 * 2018): every *lane* — a directed link, split by a host-given channel (`lane(msg)`, e.g. ZooKeeper's
 * election connection vs its quorum connection) — gets a random priority when it first carries a
 * message; `depth − 1` change points, drawn among the first `horizon` messages sent, each drop the
 * priority of the lane that message travels on below every other. Priority becomes delay on the
 * virtual clock: a message waits `(1 − priority)^4 × spreadUs` on top of its link latency, so most
 * lanes run at nearly link speed while the few lowest are starved behind them for up to ~`spreadUs`
 * (a change-pointed lane up to 16×) as they run whole chains of messages — PCT's "the
 * highest-priority enabled step runs", made time. Lanes stay FIFO (a TCP connection each) unless the link reorders; different lanes of
 * one link are not ordered against each other (separate connections).
 *
 * Uniform latencies (link default: 0.1 ms + an exponential tail capped at 1 ms) cannot hold one
 * message back behind a dozen round trips elsewhere; a PCT run does so on purpose, on a few lanes.
 * Deterministic: every draw comes from the run's `pct` stream (created only when PCT is on, so runs
 * without it draw nothing new), lanes get priorities in first-use order.
 */
import type { Message } from '../protocol/contract.ts';
import type { Rng } from './rng.ts';
import type { Micros } from './time.ts';

export interface PctConfig {
  /** Bug depth d: d − 1 priority change points (d ≥ 1). */
  readonly depth: number;
  /** Change points are drawn among the first `horizon` messages sent (default 2000). */
  readonly horizon?: number;
  /** Delay of the lowest initial priority (µs, default 10 ms); change-pointed lanes wait up to 16×. */
  readonly spreadUs?: number;
  /** The channel a message travels on within its link (default: one per link). */
  readonly lane?: (msg: Message) => string;
}

export const PCT_DEFAULTS = { horizon: 2000, spreadUs: 10_000 } as const;

export class Pct {
  private readonly prio = new Map<string, number>();
  private readonly last = new Map<string, Micros>();
  /** Message counts at which a change point hits, ascending. */
  readonly changePoints: readonly number[];
  private sent = 0;
  private changed = 0;
  private readonly spreadUs: number;

  constructor(
    private readonly cfg: PctConfig,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(cfg.depth) || cfg.depth < 1) throw new Error(`pct depth must be an integer >= 1, got ${cfg.depth}`);
    const horizon = cfg.horizon ?? PCT_DEFAULTS.horizon;
    this.spreadUs = cfg.spreadUs ?? PCT_DEFAULTS.spreadUs;
    if (!(horizon >= 1) || !(this.spreadUs >= 0)) throw new Error('pct horizon must be >= 1 and spreadUs >= 0');
    const points: number[] = [];
    for (let i = 1; i < cfg.depth; i++) points.push(1 + rng.int(horizon));
    this.changePoints = points.sort((a, b) => a - b);
  }

  /** The lane of `msg` from `from` to `to`. */
  laneOf(from: string, to: string, msg: Message): string {
    return this.cfg.lane === undefined ? `${from}>${to}` : `${from}>${to}:${this.cfg.lane(msg)}`;
  }

  /** Current priority of a lane (drawn at its first use). */
  priority(lane: string): number {
    let p = this.prio.get(lane);
    if (p === undefined) {
      p = this.rng.next();
      this.prio.set(lane, p);
    }
    return p;
  }

  /**
   * Arrival time of a message sent at `now` with link latency `latency` on `lane`: the priority
   * delay added, then FIFO within the lane unless `reorder`. Counts the message toward the change
   * points (a duplicate is sent again, and counted again).
   */
  arrival(now: Micros, latency: Micros, lane: string, reorder: boolean): Micros {
    this.sent++;
    let p = this.priority(lane);
    while (this.changed < this.changePoints.length && this.changePoints[this.changed]! <= this.sent) {
      this.changed++;
      // Below every initial priority (in [0, 1)), each later change point lower still.
      p = -this.changed / this.cfg.depth;
      this.prio.set(lane, p);
    }
    const w = 1 - p;
    let at = now + latency + Math.round(w * w * w * w * this.spreadUs);
    const prev = this.last.get(lane) ?? 0;
    if (!reorder && at < prev) at = prev;
    if (at > prev) this.last.set(lane, at);
    return at;
  }
}
