/**
 * Fuzz: many connections send random and mutated packets to a served server for a bounded time
 * (seeded), while a well-formed client keeps writing. The server must keep answering that client
 * promptly, must not crash, and must not lose a write it acknowledged. The same run is shown
 * failing on a planted defect (a server that drops every client's connection when one goes).
 * Targets: the gateway's in-memory test server, and the real `npm run serve` process (a 3-server
 * ensemble and a standalone server), which must also still be running afterwards and stop cleanly
 * on SIGTERM (exit 0).
 *
 * Knobs (environment): ZABSIM_WIRE_FUZZ_MS (default 3000) how long the fuzzers run,
 * ZABSIM_WIRE_FUZZ_SEED (default 14) the seed of the packets.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { JuteWriter } from '../../../conformance/real/jute.ts';
import { ZkSession } from '../../../conformance/real/client.ts';
import { fourLetterWord } from '../../../conformance/real/fourlw.ts';
import { OpCode } from '../../../protocol/request/types.ts';
import { connectFrame, exchange, requestFrame } from './testing/raw.ts';
import type { ConnId, Message, NodeId } from '../../../protocol/contract.ts';
import type { ServerPort } from './gateway.ts';
import { startSingleServer, type SingleServerOptions } from './testing/singleServer.ts';
import { startServed } from '../../../cli/testing/served.ts';

const FUZZ_MS = Number(process.env['ZABSIM_WIRE_FUZZ_MS'] ?? 3000);
const SEED = process.env['ZABSIM_WIRE_FUZZ_SEED'] ?? '14';
const FUZZERS = 12;

const OPEN = [{ perms: 31, scheme: 'world', id: 'anyone' }];
const acl = (w: JuteWriter): JuteWriter => w.vector(OPEN, (x, a) => void x.int(a.perms).ustring(a.scheme).ustring(a.id));

/** Well-formed request frames of many opcodes, on paths under /j (the seeds mutations start from). */
function seeds(): Buffer[] {
  const w = (): JuteWriter => new JuteWriter();
  const out: Buffer[] = [
    requestFrame(1, OpCode.create, acl(w().ustring('/j').buffer(Buffer.from('x'))).int(0).toBuffer()),
    requestFrame(2, OpCode.create2, acl(w().ustring('/j/s').buffer(null)).int(3).toBuffer()),
    requestFrame(3, OpCode.createTTL, acl(w().ustring('/j/t').buffer(null)).int(5).long(100n).toBuffer()),
    requestFrame(4, OpCode.createContainer, acl(w().ustring('/j/c').buffer(null)).int(4).toBuffer()),
    requestFrame(5, OpCode.setData, w().ustring('/j').buffer(Buffer.from('y')).int(-1).toBuffer()),
    requestFrame(6, OpCode.getData, w().ustring('/j').bool(true).toBuffer()),
    requestFrame(7, OpCode.getChildren2, w().ustring('/j').bool(true).toBuffer()),
    requestFrame(8, OpCode.exists, w().ustring('/j/x').bool(true).toBuffer()),
    requestFrame(9, OpCode.delete, w().ustring('/j/s').int(-1).toBuffer()),
    requestFrame(10, OpCode.setACL, acl(w().ustring('/j')).int(-1).toBuffer()),
    requestFrame(11, OpCode.getACL, w().ustring('/j').toBuffer()),
    requestFrame(12, OpCode.sync, w().ustring('/j').toBuffer()),
    requestFrame(13, OpCode.addWatch, w().ustring('/j').int(1).toBuffer()),
    requestFrame(14, OpCode.removeWatches, w().ustring('/j').int(3).toBuffer()),
    requestFrame(15, OpCode.checkWatches, w().ustring('/j').int(2).toBuffer()),
    requestFrame(16, OpCode.getEphemerals, w().ustring('/j').toBuffer()),
    requestFrame(17, OpCode.getAllChildrenNumber, w().ustring('/j').toBuffer()),
    requestFrame(-8, OpCode.setWatches2, w().long(0n).vector(['/j'], (x, p) => void x.ustring(p)).vector([], () => {}).vector([], () => {}).vector([], () => {}).vector([], () => {}).toBuffer()),
    requestFrame(-4, OpCode.auth, w().int(0).ustring('digest').buffer(Buffer.from('u:p')).toBuffer()),
    requestFrame(-2, OpCode.ping),
  ];
  const multi = w();
  multi.int(OpCode.create).bool(false).int(-1);
  acl(multi.ustring('/j/m').buffer(null)).int(0);
  multi.int(OpCode.check).bool(false).int(-1).ustring('/j').int(-1);
  multi.int(OpCode.delete).bool(false).int(-1).ustring('/j/m').int(-1);
  multi.int(-1).bool(true).int(-1);
  out.push(requestFrame(18, OpCode.multi, multi.toBuffer()));
  return out;
}

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** One mutation of a well-formed frame: flip bytes, cut it, lie about its length, swap its opcode. */
function mutate(rng: Rng, f: Buffer): Buffer {
  const b = Buffer.from(f);
  switch (int(rng, 6)) {
    case 0:
      for (let k = 0; k < 1 + int(rng, 4); k++) b[int(rng, b.length)] = int(rng, 256);
      return b;
    case 1: {
      // Cut the body but keep a consistent length prefix (a truncated record).
      const cut = b.subarray(0, 12 + int(rng, Math.max(1, b.length - 12)));
      const c = Buffer.from(cut);
      c.writeInt32BE(c.length - 4, 0);
      return c;
    }
    case 2:
      b.writeInt32BE(int(rng, 2) === 0 ? -1 - int(rng, 1000) : 0x100000 + int(rng, 1000), 0);
      return b;
    case 3:
      if (b.length >= 12) b.writeInt32BE(int(rng, 3) === 0 ? int(rng, 200) - 20 : [22, 107, 16, 102, -10, -11, 20][int(rng, 7)]!, 8);
      return b;
    case 4:
      // A vector or string length inside the body made huge or negative.
      if (b.length >= 16) b.writeInt32BE(int(rng, 2) === 0 ? 0x7fffffff : -2 - int(rng, 5), 12 + 4 * int(rng, Math.max(1, (b.length - 16) >> 2)));
      return b;
    default:
      return b;
  }
}

/** What one fuzz connection sends. */
function fuzzChunks(rng: Rng, base: readonly Buffer[]): Buffer[] {
  const kind = int(rng, 6);
  if (kind === 0) return [Buffer.from(Array.from({ length: 1 + int(rng, 64) }, () => int(rng, 256)))];
  if (kind === 1) return [Buffer.from(['ruok', 'srvr', 'stat', 'mntr', 'dump', 'ruo', 'kill'][int(rng, 7)]!)];
  if (kind === 2) return [connectFrame().subarray(0, int(rng, 45))]; // stall mid-handshake
  const frames: Buffer[] = [connectFrame({ timeoutMs: 4000 + int(rng, 8000), oldClient: int(rng, 4) === 0 })];
  for (let k = 0; k < 1 + int(rng, 12); k++) {
    const seed = base[int(rng, base.length)]!;
    frames.push(kind === 3 ? seed : mutate(rng, seed));
  }
  if (kind === 5) frames.push(base[0]!.subarray(0, 6)); // then stall mid-packet
  return frames;
}

interface Verdict {
  readonly problems: string[];
  readonly sent: number;
  readonly acked: number;
  readonly worstMs: number;
}

/** One fuzz run against a fresh served server; what went wrong, in words (empty = all held). */
/** A served server or ensemble: the good client uses the first port, fuzzers pick any. */
interface Target {
  readonly host: string;
  readonly ports: readonly number[];
  /** Stops it; what went wrong in stopping (empty or nothing = all held). */
  stop(): Promise<string[] | void>;
}

/** `npm run serve` as a child process: still running after the fuzz, exit 0 on SIGTERM.
 *  `plantCrashAfterMs`: a planted defect, the process dies (SIGKILL) that long into the fuzz. */
async function served(args: readonly string[], plantCrashAfterMs?: number): Promise<Target> {
  const s = await startServed(args);
  if (plantCrashAfterMs !== undefined) setTimeout(() => process.kill(s.pid, 'SIGKILL'), plantCrashAfterMs);
  const [host] = s.addresses[0]!.split(':');
  return {
    host: host!,
    ports: s.addresses.map((a) => Number(a.split(':')[1])),
    stop: async () => {
      const problems = s.alive() ? [] : [`serve exited during the fuzz:\n${s.err()}`];
      const code = await s.stop();
      if (code !== 0) problems.push(`serve exited ${code} on SIGTERM`);
      if (/^serve: /m.test(s.err())) problems.push(`serve reported: ${s.err().trim()}`);
      return problems;
    },
  };
}

async function single(opts: SingleServerOptions): Promise<Target> {
  const s = await startSingleServer({ ...opts, listen: { sessionlessTimeoutMs: 1000 } });
  return { host: s.host, ports: [s.port], stop: () => s.stop() };
}

async function fuzzRun(start: () => Promise<Target>, ms: number, seed: string): Promise<Verdict> {
  const t = await start();
  const s = { host: t.host, port: t.ports[0]! };
  const problems: string[] = [];
  const rng = seedrandom(seed);
  const base = seeds();
  let sent = 0;
  const acked: string[] = [];
  let worstMs = 0;
  try {
    const good = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000, requestTimeoutMs: 10_000 });
    const mk = (p: string, d: string): JuteWriter => acl(new JuteWriter().ustring(p).buffer(Buffer.from(d))).int(0);
    if ((await good.request(OpCode.create, mk('/fuzz', ''))).err !== 0) problems.push('could not create /fuzz');
    const until = Date.now() + ms;
    const fuzzers = Array.from({ length: FUZZERS }, async () => {
      while (Date.now() < until) {
        await exchange(t.ports[int(rng, t.ports.length)]!, fuzzChunks(rng, base), 50 + int(rng, 200));
        sent++;
      }
    });
    const writer = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const t0 = Date.now();
        const r = await good.request(OpCode.create, mk(`/fuzz/k${i}`, `v${i}`));
        worstMs = Math.max(worstMs, Date.now() - t0);
        if (r.err !== 0) throw new Error(`create /fuzz/k${i}: error ${r.err}`);
        acked.push(`k${i}`);
      }
    })().catch((e: Error) => void problems.push(`the good client was not served: ${e.message}`));
    await Promise.all([writer, ...fuzzers]);
    // Served throughout: no write of the good client waited anywhere near its session timeout.
    if (worstMs >= 5000) problems.push(`a write of the good client took ${worstMs} ms`);
    // Nothing acknowledged is lost, and the server still answers new clients and 4lw.
    const check = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000 });
    for (const k of acked) {
      const r = await check.request(OpCode.getData, new JuteWriter().ustring(`/fuzz/${k}`).bool(false));
      if (r.err !== 0 || r.body.buffer()?.toString() !== `v${k.slice(1)}`) problems.push(`acknowledged /fuzz/${k} lost (error ${r.err})`);
    }
    await check.closeSession();
    if (!good.closed) await good.closeSession();
    // srvr: the one word 3.8's default whitelist (which serve keeps) allows.
    const srvr = await fourLetterWord(s.host, s.port, 'srvr');
    if (!/^Zookeeper version: .*\nMode: (standalone|leader|follower)$/ms.test(srvr)) problems.push(`srvr did not answer as a serving server: ${srvr}`);
  } catch (e) {
    problems.push(`the server stopped answering: ${(e as Error).message}`);
  } finally {
    problems.push(...((await t.stop()) ?? []));
  }
  return { problems, sent, acked: acked.length, worstMs };
}

/** Planted defect: every client's connection is dropped when any one closes (a close fanned out:
 *  the server forgets them all and their sockets are closed). */
const dropEveryoneOnClose = (inner: ServerPort): ServerPort => {
  const live = new Map<ConnId, () => void>();
  return {
    serverId: inner.serverId,
    connect: (from: NodeId, conn: ConnId, onMsg: (m: Message) => void, onClose: () => void) => {
      live.set(conn, onClose);
      inner.connect(from, conn, onMsg, onClose);
    },
    deliver: (conn: ConnId, msg: Message) => inner.deliver(conn, msg),
    disconnected: (conn: ConnId) => {
      live.delete(conn);
      inner.disconnected(conn);
      for (const [other, close] of [...live]) {
        live.delete(other);
        inner.disconnected(other);
        close();
      }
    },
    status: () => inner.status(),
  };
};

describe('wire fuzz', () => {
  it(`${FUZZERS} connections of random and mutated packets for ${FUZZ_MS} ms: a good client is served, no acknowledged write is lost`, async () => {
    const v = await fuzzRun(() => single({}), FUZZ_MS, SEED);
    expect(v.problems).toEqual([]);
    expect(v.sent).toBeGreaterThan(FUZZERS);
    expect(v.acked).toBeGreaterThan(10);
  }, 60_000 + FUZZ_MS);

  it(`the same against npm run serve -- --servers 3 (a child process; fuzzers on every server, the good client on the first) for ${FUZZ_MS} ms: still running, exit 0 on SIGTERM`, async () => {
    const v = await fuzzRun(() => served(['--servers', '3']), FUZZ_MS, SEED);
    expect(v.problems).toEqual([]);
    expect(v.acked).toBeGreaterThan(10);
  }, 90_000 + FUZZ_MS);

  it(`the same against npm run serve -- --servers 1 (standalone) for ${FUZZ_MS} ms`, async () => {
    const v = await fuzzRun(() => served(['--servers', '1']), FUZZ_MS, SEED);
    expect(v.problems).toEqual([]);
    expect(v.acked).toBeGreaterThan(10);
  }, 90_000 + FUZZ_MS);

  it('fails a planted defect: a serve process that dies during the fuzz', async () => {
    const v = await fuzzRun(() => served(['--servers', '1'], 300), 1000, SEED);
    expect(v.problems.some((p) => p.startsWith('serve exited during the fuzz'))).toBe(true);
    expect(v.problems).toContain('serve exited null on SIGTERM');
  }, 60_000);

  it('fails a planted defect: a server that drops every client when one connection goes', async () => {
    const v = await fuzzRun(() => single({ wrap: dropEveryoneOnClose }), 1000, SEED);
    expect(v.problems.some((p) => p.startsWith('the good client was not served'))).toBe(true);
  }, 60_000);
});
