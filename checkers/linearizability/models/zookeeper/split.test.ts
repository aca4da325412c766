/**
 * The split must be sound: on random small histories (a sequential run with random windows and
 * some corrupted or lost answers) the split verdict, the whole-history verdict and a brute-force
 * oracle all agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../check.ts';
import { bruteForce, op } from '../../test-support.ts';
import type { Operation } from '../../types.ts';
import { applyOp } from './apply.ts';
import { zkModel } from './model.ts';
import type { ZkInput, ZkOp, ZkOutput, ZkSubOp } from './ops.ts';
import { zkSpecFor } from './spec.ts';
import { splitZkHistory } from './split.ts';
import { freshTree, makeTree } from './tree.ts';

type ZkOperation = Operation<ZkInput, ZkOutput>;
// Start from a tree that already holds nodes (one of them an ephemeral of s1), so that deletes
// and closes can act on nodes no op of the history created.
const initial = makeTree(
  new Map([
    ...freshTree().nodes,
    ['/', { version: 0, childCreates: 3, numChildren: 3, owner: '' }],
    ['/a', { version: 0, childCreates: 1, numChildren: 1, owner: '' }],
    ['/a/x', { version: 0, childCreates: 0, numChildren: 0, owner: '' }],
    ['/b', { version: 0, childCreates: 0, numChildren: 0, owner: 's1' }],
  ]),
);
const spec = zkSpecFor(initial);

const PATHS = ['/a', '/a/x', '/a/y', '/b', '/b/x', '/c', '/a/s-0000000000', '/a/s-0000000001'];
const sub: fc.Arbitrary<ZkSubOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('create' as const),
    path: fc.constantFrom('/a', '/a/x', '/a/y', '/b', '/b/x', '/c', '/a/s-'),
    mode: fc.constantFrom('persistent' as const, 'ephemeral' as const),
    sequential: fc.constant(false),
  }).map((c) => ({ ...c, sequential: c.path.endsWith('-') })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...PATHS), version: fc.constantFrom(-1, 0) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...PATHS), version: fc.constantFrom(-1, 0, 1) }) },
);
const anyOp: fc.Arbitrary<ZkOp> = fc.oneof(
  { weight: 6, arbitrary: sub },
  { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((ops) => ({ op: 'multi' as const, ops })) },
  { weight: 1, arbitrary: fc.constant({ op: 'close' as const }) },
);

const history = fc
  .array(
    fc.record({
      op: anyOp,
      session: fc.constantFrom('s1', 's2', 's3'),
      before: fc.integer({ min: 0, max: 25 }),
      after: fc.integer({ min: 0, max: 25 }),
      lost: fc.integer({ min: 0, max: 9 }),
      corrupt: fc.integer({ min: 0, max: 7 }),
      rc: fc.constantFrom('OK', 'NONODE', 'NODEEXISTS', 'BADVERSION'),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((specs) => {
    let tree = initial;
    return specs.map((s, i): ZkOperation => {
      const input: ZkInput = { session: s.session, op: s.op };
      const a = applyOp(tree, input);
      tree = a.tree;
      let output: ZkOutput = {
        unknown: false,
        rc: a.rc,
        ...(a.path !== undefined ? { path: a.path } : {}),
        ...(a.version !== undefined ? { version: a.version } : {}),
        ...(a.subs !== undefined ? { subs: a.subs } : {}),
      };
      if (s.corrupt === 0) output = { unknown: false, rc: s.rc };
      if (s.corrupt === 1 && a.path !== undefined) output = { ...output, path: a.path.replace(/0$/, '1') };
      const at = i * 10;
      const ret = s.lost === 0 ? null : at + s.after;
      return op(i, s.session, Math.max(0, at - s.before), ret, input, ret === null ? { unknown: true } : output);
    });
  });

describe('zookeeper split', () => {
  it('agrees with the whole-history check and with brute force', () => {
    let violations = 0;
    let multiPart = 0;
    fc.assert(
      fc.property(history, (h) => {
        const expected = bruteForce(zkModel(initial), h) ? 'linearizable' : 'not linearizable';
        if (expected !== 'linearizable') violations++;
        const split = checkHistory(spec, h);
        if (split.parts.length > 1) multiPart++;
        expect(checkHistory(spec, h, { noSplit: true }).verdict).toBe(expected);
        expect(split.verdict).toBe(expected);
      }),
      { numRuns: 600, seed: 7 },
    );
    // The generator must exercise both verdicts and real splits, or this test proves little.
    expect(violations).toBeGreaterThan(50);
    expect(multiPart).toBeGreaterThan(50);
  });

  const mk = (i: number, session: string, o: ZkOp, output: ZkOutput = { unknown: false, rc: 'OK' }): ZkOperation =>
    op(i, session, i * 10, i * 10 + 5, { session, op: o }, output);
  const create = (path: string, mode: 'persistent' | 'ephemeral' = 'persistent', sequential = false): ZkOp => ({
    op: 'create',
    path,
    mode,
    sequential,
  });
  const groups = (ops: ZkOperation[]): number[][] =>
    splitZkHistory(ops, freshTree()).map((g) => g.ops.map((o) => o.index));

  it('splits children of a hub, keeps parent and child together', () => {
    const ops = [mk(0, 's', create('/a')), mk(1, 's', create('/b')), mk(2, 's', create('/a/x')), mk(3, 's', { op: 'set', path: '/b', version: -1 })];
    expect(groups(ops)).toEqual([[0, 2], [1, 3]]);
    // A delete of a child the parent already had also reads / changes the parent's child count.
    const onInitial = [mk(0, 's', { op: 'delete', path: '/a/x', version: -1 }), mk(1, 's', { op: 'delete', path: '/a', version: -1 })];
    expect(splitZkHistory(onInitial, initial).map((g) => g.ops.map((o) => o.index))).toEqual([[0, 1]]);
  });

  it('joins what a multi, a sequential create under the root, or a close touches', () => {
    const base = [mk(0, 's', create('/a')), mk(1, 't', create('/b', 'ephemeral'))];
    const multi = mk(2, 's', { op: 'multi', ops: [{ op: 'set', path: '/a', version: -1 }, { op: 'check', path: '/b', version: -1 }] });
    expect(groups([...base, multi])).toEqual([[0, 1, 2]]);
    const seq = mk(2, 's', create('/n-', 'persistent', true), { unknown: false, rc: 'OK', path: '/n-0000000002' });
    expect(groups([...base, seq])).toEqual([[0, 1, 2]]);
    // A sequential create with an unknown outcome may have made any name of its shape.
    const lostSeq = mk(2, 's', create('/a/s-', 'persistent', true), { unknown: true });
    const setIt = mk(3, 'u', { op: 'set', path: '/a/s-0000000007', version: -1 });
    const setOther = mk(4, 'u', { op: 'set', path: '/a/s-000000007', version: -1 });
    expect(groups([...base, lostSeq, setIt, setOther])).toEqual([[0, 2, 3], [1], [4]]);
    const closeT = mk(2, 't', { op: 'close' });
    expect(groups([...base, closeT, mk(3, 'u', create('/c'))])).toEqual([[0], [1, 2], [3]]);
  });
});
