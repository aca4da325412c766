/** The leader's answers to single writes (facts from the 3.8 reference and the goldens). */
import { describe, expect, it } from 'vitest';
import { applyOp } from './apply.ts';
import type { ZkInput, ZkOp } from './ops.ts';
import { freshTree } from './tree.ts';
import type { Tree } from './tree.ts';

function run(ops: [string, ZkOp][], tree: Tree = freshTree()): { tree: Tree; out: string[] } {
  const out: string[] = [];
  for (const [session, op] of ops) {
    const a = applyOp(tree, { session, op } as ZkInput);
    tree = a.tree;
    const subs = a.subs ? ` [${a.subs.map((s) => s.rc).join(',')}]` : '';
    out.push(`${a.rc}${a.path !== undefined ? ` ${a.path}` : ''}${a.version !== undefined ? ` v${a.version}` : ''}${subs}`);
  }
  return { tree, out };
}
const create = (path: string, mode: 'persistent' | 'ephemeral' = 'persistent', sequential = false): ZkOp => ({
  op: 'create',
  path,
  mode,
  sequential,
});

describe('zookeeper apply', () => {
  it('names sequential children from the create counter, which deletes and reaping do not lower', () => {
    // The 02-recipes golden: three lock-, c1 deletes its node, c2 closes, the next is 0000000003.
    const { out } = run([
      ['c1', create('/locks')],
      ['c1', create('/locks/lock-', 'ephemeral', true)],
      ['c2', create('/locks/lock-', 'ephemeral', true)],
      ['c3', create('/locks/lock-', 'ephemeral', true)],
      ['c1', { op: 'delete', path: '/locks/lock-0000000000', version: -1 }],
      ['c2', { op: 'close' }],
      ['c1', create('/locks/lock-', 'ephemeral', true)],
    ]);
    expect(out).toEqual([
      'OK /locks v0',
      'OK /locks/lock-0000000000 v0',
      'OK /locks/lock-0000000001 v0',
      'OK /locks/lock-0000000002 v0',
      'OK',
      'OK',
      'OK /locks/lock-0000000003 v0',
    ]);
  });

  it('answers the first failing check, in ZooKeeper order', () => {
    const { out } = run([
      ['s', create('/abc/x', 'persistent', true)], // parent missing
      ['s', create('/p')],
      ['s', create('/p/c')],
      ['s', create('/p')], // exists
      ['s', { op: 'delete', path: '/p', version: 5 }], // BADVERSION beats NOTEMPTY
      ['s', { op: 'delete', path: '/p', version: 0 }], // NOTEMPTY
      ['s', { op: 'delete', path: '/nope', version: 3 }], // NONODE beats BADVERSION
      ['s', { op: 'set', path: '/p', version: 0 }],
      ['s', { op: 'set', path: '/p', version: 0 }], // stale
      ['s', { op: 'set', path: '/p', version: -1 }],
      ['e', create('/eph', 'ephemeral')],
      ['e', create('/eph/child')],
      ['s', create('/')],
      ['s', create('/p/')], // /p exists: the path is refused
      ['s', create('/q/')], // /q is missing: NONODE comes first
      ['s', create('/p/', 'persistent', true)], // sequential: "/p/" + suffix is a fine path
      ['s', create('rel')],
      ['s', create('/p/./x')],
    ]);
    expect(out).toEqual([
      'NONODE',
      'OK /p v0',
      'OK /p/c v0',
      'NODEEXISTS',
      'BADVERSION',
      'NOTEMPTY',
      'NONODE',
      'OK v1',
      'BADVERSION',
      'OK v2',
      'OK /eph v0',
      'NOCHILDRENFOREPHEMERALS',
      'NODEEXISTS',
      'BADARGUMENTS',
      'NONODE',
      'OK /p/0000000001 v0',
      'BADARGUMENTS',
      'NONODE',
    ]);
  });

  it('applies a multi atomically and reports OK / the error / RUNTIMEINCONSISTENCY', () => {
    const { out, tree } = run([
      ['s', create('/counter')],
      [
        's',
        {
          op: 'multi',
          ops: [
            { op: 'set', path: '/counter', version: 0 },
            { op: 'check', path: '/counter', version: 0 }, // fails: the set made it 1
            { op: 'create', path: '/other', mode: 'persistent', sequential: false },
          ],
        },
      ],
      ['s', { op: 'multi', ops: [{ op: 'check', path: '/counter', version: 0 }, { op: 'create', path: '/other', mode: 'persistent', sequential: false }] }],
    ]);
    expect(out).toEqual(['OK /counter v0', 'BADVERSION [OK,BADVERSION,RUNTIMEINCONSISTENCY]', 'OK [OK,OK]']);
    expect(tree.nodes.get('/counter')!.version).toBe(0);
    expect(tree.nodes.has('/other')).toBe(true);
  });

  it('deletes a session\'s ephemerals on close and refuses its ephemeral creates afterwards', () => {
    const { out, tree } = run([
      ['m1', create('/master', 'ephemeral')],
      ['m2', create('/master', 'ephemeral')],
      ['m1', { op: 'close' }],
      ['m2', create('/master', 'ephemeral')],
      ['m1', create('/late', 'ephemeral')],
    ]);
    expect(out).toEqual(['OK /master v0', 'NODEEXISTS', 'OK', 'OK /master v0', 'SESSIONEXPIRED']);
    expect(tree.nodes.get('/master')!.owner).toBe('m2');
    expect(tree.closed).toEqual(['m1']);
  });
});
