import { describe, expect, it } from 'vitest';
import { DataTree } from '../datatree/tree.ts';
import { SessionTracker } from '../session/tracker.ts';
import { Prep } from './prep.ts';
import { generateDigest, type AuthId } from './acl.ts';
import { buildWriteReply } from './reply.ts';
import { OPEN_ACL_UNSAFE, type Acl, type CreateRequest, type Request } from './types.ts';
import type { Txn } from './txn.ts';

const IP: AuthId[] = [{ scheme: 'ip', id: '127.0.0.1' }];

function setup(opts: { extended?: boolean } = {}) {
  const tree = DataTree.create();
  const tracker = new SessionTracker({ tickTimeMs: 2000, serverId: 1 }, 0);
  const prep = new Prep(tree, tracker, { extendedTypesEnabled: opts.extended ?? true });
  const sid = tracker.createSession(10000, 0);
  let zxid = 0;
  /** prep only (the txn stays outstanding) */
  const p = (req: Request, auth: AuthId[] = IP, session = sid): Txn =>
    prep.prepRequest(req, { sessionId: session, cxid: 0, zxid: ++zxid, time: zxid, auth });
  /** commit a prepped txn */
  const commit = (txn: Txn) => {
    const r = tree.applyTxn(txn);
    prep.onCommitted(txn.hdr.zxid);
    return r;
  };
  /** prep + commit, returning the reply */
  const w = (req: Request, auth: AuthId[] = IP, session = sid) => buildWriteReply(req, commit(p(req, auth, session)), tree.lastZxid);
  return { tree, tracker, prep, sid, p, commit, w };
}

const mk = (path: string, extra: Partial<CreateRequest> = {}): CreateRequest => ({
  op: 'create', opcode: 'create2', path, data: '', acl: OPEN_ACL_UNSAFE, flags: 0, ...extra,
});
const digestAcl = (user: string, perms = 31): Acl => ({ scheme: 'digest', id: generateDigest(user), perms });

describe('prep: check order', () => {
  it('create: InvalidACL beats NoNode; BadArguments on the path only after the parent exists', () => {
    const { w } = setup();
    expect(w(mk('/missing/x', { acl: [] })).rc).toBe(-114);
    expect(w(mk('/missing/x')).rc).toBe(-101);
    expect(w(mk('/p/')).rc).toBe(-101);
    w(mk('/p'));
    expect(w(mk('/p/')).rc).toBe(-8);
    expect(w(mk('//x')).rc).toBe(-8);
    expect(w(mk('rel')).rc).toBe(-8);
    expect(w(mk('/')).rc).toBe(-110);
  });

  it('create: TTL checks come first (Unimplemented when disabled, BadArguments out of range)', () => {
    expect(setup({ extended: false }).w(mk('/missing/t', { opcode: 'createTTL', flags: 5, ttl: 10 })).rc).toBe(-6);
    const { w } = setup();
    expect(w(mk('/missing/t', { opcode: 'createTTL', flags: 5, ttl: 0 })).rc).toBe(-8);
    expect(w(mk('/t', { opcode: 'createTTL', flags: 5, ttl: 2 ** 40 })).rc).toBe(-8);
    expect(w(mk('/t', { opcode: 'createTTL', flags: 0, ttl: 5 })).rc).toBe(-8);
    expect(w(mk('/t', { flags: 99 })).rc).toBe(-8);
    expect(w(mk('/t', { opcode: 'createTTL', flags: 5, ttl: 2 ** 40 - 1 })).rc).toBe(0);
  });

  it('create: NoAuth on the parent beats NodeExists; NoChildrenForEphemerals last', () => {
    const { w } = setup();
    w(mk('/locked', { acl: [{ scheme: 'world', id: 'anyone', perms: 1 }] }));
    expect(w(mk('/locked/x')).rc).toBe(-102);
    w(mk('/e', { flags: 1 }));
    expect(w(mk('/e')).rc).toBe(-110);
    expect(w(mk('/e/x')).rc).toBe(-108);
  });

  it('delete: NoNode beats BadVersion beats NotEmpty; DELETE is checked on the parent', () => {
    const { w } = setup();
    expect(w({ op: 'delete', path: '/nope', version: 7 }).rc).toBe(-101);
    w(mk('/p'));
    w(mk('/p/c'));
    expect(w({ op: 'delete', path: '/p', version: 9 }).rc).toBe(-103);
    expect(w({ op: 'delete', path: '/p', version: 0 }).rc).toBe(-111);
    expect(w({ op: 'delete', path: '/', version: -1 }).rc).toBe(-8);
    expect(w({ op: 'delete', path: '/zookeeper/config', version: -1 }).rc).toBe(-8);
    // the node's own ACL does not matter; the parent's does
    w(mk('/open', { acl: OPEN_ACL_UNSAFE }));
    w(mk('/open/noperm', { acl: [{ scheme: 'world', id: 'anyone', perms: 0 }] }));
    expect(w({ op: 'delete', path: '/open/noperm', version: -1 }).rc).toBe(0);
    w(mk('/nodel', { acl: [{ scheme: 'world', id: 'anyone', perms: 31 - 8 }] }));
    w(mk('/nodel/c'));
    expect(w({ op: 'delete', path: '/nodel/c', version: -1 }).rc).toBe(-102);
  });

  it('setData: only -1 is a wildcard; NoAuth before BadVersion', () => {
    const { w } = setup();
    w(mk('/p'));
    expect(w({ op: 'setData', path: '/p', data: '', version: -2 }).rc).toBe(-103);
    expect(w({ op: 'setData', path: '/', data: '', version: -1 }).rc).toBe(0);
    w(mk('/ro', { acl: [{ scheme: 'world', id: 'anyone', perms: 1 }] }));
    expect(w({ op: 'setData', path: '/ro', data: '', version: 5 }).rc).toBe(-102);
  });

  it('setACL: InvalidACL, NoNode, NoAuth (ADMIN) then BadVersion; aversion bumps every time', () => {
    const { w, tree } = setup();
    expect(w({ op: 'setACL', path: '/nope', acl: [], version: -1 }).rc).toBe(-114);
    expect(w({ op: 'setACL', path: '/nope', acl: OPEN_ACL_UNSAFE, version: -1 }).rc).toBe(-101);
    w(mk('/a', { acl: [{ scheme: 'world', id: 'anyone', perms: 15 }] }));
    expect(w({ op: 'setACL', path: '/a', acl: OPEN_ACL_UNSAFE, version: 9 }).rc).toBe(-102);
    w(mk('/b'));
    expect(w({ op: 'setACL', path: '/b', acl: OPEN_ACL_UNSAFE, version: 9 }).rc).toBe(-103);
    expect(w({ op: 'setACL', path: '/b', acl: OPEN_ACL_UNSAFE, version: 0 }).rc).toBe(0);
    expect(w({ op: 'setACL', path: '/b', acl: OPEN_ACL_UNSAFE, version: -1 }).rc).toBe(0);
    expect(tree.stat('/b')!.aversion).toBe(2);
  });

  it('ACLs: auth expands to digest ids; super bypasses; ip ranges', () => {
    const { w } = setup();
    const fox: AuthId[] = [...IP, { scheme: 'digest', id: generateDigest('fox:123456') }];
    expect(w(mk('/x', { acl: [{ scheme: 'auth', id: '', perms: 31 }] })).rc).toBe(-114);
    expect(w(mk('/x', { acl: [{ scheme: 'auth', id: '', perms: 31 }] }), fox).rc).toBe(0);
    expect(w(mk('/x/c')).rc).toBe(-102);
    expect(w(mk('/x/c'), fox).rc).toBe(0);
    expect(w(mk('/x/d'), [...IP, { scheme: 'super', id: '' }]).rc).toBe(0);
    expect(w(mk('/y', { acl: [digestAcl('fox:123456')] })).rc).toBe(0);
    expect(w(mk('/y/c'), fox).rc).toBe(0);
    expect(w(mk('/n', { acl: [{ scheme: 'ip', id: '127.0.0.0/8', perms: 31 }] })).rc).toBe(0);
    expect(w(mk('/n/c')).rc).toBe(0);
    expect(w(mk('/n/d'), [{ scheme: 'ip', id: '10.1.1.1' }]).rc).toBe(-102);
    expect(w(mk('/z', { acl: [{ scheme: 'world', id: 'nobody', perms: 31 }] })).rc).toBe(-114);
    expect(w(mk('/z', { acl: [{ scheme: 'digest', id: 'nocolon', perms: 31 }] })).rc).toBe(-114);
    expect(w(mk('/z', { acl: [{ scheme: 'ip', id: '1.2.3.4/33', perms: 31 }] })).rc).toBe(-114);
  });
});

describe('prep: pipelining and multi', () => {
  it('pipelined creates see each other (sequential suffixes, NodeExists) before any commit', () => {
    const { p, commit } = setup();
    const t1 = p(mk('/q'));
    const t2 = p(mk('/q/s-', { flags: 2 }));
    const t3 = p(mk('/q/s-', { flags: 2 }));
    const t4 = p(mk('/q'));
    expect(t2.body).toMatchObject({ path: '/q/s-0000000000' });
    expect(t3.body).toMatchObject({ path: '/q/s-0000000001' });
    expect(t4.body).toEqual({ type: 'error', err: -110 });
    for (const t of [t1, t2, t3, t4]) commit(t);
  });

  it('a manual node holding the next sequential name blocks create -s until another create', () => {
    const { w } = setup();
    w(mk('/p'));
    w(mk('/p/s0000000001'));
    expect(w(mk('/p/s', { flags: 2 })).rc).toBe(-110);
    expect(w(mk('/p/s', { flags: 2 })).rc).toBe(-110);
    w(mk('/p/other'));
    expect(w(mk('/p/s', { flags: 2 })).path).toBe('/p/s0000000002');
  });

  it('close then create-ephemeral pipelined: the create fails, no orphan ephemeral (ZOOKEEPER-1208)', () => {
    const { p, commit, tree, sid } = setup();
    commit(p({ op: 'createSession', timeoutMs: 10000 }));
    const e1 = p(mk('/e1', { flags: 1 })); // outstanding when the close is prepped
    const close = p({ op: 'closeSession' });
    const e2 = p(mk('/e2', { flags: 1 }));
    const plain = p(mk('/plain'));
    expect(close.body).toEqual({ type: 'closeSession', paths: ['/e1'] });
    expect(e2.body).toEqual({ type: 'error', err: -112 });
    expect(plain.body).toEqual({ type: 'error', err: -112 });
    for (const t of [e1, close, e2, plain]) commit(t);
    expect(tree.getNode('/e1')).toBeUndefined();
    expect(tree.getNode('/e2')).toBeUndefined();
    expect(tree.ephemeralsOf(sid)).toEqual([]);
  });

  it('multi: one zxid, later ops see earlier ones, per-op results', () => {
    const { w, tree } = setup();
    const r = w({
      op: 'multi',
      ops: [mk('/m'), mk('/m/x'), { op: 'setData', path: '/m', data: 'eQ==', version: 0 }, { op: 'check', path: '/m', version: 1 }, { op: 'delete', path: '/m/x', version: -1 }],
    });
    expect(r.rc).toBe(0);
    expect(r.results!.map((x) => x.type)).toEqual(['create', 'create', 'setData', 'check', 'delete']);
    const s = tree.stat('/m')!;
    expect([s.czxid, s.mzxid, s.pzxid, s.version, s.cversion]).toEqual([r.zxid, r.zxid, r.zxid, 1, 2]);
  });

  it('failed multi: OK before, the error, RuntimeInconsistency after; nothing applied; zxid consumed; rolled back', () => {
    const { w, p, commit, tree } = setup();
    const before = tree.lastZxid;
    const r = w({ op: 'multi', ops: [mk('/m2'), { op: 'delete', path: '/nope', version: -1 }, mk('/m3')] });
    expect(r.results).toEqual([{ type: 'error', err: 0 }, { type: 'error', err: -101 }, { type: 'error', err: -2 }]);
    expect(r.zxid).toBe(before + 1);
    expect(tree.getNode('/m2')).toBeUndefined();
    // the speculative view was rolled back too: a later create of /m2 succeeds
    const t = p(mk('/m2'));
    expect(t.body.type).toBe('create2');
    commit(t);
    expect(w({ op: 'multi', ops: [] })).toMatchObject({ rc: 0, results: [] });
  });

  it('multi creates are re-decoded as the server does: opcode from flags, TTL without record = MarshallingError', () => {
    const { w, tree } = setup();
    const r = w({ op: 'multi', ops: [mk('/a', { opcode: 'create2' }), mk('/c', { opcode: 'create', flags: 4 })] });
    expect(r.results).toEqual([
      { type: 'create', path: '/a' }, // create2 inside a multi answers like create: no stat
      { type: 'create', path: '/c', stat: expect.objectContaining({ czxid: r.zxid }) },
    ]);
    expect(tree.containers()).toEqual(['/c']);
    const bad = w({ op: 'multi', ops: [mk('/x'), mk('/t', { opcode: 'create', flags: 5 })] });
    expect(bad).toMatchObject({ rc: -5 });
    expect(bad.results).toBeUndefined();
    expect(tree.getNode('/x')).toBeUndefined();
    expect(w(mk('/x')).rc).toBe(0); // the speculative tree was rolled back
  });
});
