/**
 * The network model: directed links between nodes.
 *
 * Each directed link (from → to) has a configuration (latency = a fixed minimum plus an exponential
 * tail, capped; loss, duplication and reordering probabilities) and fault state (cut, clogged).
 * Links are FIFO unless `reorder` is on: a message never arrives before one sent earlier on the same
 * link (TCP). A cut link drops what is sent on it and what arrives on it while it is cut. A clogged
 * link holds arriving messages and releases them, in order, when unclogged.
 *
 * Shortcut (documented in sim/README.md): a cut drops messages instead of modelling TCP
 * retransmission and connection timeouts; a protocol notices a partition through its own timeouts,
 * as ZooKeeper does (its read timeouts fire long before TCP would give up).
 */
import type { Micros } from './time.ts';
import type { LatencyDist } from './latency.ts';

/** One-way latency (minUs + exponential tail) plus misbehaviour probabilities. */
export interface LinkConfig extends LatencyDist {
  /** Probability a message is lost. */
  readonly loss: number;
  /** Probability a message is delivered twice. */
  readonly dup: number;
  /** When true the link is not FIFO: messages arrive in latency order, which may differ from send order. */
  readonly reorder: boolean;
}

/** Loopback-like LAN: 0.1 ms minimum, ~0.25 ms mean, under 1 ms; no loss. */
export const DEFAULT_LINK: LinkConfig = Object.freeze({
  minUs: 100,
  tailMeanUs: 150,
  tailMaxUs: 900,
  loss: 0,
  dup: 0,
  reorder: false,
});

/** Mutable per-direction state. Created lazily the first time a pair talks or is configured. */
export class Link {
  /** Per-link override; null means "use the network's default". */
  cfg: LinkConfig | null = null;
  cut = false;
  clogged = false;
  /** Messages held by a clog, in arrival order. */
  held: unknown[] = [];
  /** Latest arrival time scheduled so far (for FIFO). */
  lastArrival: Micros = 0;
}

/** Fills in a partial link configuration from a base; throws on nonsense (a scenario bug). */
export function linkConfig(base: LinkConfig, patch: Partial<LinkConfig> | undefined): LinkConfig {
  if (patch === undefined) return base;
  const cfg = Object.freeze({ ...base, ...patch });
  for (const k of ['minUs', 'tailMeanUs', 'tailMaxUs'] as const) {
    if (!Number.isFinite(cfg[k]) || cfg[k] < 0) throw new Error(`link ${k} must be a finite number >= 0, got ${cfg[k]}`);
  }
  for (const k of ['loss', 'dup'] as const) {
    if (!(cfg[k] >= 0 && cfg[k] <= 1)) throw new Error(`link ${k} must be a probability in [0, 1], got ${cfg[k]}`);
  }
  return cfg;
}
