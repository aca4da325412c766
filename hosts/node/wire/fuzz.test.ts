/**
 * Fuzz: many connections send random and mutated packets to a served server for a bounded time
 * (seeded), while a well-formed client keeps writing. The server must keep answering that client
 * promptly, must not crash, and must not lose a write it acknowledged.
 *
 * Knobs (environment): ZABSIM_WIRE_FUZZ_MS (default 3000) how long the fuzzers run,
 * ZABSIM_WIRE_FUZZ_SEED (default 14) the seed of the packets.
 */
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JuteWriter } from '../../../conformance/real/jute.ts';
import { ZkSession } from '../../../conformance/real/client.ts';
import { fourLetterWord } from '../../../conformance/real/fourlw.ts';
import { OpCode } from '../../../protocol/request/types.ts';
import { connectFrame, exchange, requestFrame } from './testing/raw.ts';
import { startSingleServer, type StartedServer } from './testing/singleServer.ts';

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

let s: StartedServer;
beforeAll(async () => {
  s = await startSingleServer({ listen: { sessionlessTimeoutMs: 1000 } });
});
afterAll(async () => {
  await s?.stop();
});

describe('wire fuzz', () => {
  it(`${FUZZERS} connections of random and mutated packets for ${FUZZ_MS} ms: a good client is served, no acknowledged write is lost`, async () => {
    const rng = seedrandom(SEED);
    const base = seeds();
    const good = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000, requestTimeoutMs: 10_000 });
    const mk = (p: string, d: string): JuteWriter => acl(new JuteWriter().ustring(p).buffer(Buffer.from(d))).int(0);
    expect((await good.request(OpCode.create, mk('/fuzz', ''))).err).toBe(0);

    const until = Date.now() + FUZZ_MS;
    let sent = 0;
    const fuzzers = Array.from({ length: FUZZERS }, async () => {
      while (Date.now() < until) {
        await exchange(s.port, fuzzChunks(rng, base), 50 + int(rng, 200));
        sent++;
      }
    });
    const acked: string[] = [];
    let worstMs = 0;
    const writer = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const t0 = Date.now();
        const r = await good.request(OpCode.create, mk(`/fuzz/k${i}`, `v${i}`));
        worstMs = Math.max(worstMs, Date.now() - t0);
        expect(r.err).toBe(0);
        acked.push(`k${i}`);
      }
    })();
    await Promise.all([writer, ...fuzzers]);

    expect(sent).toBeGreaterThan(FUZZERS);
    expect(acked.length).toBeGreaterThan(10);
    // Served throughout: no write of the good client waited anywhere near its session timeout.
    expect(worstMs).toBeLessThan(5000);
    // Nothing acknowledged is lost, and the server still answers new clients and 4lw.
    const check = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000 });
    for (const k of acked) {
      const r = await check.request(OpCode.getData, new JuteWriter().ustring(`/fuzz/${k}`).bool(false));
      expect(r.err, `/fuzz/${k}`).toBe(0);
      expect(r.body.buffer()?.toString()).toBe(`v${k.slice(1)}`);
    }
    await check.closeSession();
    await good.closeSession();
    expect(await fourLetterWord(s.host, s.port, 'ruok')).toBe('imok');
  }, 60_000 + FUZZ_MS);
});
