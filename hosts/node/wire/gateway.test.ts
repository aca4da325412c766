/**
 * The client port answers bad and unusual input as a real ZooKeeper 3.8.0 does (each expectation
 * below was recorded from Debian's 3.8.0 with raw sockets): the handshake variants, session
 * passwords, reserved xids, unknown opcodes, unreadable bodies, oversized and stalled frames, and
 * the four-letter words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JuteWriter } from '../../../conformance/real/jute.ts';
import { ZkSession } from '../../../conformance/real/client.ts';
import { fourLetterWord } from '../../../conformance/real/fourlw.ts';
import { Err } from '../../../protocol/request/errors.ts';
import { OpCode } from '../../../protocol/request/types.ts';
import { sessionPasswd } from './passwd.ts';
import { connectFrame, exchange, readConnectResponse, readReply, requestFrame } from './testing/raw.ts';
import { startSingleServer, type StartedServer } from './testing/singleServer.ts';

let s: StartedServer;
beforeAll(async () => {
  s = await startSingleServer({ listen: { sessionlessTimeoutMs: 400 } });
});
afterAll(async () => {
  await s?.stop();
});

describe('session passwords', () => {
  it('derives them as 3.8 does (java.util.Random seeded with id ^ 0xB3415C00)', () => {
    // Recorded from a real 3.8.0: session 0x10000905baf000c got this password.
    expect(sessionPasswd(0x10000905baf000cn).toString('hex')).toBe('0862171af4eec164b87fcecec92c522c');
  });

  it('a reconnect with the right password keeps the session; a wrong one gets timeout 0 and a close', async () => {
    const a = await exchange(s.port, [connectFrame()], 10_000, 1);
    const first = readConnectResponse(a.frames[0]!);
    expect(first.timeoutMs).toBe(10_000);
    expect(first.readOnly).toBe(false);
    expect(first.passwd).toEqual(sessionPasswd(first.sessionId));
    const ok = await exchange(s.port, [connectFrame({ sessionId: first.sessionId, passwd: first.passwd })], 10_000, 1);
    expect(readConnectResponse(ok.frames[0]!)).toMatchObject({ sessionId: first.sessionId, timeoutMs: 10_000 });
    const bad = await exchange(s.port, [connectFrame({ sessionId: first.sessionId, passwd: Buffer.alloc(16, 1) })], 10_000);
    expect(readConnectResponse(bad.frames[0]!)).toMatchObject({ sessionId: 0n, timeoutMs: 0, passwd: Buffer.alloc(16) });
    expect(bad.closed).toBe(true);
  });

  it('an old client (no readOnly byte) gets a response without one', async () => {
    const x = await exchange(s.port, [connectFrame({ oldClient: true })], 10_000, 1);
    expect(x.frames[0]!.length).toBe(36);
    expect(readConnectResponse(x.frames[0]!).readOnly).toBeUndefined();
  });
});

describe('reserved xids and local answers', () => {
  it('auth replies carry xid -4 and zxid 0; pings xid -2 and the last zxid', async () => {
    const auth = new JuteWriter().int(0).ustring('digest').buffer(Buffer.from('a:b')).toBuffer();
    const x = await exchange(s.port, [connectFrame(), requestFrame(-4, OpCode.auth, auth), requestFrame(-2, OpCode.ping)], 10_000, 3);
    const a = readReply(x.frames[1]!);
    expect([a.xid, a.zxid, a.err]).toEqual([-4, 0n, 0]);
    const p = readReply(x.frames[2]!);
    expect([p.xid, p.err]).toEqual([-2, 0]);
    expect(p.zxid).toBe(BigInt(s.server.status().lastProcessedZxid));
    expect(x.closed).toBe(false);
  });

  it('an unknown opcode: UNIMPLEMENTED with zxid -1, then the connection closes', async () => {
    const x = await exchange(s.port, [connectFrame(), requestFrame(5, 999)], 10_000);
    const r = readReply(x.frames[1]!);
    expect([r.xid, r.zxid, r.err]).toEqual([5, -1n, Err.UNIMPLEMENTED]);
    expect(x.closed).toBe(true);
  });

  it('a body that cannot be read: MARSHALLINGERROR, and the connection stays', async () => {
    const x = await exchange(s.port, [connectFrame(), requestFrame(5, OpCode.getData, Buffer.from([0, 0, 0, 9, 47]))], 10_000, 2);
    const r = readReply(x.frames[1]!);
    expect([r.xid, r.err]).toEqual([5, Err.MARSHALLINGERROR]);
    expect(x.closed).toBe(false);
  });

  it('a local answer waits for the earlier requests of its connection (FIFO)', async () => {
    const create = new JuteWriter().ustring('/fifo').buffer(null).vector([{ perms: 31, scheme: 'world', id: 'anyone' }], (w, a) => void w.int(a.perms).ustring(a.scheme).ustring(a.id)).int(0).toBuffer();
    const x = await exchange(s.port, [connectFrame(), requestFrame(1, OpCode.create, create), requestFrame(2, OpCode.reconfig, Buffer.alloc(0))], 10_000, 3);
    expect(x.frames.slice(1).map((f) => readReply(f).xid)).toEqual([1, 2]);
    expect(readReply(x.frames[2]!).err).toBe(Err.RECONFIGDISABLED);
  });
});

describe('frames that break the connection', () => {
  it('a truncated header, a length over jute.maxbuffer, a negative length: closed, no answer', async () => {
    for (const bytes of [Buffer.from([0, 0, 0, 3, 0, 0, 0]), Buffer.from([0, 0x10, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0xfe])]) {
      const x = await exchange(s.port, [bytes], 10_000);
      expect(x.frames).toEqual([]);
      expect(x.closed).toBe(true);
    }
  });

  it('a connection stalled mid-handshake is closed after the sessionless timeout; others are served meanwhile', async () => {
    const stalled = exchange(s.port, [Buffer.from([0, 0, 0, 45, 0, 0])], 10_000);
    const z = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 10_000 });
    const r = await z.request(OpCode.exists, new JuteWriter().ustring('/').bool(false));
    expect(r.err).toBe(0);
    await z.closeSession();
    const x = await stalled;
    expect(x.closed).toBe(true);
  });
});

describe('four-letter words', () => {
  it('ruok, srvr, stat and mntr answer in 3.8 form', async () => {
    expect(await fourLetterWord(s.host, s.port, 'ruok')).toBe('imok');
    const srvr = await fourLetterWord(s.host, s.port, 'srvr');
    expect(srvr).toMatch(/^Zookeeper version: 3\.8\.0-.*\nLatency min\/avg\/max: \d+\/\d+\.\d+\/\d+\nReceived: \d+\nSent: \d+\nConnections: \d+\nOutstanding: \d+\nZxid: 0x[0-9a-f]+\nMode: standalone\nNode count: \d+\n$/);
    const stat = await fourLetterWord(s.host, s.port, 'stat');
    expect(stat).toMatch(/^Zookeeper version: .*\nClients:\n \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=0,sent=0\)\n\nLatency/);
    const mntr = await fourLetterWord(s.host, s.port, 'mntr');
    expect(mntr).toMatch(/^zk_version\t3\.8\.0-.*\nzk_server_state\tstandalone\n/);
    for (const line of mntr.trimEnd().split('\n')) expect(line).toMatch(/^zk_[a-z_]+\t\S/);
  });

  it('a word outside 4lw.commands.whitelist is refused in words', async () => {
    const t = await startSingleServer({ listen: { fourLetterWords: ['srvr'] } });
    try {
      expect(await fourLetterWord(t.host, t.port, 'ruok')).toBe('ruok is not executed because it is not in the whitelist.\n');
      expect(await fourLetterWord(t.host, t.port, 'srvr')).toMatch(/^Zookeeper version/);
    } finally {
      await t.stop();
    }
  });
});
