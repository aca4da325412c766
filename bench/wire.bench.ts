/**
 * The client port's speed: requests per second over real TCP (loopback) through the gateway to a
 * served 1-server ensemble, for pipelined reads (getData) and writes (setData), one connection and
 * several. Figures only (shared, noisy machine); CPU time is the steadier number.
 *
 *   npm run bench -- wire
 */
import { JuteWriter } from '../conformance/real/jute.ts';
import { ZkSession } from '../conformance/real/client.ts';
import { OpCode } from '../protocol/request/types.ts';
import { startSingleServer } from '../hosts/node/wire/testing/singleServer.ts';

async function load(label: string, host: string, port: number, conns: number, perConn: number, write: boolean): Promise<void> {
  const sessions = await Promise.all(Array.from({ length: conns }, () => ZkSession.connect({ host, port, timeoutMs: 10_000 })));
  const body = (): JuteWriter =>
    write ? new JuteWriter().ustring('/b').buffer(Buffer.from('x'.repeat(32))).int(-1) : new JuteWriter().ustring('/b').bool(false);
  const op = write ? OpCode.setData : OpCode.getData;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // Pipelined, 64 requests in flight per connection.
  await Promise.all(
    sessions.map(async (s) => {
      for (let done = 0; done < perConn; done += 64) {
        await Promise.all(Array.from({ length: Math.min(64, perConn - done) }, () => s.request(op, body())));
      }
    }),
  );
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const n = conns * perConn;
  console.log(
    `${label.padEnd(30)} ${Math.round(n / dt).toString().padStart(7)} req/wall-s  ${Math.round(n / cpu).toString().padStart(7)} req/cpu-s  (${n} requests, ${conns} connection${conns > 1 ? 's' : ''}; client and server in one process)`,
  );
  await Promise.all(sessions.map((s) => s.closeSession()));
}

export default async function main(): Promise<void> {
  const s = await startSingleServer();
  try {
    const setup = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000 });
    await setup.request(OpCode.create, new JuteWriter().ustring('/b').buffer(null).vector([0], (w) => void w.int(31).ustring('world').ustring('anyone')).int(0));
    await setup.closeSession();
    await load('getData, 1 connection', s.host, s.port, 1, 20_000, false);
    await load('getData, 8 connections', s.host, s.port, 8, 5_000, false);
    await load('setData, 1 connection', s.host, s.port, 1, 10_000, true);
    await load('setData, 8 connections', s.host, s.port, 8, 2_500, true);
  } finally {
    await s.stop();
  }
}
