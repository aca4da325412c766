import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { DataTree } from './tree.ts';
import { makeTxn, type TxnBody } from '../request/txn.ts';
import { OPEN_ACL_UNSAFE } from '../request/types.ts';

/** Applies bodies with consecutive zxids as session `s`. */
function applier(tree: DataTree) {
  let z = tree.lastZxid;
  return (body: TxnBody, s = '0x1') => tree.applyTxn(makeTxn(s, 1, ++z, 1000 + z, body));
}

describe('the tree digest', () => {
  it('the running value equals a full walk after random (valid) creates, sets, ACL changes, deletes, multis and session closes', () => {
    const rnd = seedrandom('digest');
    const t = DataTree.create();
    const a = applier(t);
    expect(t.digest).toBe(t.walkDigest());
    const paths = ['/a', '/b', '/a/x', '/a/y', '/b/z', '/c'];
    const pick = () => paths[Math.floor(rnd() * paths.length)]!;
    for (let i = 0; i < 600; i++) {
      const p = pick();
      const r = rnd();
      const s = rnd() < 0.5 ? '0x1' : '0x2';
      if (r < 0.35) a({ type: 'create2', path: p, data: String(i), acl: OPEN_ACL_UNSAFE, ephemeral: rnd() < 0.3, parentCVersion: -1 }, s);
      else if (r < 0.55) a({ type: 'setData', path: p, data: 'v' + i, version: -1 });
      else if (r < 0.6) a({ type: 'setACL', path: p, acl: OPEN_ACL_UNSAFE, version: -1 });
      // Apply does not check what prep checks (a delete of a node with children): only valid txns.
      else if (r < 0.8) a({ type: 'delete', path: (t.getNode(p)?.numChildren ?? 0) === 0 ? p : '/none' });
      else if (r < 0.9)
        a({ type: 'multi', txns: [{ type: 'create2', path: pick(), data: 'm', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion: -1 }, { type: 'setData', path: pick(), data: 'w', version: 3 }] });
      else a({ type: 'closeSession', paths: [] }, s);
      expect(t.digest, `after op ${i}`).toBe(t.walkDigest());
    }
  });

  it('equal trees give equal digests; one changed byte, version or zxid gives another', () => {
    const build = (data: string, extraSet: boolean) => {
      const t = DataTree.create();
      const a = applier(t);
      a({ type: 'create2', path: '/n', data: 'abc', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion: -1 });
      a({ type: 'setData', path: '/n', data, version: -1 });
      if (extraSet) a({ type: 'setData', path: '/n', data, version: -1 });
      return t.digest;
    };
    expect(build('x', false)).toBe(build('x', false));
    expect(build('y', false)).not.toBe(build('x', false));
    expect(build('x', true)).not.toBe(build('x', false));
  });

  it('travels with snapshots', () => {
    const t = DataTree.create();
    const a = applier(t);
    a({ type: 'create2', path: '/s', data: 'q', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion: -1 });
    const copy = DataTree.fromSnapshot(JSON.parse(JSON.stringify(t.snapshot())));
    expect(copy.digest).toBe(t.digest);
    expect(copy.walkDigest()).toBe(t.digest);
  });
});
