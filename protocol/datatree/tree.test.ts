import { describe, expect, it } from 'vitest';
import { DataTree } from './tree.ts';
import { makeTxn, type CreateTxn, type TxnBody } from '../request/txn.ts';
import { OPEN_ACL_UNSAFE } from '../request/types.ts';
import { isValidPath, parentOf } from './path.ts';

/** Applies bodies with consecutive zxids. */
function applier(tree: DataTree, session = '0x1') {
  let z = tree.lastZxid;
  return (body: TxnBody) => tree.applyTxn(makeTxn(session, 0, ++z, 1000 + z, body));
}
const create = (path: string, parentCVersion = -1, ephemeral = false): CreateTxn => ({
  type: 'create2', path, data: '', acl: OPEN_ACL_UNSAFE, ephemeral, parentCVersion,
});

describe('DataTree', () => {
  it('starts as a fresh ZooKeeper: visible cversion -1 on /, -2 on /zookeeper, config aversion -1', () => {
    const t = DataTree.create();
    expect(t.stat('/')!.cversion).toBe(-1);
    expect(t.stat('/')!.numChildren).toBe(1);
    expect(t.stat('/zookeeper')!.cversion).toBe(-2);
    expect(t.stat('/zookeeper/config')!.aversion).toBe(-1);
    expect(t.getNode('/zookeeper/config')!.acl).toEqual([{ perms: 1, scheme: 'world', id: 'anyone' }]);
    expect(t.getNode('/')!.cversion).toBe(0); // stored: the first sequential child of / is 0000000000
    expect(t.size).toBe(4);
  });

  it('visible cversion counts creates + deletes; the stored one counts creates only', () => {
    const t = DataTree.create();
    const a = applier(t);
    a(create('/p'));
    a(create('/p/a'));
    a(create('/p/b'));
    const r = a({ type: 'delete', path: '/p/a' });
    expect(r.err).toBe(0);
    expect(t.stat('/p')!.cversion).toBe(3);
    expect(t.getNode('/p')!.cversion).toBe(2);
    expect(t.stat('/p')!.pzxid).toBe(r.zxid);
    expect(t.stat('/p')!.numChildren).toBe(1);
  });

  it('create reports NodeExists / NoNode as err and changes nothing', () => {
    const t = DataTree.create();
    const a = applier(t);
    a(create('/p'));
    const before = t.stat('/p');
    expect(a(create('/p')).err).toBe(-110);
    expect(a(create('/q/x')).err).toBe(-101);
    expect(t.stat('/p')).toEqual(before);
    expect(t.lastZxid).toBe(3); // failed applications still move lastZxid
  });

  it('setData bumps version even with identical bytes; setACL only aversion', () => {
    const t = DataTree.create();
    const a = applier(t);
    a(create('/p'));
    a({ type: 'setData', path: '/p', data: 'aGk=', version: 1 });
    const r = a({ type: 'setData', path: '/p', data: 'aGk=', version: 2 });
    expect(r.stat).toMatchObject({ version: 2, dataLength: 2, mzxid: r.zxid });
    const s = a({ type: 'setACL', path: '/p', acl: OPEN_ACL_UNSAFE, version: 1 });
    expect(s.stat).toMatchObject({ version: 2, aversion: 1, mzxid: r.zxid });
    expect(s.triggers).toEqual([]);
  });

  it('closeSession deletes every ephemeral of the session in one txn, firing per node', () => {
    const t = DataTree.create();
    const a = applier(t, '0xabc');
    a({ type: 'createSession', timeoutMs: 10000 });
    a(create('/p'));
    a(create('/p/e1', -1, true));
    a(create('/e2', -1, true));
    expect(t.ephemeralsOf('0xabc')).toEqual(['/e2', '/p/e1']);
    expect(t.stat('/p/e1')!.ephemeralOwner).toBe('0xabc');
    // the txn names only /e2: the local remainder (/p/e1) goes too (ZooKeeper 3.8 killSession)
    const r = a({ type: 'closeSession', paths: ['/e2'] });
    expect(t.getNode('/e2')).toBeUndefined();
    expect(t.getNode('/p/e1')).toBeUndefined();
    expect(t.ephemeralsOf('0xabc')).toEqual([]);
    expect(t.hasSession('0xabc')).toBe(false);
    expect(r.triggers.filter((x) => x.type === 2).map((x) => x.path)).toEqual(['/e2', '/p/e1']);
    expect(t.stat('/p')).toMatchObject({ pzxid: r.zxid, cversion: 2, numChildren: 0 });
  });

  it('a multi with an error sub-txn applies nothing and reports OK/err/RUNTIMEINCONSISTENCY', () => {
    const t = DataTree.create();
    const a = applier(t);
    const r = a({
      type: 'multi',
      txns: [create('/m1'), { type: 'error', err: -101 }, { type: 'error', err: -2 }],
    });
    expect(t.getNode('/m1')).toBeUndefined();
    expect(r.multi!.map((x) => x.err)).toEqual([0, -101, -2]);
    expect(r.triggers).toEqual([]);
  });

  it('snapshots are O(1), immutable, and forks are independent', () => {
    const t = DataTree.create();
    const a = applier(t);
    for (let i = 0; i < 200; i++) a(create(`/n${i}`));
    const snap = t.snapshot();
    const copy = JSON.parse(JSON.stringify(snap)); // plain data
    for (let i = 0; i < 200; i += 2) a({ type: 'delete', path: `/n${i}` });
    a({ type: 'setData', path: '/n1', data: 'eA==', version: 1 });
    const old = DataTree.fromSnapshot(snap);
    expect(old.size).toBe(204);
    expect(old.getNode('/n0')).toBeDefined();
    expect(old.getNode('/n1')!.data).toBe('');
    expect(t.size).toBe(104);
    const fromJson = DataTree.fromSnapshot(copy);
    expect(fromJson.children(fromJson.getNode('/')!).length).toBe(201);
    // writing to a fork leaves the original alone
    const f = t.fork();
    applier(f)(create('/only-in-fork'));
    expect(t.getNode('/only-in-fork')).toBeUndefined();
    expect(f.getNode('/only-in-fork')).toBeDefined();
  });

  it('a fork and its origin written alternately never see each other (shared root chunks are copied)', () => {
    const t = DataTree.create();
    const a = applier(t);
    for (let i = 0; i < 300; i++) a(create(`/k${i}`));
    const f = t.fork();
    const b = applier(f);
    // 300 keys touch every one of the 64 root chunks in both trees after the fork
    for (let i = 0; i < 300; i++) {
      b({ type: 'setData', path: `/k${i}`, data: 'Zg==', version: 1 });
      a(create(`/t${i}`));
      b(create(`/f${i}`));
    }
    for (let i = 0; i < 300; i++) {
      expect(t.getNode(`/k${i}`)!.data).toBe('');
      expect(f.getNode(`/k${i}`)!.data).toBe('Zg==');
      expect(t.getNode(`/f${i}`)).toBeUndefined();
      expect(f.getNode(`/t${i}`)).toBeUndefined();
    }
    expect([t.size, f.size]).toEqual([604, 604]);
  });

  it('allChildrenNumber counts descendants; for / every node but the root', () => {
    const t = DataTree.create();
    const a = applier(t);
    a(create('/a'));
    a(create('/a/b'));
    a(create('/a/b/c'));
    a(create('/ab'));
    expect(t.allChildrenNumber('/a')).toBe(2);
    expect(t.allChildrenNumber('/')).toBe(7);
  });
});

describe('paths', () => {
  it.each([
    ['/', true], ['/a', true], ['/a/b', true], ['/a.b', true], ['/a/..b', true],
    ['', false], ['a', false], ['/a/', false], ['//a', false], ['/a//b', false], ['/./a', false],
    ['/a/..', false], ['/a/.', false], ['/a\u0000', false], ['/a\u0001', false], ['/a\ud800', false],
  ])('%j valid=%s', (p, ok) => {
    expect(isValidPath(p)).toBe(ok);
  });
  it('parents as ZooKeeper computes them', () => {
    expect(parentOf('/a')).toBe('/');
    expect(parentOf('/a/b')).toBe('/a');
    expect(parentOf('/p/')).toBe('/p');
    expect(parentOf('rel')).toBeUndefined();
  });
});
