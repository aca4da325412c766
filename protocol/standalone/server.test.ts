import { describe, expect, it } from 'vitest';
import { StandaloneServer } from './server.ts';
import { OPEN_ACL_UNSAFE, type CreateRequest } from '../request/types.ts';

const mk = (path: string, extra: Partial<CreateRequest> = {}): CreateRequest => ({
  op: 'create', opcode: 'create2', path, data: '', acl: OPEN_ACL_UNSAFE, flags: 0, ...extra,
});

describe('StandaloneServer on virtual time', () => {
  it('containers go once emptied (one level per check), never-used ones stay; each removal is a txn', () => {
    const s = new StandaloneServer({ containerCheckIntervalMs: 500, extendedTypesEnabled: true });
    const { sessionId: a } = s.openSession(10000);
    s.request(a, mk('/c', { opcode: 'createContainer', flags: 4 }));
    s.request(a, mk('/c/n', { opcode: 'createContainer', flags: 4 }));
    s.request(a, mk('/c/n/k'));
    s.request(a, mk('/never', { opcode: 'createContainer', flags: 4 }));
    s.request(a, { op: 'delete', path: '/c/n/k', version: -1 });
    const z = s.lastZxid;
    s.advanceTo(s.now + 500);
    expect(s.tree.getNode('/c/n')).toBeUndefined();
    expect(s.tree.getNode('/c')).toBeDefined(); // it still had /c/n when the pass looked
    expect(s.lastZxid).toBe(z + 1);
    s.advanceTo(s.now + 500);
    expect(s.tree.getNode('/c')).toBeUndefined();
    s.advanceTo(s.now + 60_000);
    expect(s.tree.getNode('/never')).toBeDefined();
  });

  it('maxNeverUsedIntervalMs removes never-used containers after that long', () => {
    const s = new StandaloneServer({ containerCheckIntervalMs: 1000, maxNeverUsedIntervalMs: 5000 });
    const { sessionId: a } = s.openSession(10000);
    s.request(a, mk('/c', { opcode: 'createContainer', flags: 4 }));
    s.advanceTo(5000);
    expect(s.tree.getNode('/c')).toBeDefined();
    s.advanceTo(6000);
    expect(s.tree.getNode('/c')).toBeUndefined();
  });

  it('TTL nodes expire when childless and now - mtime > ttl; setData resets the clock', () => {
    const s = new StandaloneServer({ containerCheckIntervalMs: 100, extendedTypesEnabled: true });
    const { sessionId: a } = s.openSession(10000);
    s.request(a, mk('/t', { opcode: 'createTTL', flags: 5, ttl: 1000 }));
    s.advanceTo(800);
    s.request(a, { op: 'setData', path: '/t', data: '', version: -1 }); // mtime = 800
    s.advanceTo(1800);
    expect(s.tree.getNode('/t')).toBeDefined(); // 1800 - 800 is not > 1000
    s.advanceTo(1900);
    expect(s.tree.getNode('/t')).toBeUndefined();
    expect(s.request(a, mk('/t2', { opcode: 'createTTL', flags: 5, ttl: 10 })).reply.rc).toBe(0);
    expect(new StandaloneServer().openSession(10000).sessionId).toBeDefined();
    const off = new StandaloneServer({ extendedTypesEnabled: false });
    const { sessionId: b } = off.openSession(10000);
    expect(off.request(b, mk('/t', { opcode: 'createTTL', flags: 5, ttl: 10 })).reply.rc).toBe(-6);
  });

  it('an abandoned session expires on its bucket: one closeSession txn removes its ephemerals', () => {
    const s = new StandaloneServer({ tickTimeMs: 2000 });
    const { sessionId: w } = s.openSession(10000);
    const { sessionId: e } = s.openSession(4000);
    s.request(e, mk('/eph1', { flags: 1 }));
    s.request(e, mk('/eph2', { flags: 1 }));
    s.request(w, { op: 'exists', path: '/eph1', watch: true });
    s.advanceTo(1000);
    s.abandon(e); // last touch at 1000: expires at bucket 6000
    const z = s.lastZxid;
    expect(s.advanceTo(5999)).toEqual([]);
    expect(s.tree.getNode('/eph1')).toBeDefined();
    const events = s.advanceTo(6000);
    expect(s.tree.getNode('/eph1')).toBeUndefined();
    expect(s.tree.getNode('/eph2')).toBeUndefined();
    expect(s.lastZxid).toBe(z + 1);
    expect(events).toEqual([{ sessionId: w, type: 2, path: '/eph1' }]);
    // the connected session did not expire
    expect(s.tracker.checkSession(w)).toBe(0);
  });

  it('oversized requests lose the connection (jute.maxbuffer); unknown auth schemes fail and close', () => {
    const s = new StandaloneServer();
    const { sessionId: a } = s.openSession(10000);
    const ok = Buffer.alloc(1048524).toString('base64');
    const big = Buffer.alloc(1048525).toString('base64');
    expect(s.request(a, mk('/big', { data: ok })).reply.rc).toBe(0);
    const z = s.lastZxid;
    expect(s.request(a, mk('/big2', { data: big })).reply.rc).toBe(-4);
    expect(s.lastZxid).toBe(z);
    expect(s.request(a, { op: 'addAuth', scheme: 'digest', auth: 'u:p' }).reply.rc).toBe(0);
    const r = s.request(a, { op: 'addAuth', scheme: 'nosuch', auth: 'x' });
    expect(r.reply.rc).toBe(-115);
    expect(r.connectionClosed).toBe(true);
    expect(s.isConnected(a)).toBe(false);
  });

  it('super digest bypasses ACLs; getACL masks digest ids without ADMIN', () => {
    const s = new StandaloneServer({ superDigest: 'super:lK75jTNcA+U9vtVEw5vB51mj/w4=' });
    const { sessionId: a } = s.openSession(10000);
    const { sessionId: b } = s.openSession(10000);
    s.request(a, { op: 'addAuth', scheme: 'digest', auth: 'fox:123456' });
    s.request(a, mk('/x', { acl: [{ scheme: 'auth', id: '', perms: 1 | 16 }, { scheme: 'world', id: 'anyone', perms: 1 }] }));
    expect(s.request(a, { op: 'getACL', path: '/x' }).reply.acl![0]!.id).toBe('fox:ZsWwgmtnTnx1usRF1voHFJAYGQU=');
    expect(s.request(b, { op: 'getACL', path: '/x' }).reply.acl![0]!.id).toBe('fox:x');
    expect(s.request(b, { op: 'setData', path: '/x', data: '', version: -1 }).reply.rc).toBe(-102);
    s.request(b, { op: 'addAuth', scheme: 'digest', auth: 'super:secret' });
    expect(s.request(b, { op: 'setData', path: '/x', data: '', version: -1 }).reply.rc).toBe(0);
  });
});
