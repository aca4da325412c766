/**
 * Virtual time. The kernel keeps global time as an integer number of microseconds so that repeated
 * additions never drift (a float count of milliseconds would accumulate rounding error and make two
 * runs that schedule the same delays in a different grouping disagree). Nodes see milliseconds (the
 * contract), converted at the edge.
 */

/** A count of virtual microseconds (always an integer). */
export type Micros = number;

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

/** Milliseconds → integer microseconds (rounded to the nearest µs). */
export function ms(n: number): Micros {
  return Math.round(n * US_PER_MS);
}

/** Seconds → integer microseconds. */
export function sec(n: number): Micros {
  return Math.round(n * US_PER_S);
}

/** Integer microseconds → milliseconds (may be fractional, e.g. 1.25). */
export function toMs(us: Micros): number {
  return us / US_PER_MS;
}

/** Renders a virtual time for humans: `12.345678s`. */
export function formatTime(us: Micros): string {
  const s = Math.floor(us / US_PER_S);
  const frac = String(us - s * US_PER_S).padStart(6, '0');
  return `${s}.${frac}s`;
}
