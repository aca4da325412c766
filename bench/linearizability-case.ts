/**
 * One generated cas-register history checked in a process of its own, so that its peak memory
 * (maxRSS) is its own: `node --import tsx bench/linearizability-case.ts PROCESSES OPS VIOLATION`
 * prints one JSON line. Run by linearizability.bench.ts.
 */
import { generateCasHistory } from '../checkers/linearizability/cas-history-gen.ts';
import { findModel } from '../checkers/linearizability/registry.ts';

const [processes, ops, violation] = process.argv.slice(2).map(Number) as [number, number, number];
const text = generateCasHistory({ processes, ops, seed: `bench-${processes}-${ops}`, ...(violation ? { violation: 0.9 } : {}) });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = findModel('cas-register')!.check(text, 'generated', {}, { initial: 0 });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    verdict: r.verdict,
    reason: r.reason,
    steps: r.steps,
    memo: r.parts.reduce((n, p) => n + p.cacheEntries, 0),
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
