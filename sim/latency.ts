/**
 * A latency distribution: a fixed minimum plus an exponential tail, capped. Used by links and disks.
 * Integer microseconds in, integer microseconds out.
 */
import type { Micros } from './time.ts';
import type { Rng } from './rng.ts';

export interface LatencyDist {
  /** Minimum (µs). */
  readonly minUs: Micros;
  /** Mean of the exponential tail added to the minimum (µs); 0 for a fixed latency. */
  readonly tailMeanUs: Micros;
  /** Cap on the tail (µs), so one unlucky draw cannot stall things for seconds. */
  readonly tailMaxUs: Micros;
}

/** One draw (integer µs). Draws exactly one number from `rng` when there is a tail, none otherwise. */
export function sampleLatency(d: LatencyDist, rng: Rng): Micros {
  if (d.tailMeanUs <= 0) return d.minUs;
  const tail = Math.floor(rng.exp(d.tailMeanUs));
  return d.minUs + (tail > d.tailMaxUs ? d.tailMaxUs : tail);
}
