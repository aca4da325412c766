/**
 * Trace checkers: records per second for each checker on a synthetic healthy trace (3 servers,
 * 200,000 txns, about 6 million records), and how the time grows from 1/4 of the trace to all of
 * it (≈4x means linear). Prints figures only.
 */
import { CHECKERS } from '../checkers/index.ts';
import { decode } from '../checkers/events.ts';
import { syntheticTrace } from '../checkers/testing/synthetic.ts';

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')} records/s`;
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

export default function bench(): void {
  const TXNS = 200_000;
  const [small, genSmallMs] = time(() => syntheticTrace(TXNS / 4));
  const [big, genMs] = time(() => syntheticTrace(TXNS));
  console.log(`synthetic traces: ${small.length.toLocaleString('en-US')} and ${big.length.toLocaleString('en-US')} records (built in ${Math.round(genSmallMs + genMs)} ms)`);
  const [, dSmall] = time(() => decode(small));
  const [, dBig] = time(() => decode(big));
  console.log(`decode                    ${rate(big.length, dBig).padStart(22)}   x${(dBig / dSmall).toFixed(1)} for 4x records`);
  let total = dBig;
  const opts = { healedAt: 0, ensembleSize: 3 };
  // Warm-up (JIT) on the small trace, with another violation cap so cached passes are redone.
  for (const check of Object.values(CHECKERS)) check(small, { ...opts, maxViolations: 99 });
  for (const [name, check] of Object.entries(CHECKERS)) {
    const [, a] = time(() => check(small, opts));
    const [r, b] = time(() => check(big, opts));
    total += b;
    console.log(`${name.padEnd(25)} ${rate(big.length, b).padStart(22)}   x${(b / a).toFixed(1)} for 4x records   ${r.ok ? 'ok' : `VIOLATED: ${r.violations[0]?.message}`}${r.note ? ` (${r.note})` : ''}`);
  }
  console.log(`all checkers on ${big.length.toLocaleString('en-US')} records: ${(total / 1000).toFixed(1)} s`);
}
