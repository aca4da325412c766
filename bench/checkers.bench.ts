/**
 * Trace checkers: records per second for each checker on a synthetic healthy trace (3 servers,
 * 200,000 txns, about 3.4 million records), and how the time grows from 1/4 of the trace to all of
 * it (about x4 means linear). Checkers that share a pass (the six delivery checks, the three
 * ephemeral and three client-order checks) show its cost under the first of them; the others hit
 * the cache. Prints figures only; on a loaded machine GC makes the big run look worse than linear.
 */
import { CHECKERS } from '../checkers/index.ts';
import { decode } from '../trace/view.ts';
import { syntheticTrace } from '../checkers/testing/synthetic.ts';

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / Math.max(ms, 0.001)) * 1000).toLocaleString('en-US')} rec/s`;
}

/** Times decode and every checker on one trace; the trace is dropped afterwards. */
function measure(txns: number): { records: number; ms: Map<string, number>; verdict: Map<string, string> } {
  const trace = syntheticTrace(txns);
  const ms = new Map<string, number>();
  const verdict = new Map<string, string>();
  ms.set('decode', time(() => decode(trace))[1]);
  const opts = { healedAt: 0, ensembleSize: 3 };
  for (const [name, check] of Object.entries(CHECKERS)) {
    const [r, t] = time(() => check(trace, opts));
    ms.set(name, t);
    verdict.set(name, r.ok ? 'ok' : `VIOLATED: ${r.violations[0]?.message}`);
  }
  return { records: trace.length, ms, verdict };
}

export default function bench(): void {
  const TXNS = 200_000;
  measure(5_000); // JIT warm-up
  const small = measure(TXNS / 4);
  const big = measure(TXNS);
  console.log(`synthetic traces: ${small.records.toLocaleString('en-US')} and ${big.records.toLocaleString('en-US')} records`);
  let total = 0;
  for (const [name, t] of big.ms) {
    total += t;
    const ratio = t / Math.max(small.ms.get(name)!, 0.001);
    const figures = t < 1 ? '(shared pass, cached)'.padEnd(51) : `${rate(big.records, t).padStart(20)}  ${Math.round(t).toString().padStart(6)} ms   x${ratio.toFixed(1)} for 4x records`;
    console.log(`${name.padEnd(25)} ${figures}   ${big.verdict.get(name) ?? ''}`);
  }
  console.log(`decode + all checkers on ${big.records.toLocaleString('en-US')} records: ${(total / 1000).toFixed(1)} s`);
}
