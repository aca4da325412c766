/**
 * Fault points in the simulator: what a run does when a node's effect list reaches a
 * `{ kind: 'point', name }` effect (the names are the protocol's, `protocol/faultpoints.ts`; the
 * kernel does not interpret them).
 *
 * Two ways to fire one, both deterministic:
 * - a script: `{ point, node, nth }` crashes `node` the `nth` time (default 1st, counted from when
 *   the script was armed, across restarts) it passes `point`;
 * - BUGGIFY: each point name is enabled for the run with probability `enableP` (decided the first
 *   time any node passes it), then an enabled point fires with probability `fireP` at each passage,
 *   until `untilUs` and at most `maxFires` times. Draws come from the run's `points` stream, which
 *   exists only in runs that use BUGGIFY (plain runs draw nothing and keep their traces).
 *
 * Firing crashes the node right there: the effects before the point were carried out, the rest of
 * the step's effects never happen (un-fsynced log records are lost or torn as in any crash). The
 * kernel records `{ ev: 'point', point, action: 'crash' }` just before the crash record. With
 * `restartAfterMs` the node is restarted that long after.
 */
import type { NodeId } from '../protocol/contract.ts';
import type { Rng } from './rng.ts';
import type { Micros } from './time.ts';

/** Crash the node at its `nth` passage of `point`. */
export interface PointScript {
  readonly point: string;
  readonly node: NodeId;
  /** 1-based; default 1. */
  readonly nth?: number;
  /** Restart the node this long after the crash (default: stays down). */
  readonly restartAfterMs?: number;
  /** Called right after the crash (scenarios note the fault time with it). */
  readonly onFire?: () => void;
}

export interface Buggify {
  /** Probability that a point is enabled for this run. */
  readonly enableP: number;
  /** Probability that an enabled point fires at a passage. */
  readonly fireP: number;
  /** Restart a node this long after a point crashed it (default: stays down). */
  readonly restartAfterMs?: number;
  /** No firing from this virtual time on (µs; default never stops). */
  readonly untilUs?: Micros;
  /** Most firings in the run (default 3). */
  readonly maxFires?: number;
  /** Only these nodes fire (default all). */
  readonly nodes?: readonly NodeId[];
}

export interface FaultPointConfig {
  readonly script?: readonly PointScript[];
  readonly buggify?: Buggify;
}

/** What to do at one passage: null (nothing) or crash (and maybe restart later). */
export interface PointFiring {
  readonly restartAfterMs: number | undefined;
  readonly onFire?: (() => void) | undefined;
}

function probability(x: number, what: string): number {
  if (!(x >= 0 && x <= 1)) throw new Error(`fault points: ${what} must be a probability in [0, 1], got ${x}`);
  return x;
}

export class FaultPoints {
  /** Armed scripts; `base` = the node's passages of the point when it was armed. */
  private readonly script: (PointScript & { readonly base: number })[] = [];
  private readonly seen = new Map<string, number>();
  private readonly enabled = new Map<string, boolean>();
  private fires = 0;
  private readonly buggify: Buggify | undefined;

  constructor(
    cfg: FaultPointConfig,
    /** The `points` stream (only asked for when BUGGIFY is on). */
    private readonly rng: () => Rng,
  ) {
    for (const s of cfg.script ?? []) this.add(s);
    if (cfg.buggify !== undefined) {
      probability(cfg.buggify.enableP, 'enableP');
      probability(cfg.buggify.fireP, 'fireP');
      this.buggify = cfg.buggify;
    }
  }

  add(s: PointScript): void {
    if (s.nth !== undefined && !(Number.isInteger(s.nth) && s.nth >= 1)) throw new Error(`fault points: nth must be an integer >= 1, got ${s.nth}`);
    this.script.push({ ...s, base: this.seen.get(`${s.node} ${s.point}`) ?? 0 });
  }

  /** A node passes `point` at `now`: fire or not. */
  pass(node: NodeId, point: string, now: Micros): PointFiring | null {
    let hit: PointFiring | null = null;
    if (this.script.length > 0) {
      const key = `${node} ${point}`;
      const n = (this.seen.get(key) ?? 0) + 1;
      this.seen.set(key, n);
      for (let i = 0; i < this.script.length; i++) {
        const s = this.script[i]!;
        if (s.point === point && s.node === node && s.base + (s.nth ?? 1) === n) {
          this.script.splice(i, 1);
          hit = { restartAfterMs: s.restartAfterMs, onFire: s.onFire };
          break;
        }
      }
    }
    const b = this.buggify;
    if (hit === null && b !== undefined && this.fires < (b.maxFires ?? 3) && now < (b.untilUs ?? Infinity)) {
      if (b.nodes === undefined || b.nodes.includes(node)) {
        let on = this.enabled.get(point);
        if (on === undefined) {
          on = this.rng().chance(b.enableP);
          this.enabled.set(point, on);
        }
        if (on && this.rng().chance(b.fireP)) hit = { restartAfterMs: b.restartAfterMs };
      }
    }
    if (hit !== null) this.fires++;
    return hit;
  }

  /** Points enabled so far by BUGGIFY, in name order (for reports). */
  enabledPoints(): string[] {
    return [...this.enabled].filter(([, on]) => on).map(([n]) => n).sort();
  }
}
