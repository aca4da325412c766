/**
 * Real clients on an in-memory 3-server ensemble: a session moves between servers with its
 * password (the follower revalidates it with the leader), its ephemeral node stays, a wrong
 * password is refused on any server, and four-letter words name each server's role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JuteWriter } from '../../../conformance/real/jute.ts';
import { SessionExpiredError, ZkSession } from '../../../conformance/real/client.ts';
import { fourLetterWord } from '../../../conformance/real/fourlw.ts';
import { OpCode } from '../../../protocol/request/types.ts';
import { startMemoryEnsemble, type StartedEnsemble } from './testing/memoryEnsemble.ts';

let e: StartedEnsemble;
beforeAll(async () => {
  e = await startMemoryEnsemble(3);
}, 30_000);
afterAll(async () => {
  await e?.stop();
});

const OPEN = (w: JuteWriter): JuteWriter => w.vector([0], (x) => void x.int(31).ustring('world').ustring('anyone'));
const exists = (s: ZkSession, p: string) => s.request(OpCode.exists, new JuteWriter().ustring(p).bool(false));

describe('a 3-server ensemble behind the client ports', () => {
  it('a session moves to another server with its password and keeps its ephemeral; a wrong password is refused', async () => {
    const [a, b] = [e.ports[0]!, e.ports[1]!];
    const s1 = await ZkSession.connect({ host: e.host, port: a, timeoutMs: 10_000 });
    const c = await s1.request(OpCode.create, OPEN(new JuteWriter().ustring('/moved').buffer(null)).int(1));
    expect(c.err).toBe(0);
    await s1.abandon();
    const s2 = await ZkSession.connect({ host: e.host, port: b, timeoutMs: 10_000, sessionId: s1.sessionId, passwd: s1.passwd, lastZxidSeen: s1.lastZxid });
    expect(s2.sessionId).toBe(s1.sessionId);
    const r = await exists(s2, '/moved');
    expect(r.err).toBe(0);
    await expect(
      ZkSession.connect({ host: e.host, port: e.ports[2]!, timeoutMs: 10_000, sessionId: s1.sessionId, passwd: Buffer.alloc(16, 9) }),
    ).rejects.toBeInstanceOf(SessionExpiredError);
    await s2.closeSession();
    const s3 = await ZkSession.connect({ host: e.host, port: a, timeoutMs: 10_000 });
    // A read on a follower may lag the close by a commit: sync first, as a careful client would.
    await s3.request(OpCode.sync, new JuteWriter().ustring('/'));
    expect((await exists(s3, '/moved')).err).toBe(-101);
    await s3.closeSession();
  });

  it('srvr names one leader and two followers', async () => {
    const modes = await Promise.all(e.ports.map(async (p) => /^Mode: (\w+)$/m.exec(await fourLetterWord(e.host, p, 'srvr'))?.[1]));
    expect([...modes].sort()).toEqual(['follower', 'follower', 'leader']);
  });
});
