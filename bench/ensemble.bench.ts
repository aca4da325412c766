/**
 * Ensemble throughput: 5 servers, 10 clients writing 1,000 times per virtual second in total for
 * 60 virtual seconds, with one leader crash at 30 s. Prints committed writes per wall second,
 * protocol events per wall second, and virtual/wall time ratio — with the real DataTree (trace off,
 * then the default trace: records retained, digest taken, nodes' own trace events on) and with the
 * opaque stand-in (replication machinery alone). Per-CPU-second figures are printed
 * too: on a shared machine wall time mostly measures the neighbours. Figures only, no assertions.
 */
import { Ensemble } from '../ensemble/ensemble.ts';
import type { BackendFactory } from '../protocol/server/backend.ts';
import { dataBackend } from '../protocol/server/dataBackend.ts';
import { opaqueBackend } from '../protocol/server/opaqueBackend.ts';
import { Err } from '../protocol/request/errors.ts';

const VIRTUAL_S = Number(process.env['ENSEMBLE_BENCH_SECONDS'] ?? 60);
const RATE = 1000;

function run(label: string, backend: BackendFactory, traced = false): void {
  // Untraced: the kernel records nothing, so nodes are told not to build trace effects either.
  // Traced: what an exploration run pays (harness/run.ts): every record kept, the digest taken.
  const c = Ensemble.simulate({
    servers: 5,
    clients: 10,
    seed: 42,
    backend,
    cfg: { quiet: !traced },
    client: { quiet: !traced },
    sim: { trace: traced ? {} : { off: true } },
  });
  c.runUntil(() => c.settled(), 10_000);
  for (const id of c.clientIds) c.sim.request(id, { op: 'connect' });
  c.runFor(500);
  // Each client owns one znode and overwrites it (a config/counter style workload).
  for (const id of c.clientIds) c.sim.request(id, { op: 'create', path: `/${id}`, data: '' });
  c.runFor(500);
  let acked = 0;
  let failed = 0;
  c.sim.onReply((node, _id, result) => {
    if (!node.startsWith('c')) return;
    const r = result as { op?: string; rc?: number };
    if (r.op !== 'setData') return;
    if (r.rc === Err.OK) acked++;
    else failed++;
  });
  const start = c.sim.now;
  const intervalUs = 1_000_000 / RATE;
  let n = 0;
  const total = VIRTUAL_S * RATE;
  const tick = () => {
    if (n >= total) return;
    const client = c.clientIds[n % c.clientIds.length]!;
    c.sim.request(client, { op: 'setData', path: `/${client}`, data: String(n), version: -1 });
    n++;
    c.sim.after(intervalUs, tick);
  };
  c.sim.after(0, tick);
  c.sim.after((VIRTUAL_S / 2) * 1_000_000, (sim) => {
    const l = c.leader();
    if (l) sim.crash(l.id);
  });
  const eventsBefore = c.sim.stats.events;
  const w0 = performance.now();
  const cpu0 = process.cpuUsage();
  c.sim.run({ until: start + (VIRTUAL_S + 5) * 1_000_000 });
  const digest = c.sim.trace.sha256(); // lazy hashing of retained records is part of the cost
  const wallS = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const events = c.sim.stats.events - eventsBefore;
  const virtualS = (c.sim.now - start) / 1_000_000;
  console.log(`-- ${label}`);
  console.log(`writes issued ${n}, acknowledged ${acked}, failed ${failed} (leader crash at ${VIRTUAL_S / 2} s)`);
  console.log(`committed writes / wall s: ${Math.round(acked / wallS)}  (per cpu s: ${Math.round(acked / cpuS)})`);
  console.log(`protocol events / wall s:  ${Math.round(events / wallS)}  (per cpu s: ${Math.round(events / cpuS)}; ${events} events, ${(events / Math.max(1, acked)).toFixed(1)} per write)`);
  console.log(`virtual / wall time:       ${(virtualS / wallS).toFixed(1)}x  (${virtualS.toFixed(1)} s in ${wallS.toFixed(2)} s wall, ${cpuS.toFixed(2)} s cpu)`);
  if (traced) console.log(`trace:                     ${c.sim.trace.length} records, digest ${digest.slice(0, 16)}…`);
}

export default async function ensembleBench(): Promise<void> {
  run('DataTree backend (znodes, prep, watches)', dataBackend());
  run('DataTree backend, default trace (hash + retain)', dataBackend(), true);
  run('opaque backend (replication machinery only)', opaqueBackend);
}
