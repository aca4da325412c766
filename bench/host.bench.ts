/**
 * The Node host (`hosts/node/`): a real 3-server ensemble on 127.0.0.1 with fsynced files. Prints
 * the time to a ready cluster, committed writes per second from in-process clients (each client
 * keeps `DEPTH` creates in flight; every write is fsynced on a quorum before it is acknowledged),
 * their latency percentiles, and the time to a new leader after killing the leader; then the same
 * for a standalone server (1 server: no election, a write fsynced once). Figures only: this
 * machine's disk and neighbours decide them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../hosts/node/cluster.ts';

const SECONDS = Number(process.env['HOST_BENCH_SECONDS'] ?? 5);
const CLIENTS = 4;
const DEPTH = 8;

/** `CLIENTS` x `DEPTH` creates in flight for `SECONDS`: one line of figures. */
async function writeLoad(zk: Cluster): Promise<string> {
  const clients = Array.from({ length: CLIENTS }, (_, i) => `c${i + 1}`);
  for (const c of clients) await zk.host.request(c, { op: 'connect' });
  const lat: number[] = [];
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const worker = async (c: string, k: number): Promise<void> => {
    while (performance.now() < end) {
      const t = performance.now();
      const r = (await zk.host.request(c, { op: 'create', path: `/${c}-${k}-${n++}`, data: 'x' })) as { rc: number };
      if (r.rc === 0) lat.push(performance.now() - t);
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: DEPTH }, (_, k) => worker(c, k))));
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  lat.sort((a, b) => a - b);
  const pct = (p: number): string => (lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN).toFixed(1);
  return (
    `writes: ${lat.length} committed in ${wall.toFixed(1)} s = ${(lat.length / wall).toFixed(0)}/s wall, ${(lat.length / cpuS).toFixed(0)}/cpu-s ` +
    `(${CLIENTS} clients x ${DEPTH} in flight); latency ms p50 ${pct(0.5)} p99 ${pct(0.99)} max ${pct(1)}`
  );
}

export default async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-host-bench-'));
  try {
    const t0 = performance.now();
    const zk = await startCluster({ servers: 3, clients: CLIENTS, dataDir: join(dir, 'three') });
    console.log(`ready: ${(performance.now() - t0).toFixed(0)} ms (3 servers, FLE finalize wait 200 ms)`);
    console.log(await writeLoad(zk));
    const old = zk.leader()!;
    const tk = performance.now();
    await zk.kill(old);
    await zk.host.waitFor(() => zk.leader() !== null, 30_000);
    console.log(`leader killed -> new leader s${zk.leader()} in ${(performance.now() - tk).toFixed(0)} ms`);
    const mem = process.memoryUsage();
    console.log(`memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
    await zk.close();
    const t1 = performance.now();
    const one = await startCluster({ servers: 1, clients: CLIENTS, dataDir: join(dir, 'standalone') });
    console.log(`standalone ready: ${(performance.now() - t1).toFixed(0)} ms (no election)`);
    console.log(`standalone ${await writeLoad(one)}`);
    await one.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
