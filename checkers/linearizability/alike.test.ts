/**
 * Alike ops (search.ts `alikePredecessors`, `Model.opKey`): ops that step alike are placed in call
 * order only. The verdict must not change: random histories full of identical ops agree with the
 * brute-force oracle (which ignores opKey) and with the search without opKey; a history shaped
 * like swarm run 47's `/config` part (many writes lost to ConnectionLoss, one of which took
 * effect) is decided in a few thousand steps where the plain search runs out of budget, and the
 * same history made impossible stays a violation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check.ts';
import type { CheckerSpec } from './check.ts';
import { casRegisterModel } from './models/cas-register.ts';
import type { CasInput, CasOutput } from './models/cas-register.ts';
import { zkModel } from './models/zookeeper/model.ts';
import type { ZkInput, ZkOutput } from './models/zookeeper/ops.ts';
import { parseZkHistory } from './parsers/zk-jsonl.ts';
import { findModel } from './registry.ts';
import { bruteForce, casHistories, op } from './test-support.ts';
import type { CheckOptions, Model, Operation } from './types.ts';

type CasOp = Operation<CasInput, CasOutput>;
type ZkOp = Operation<ZkInput, ZkOutput>;

const withoutKey = <S, I, O>(m: Model<S, I, O>): Model<S, I, O> => ({ ...m, opKey: undefined });
const casSpec = (m: Model<unknown, CasInput, CasOutput>): CheckerSpec<CasInput, CasOutput> => ({
  whole: (ops) => ({ label: 'register', ops, model: m }),
});

/** Few distinct ops (values 0/1), many lost, nested and overlapping windows; maybe a bad read. */
const casHistory = casHistories({ kinds: ['read', 'write', 'write', 'cas'], maxValue: 1, maxWindow: 40, maxLost: 2, maxCorrupt: 6, maxLength: 8, flipBadRead: true, processes: 3 });

/** Writes on one node: unversioned sets (lost, or answering their version), creates, deletes. */
const zkHistory = fc
  .array(
    fc.record({
      kind: fc.constantFrom('set', 'set', 'set', 'create', 'delete'),
      session: fc.constantFrom('s1', 's2'),
      before: fc.integer({ min: 0, max: 40 }),
      after: fc.integer({ min: 0, max: 40 }),
      lost: fc.integer({ min: 0, max: 2 }),
      corrupt: fc.integer({ min: 0, max: 6 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((specs) => {
    const model = zkModel();
    let tree = model.init();
    return specs.map((s, i): ZkOp => {
      const input: ZkInput = {
        session: s.session,
        op: s.kind === 'set' ? { op: 'set', path: '/a', version: -1 } : s.kind === 'delete' ? { op: 'delete', path: '/a', version: -1 } : { op: 'create', path: '/a', mode: 'persistent', sequential: false },
      };
      // What the server answers in call order (the run's own order), then maybe a wrong version.
      let rc = 'OK';
      let version: number | undefined;
      for (const [code, v] of [['OK', undefined], ['NONODE', undefined], ['NODEEXISTS', undefined], ...Array.from({ length: 10 }, (_, k) => ['OK', k] as const)] as const) {
        const out: ZkOutput = { unknown: false, rc: code, ...(v === undefined ? {} : { version: v }) };
        const next = model.step(tree, input, out);
        if (next !== undefined && (s.kind !== 'set' || code !== 'OK' || v !== undefined)) {
          rc = code;
          version = v;
          tree = next;
          break;
        }
      }
      if (s.corrupt === 0 && version !== undefined) version += 1;
      const at = i * 10;
      const ret = s.lost === 0 ? null : at + s.after;
      const output: ZkOutput = ret === null ? { unknown: true } : { unknown: false, rc, ...(version === undefined ? {} : { version }) };
      return op(i, s.session, Math.max(0, at - s.before), ret, input, output);
    });
  });

describe('alike ops keep the verdict exact', () => {
  it('cas register: random histories of identical ops agree with brute force and with the plain search', () => {
    fc.assert(
      fc.property(casHistory, (h) => {
        const expected = bruteForce(casRegisterModel, h) ? 'linearizable' : 'not linearizable';
        expect(checkHistory(casSpec(casRegisterModel as Model<unknown, CasInput, CasOutput>), h).verdict).toBe(expected);
        expect(checkHistory(casSpec(withoutKey(casRegisterModel) as Model<unknown, CasInput, CasOutput>), h).verdict).toBe(expected);
      }),
      { numRuns: 500, seed: 47 },
    );
  });

  it('zookeeper: random histories of sets/creates/deletes on one node agree with brute force', () => {
    const model = zkModel();
    const spec: CheckerSpec<ZkInput, ZkOutput> = { whole: (ops) => ({ label: '/a', ops, model: model as Model<unknown, ZkInput, ZkOutput> }) };
    fc.assert(
      fc.property(zkHistory, (h) => {
        const expected = bruteForce(model, h) ? 'linearizable' : 'not linearizable';
        expect(checkHistory(spec, h).verdict).toBe(expected);
      }),
      { numRuns: 500, seed: 47 },
    );
  });

  it('does not let an alike op stand in for one invoked earlier', () => {
    // Two identical lost writes of 1; a read of 1 returns before the second is invoked: only the
    // first can explain it. And a read of 1 before either is invoked is a violation.
    const w1 = (i: number, c: number): CasOp => op(i, 'p1', c, null, { f: 'write', value: 1 }, { unknown: true });
    const rd = (i: number, c: number, r: number, v: number | null): CasOp => op(i, 'p2', c, r, { f: 'read' }, { unknown: false, value: v });
    const spec = casSpec(casRegisterModel as Model<unknown, CasInput, CasOutput>);
    expect(checkHistory(spec, [w1(0, 0), rd(1, 5, 6, 1), w1(2, 10), rd(3, 20, 21, 1)]).verdict).toBe('linearizable');
    expect(checkHistory(spec, [rd(0, 0, 1, 1), w1(1, 10), w1(2, 11)]).verdict).toBe('not linearizable');
  });

  it('does not order alike ops by call alone when the earlier one returns later', () => {
    // A = write 1 over [0, 100] and B = write 1 over [10, 20]; write 2 over [21, 22]; a read of 1
    // over [50, 60]. Only B, write 2, A, read fits: A must be free to go after B.
    const w = (i: number, c: number, r: number, v: number): CasOp => op(i, `p${i}`, c, r, { f: 'write', value: v }, { unknown: false });
    const h = [w(0, 0, 100, 1), w(1, 10, 20, 1), w(2, 21, 22, 2), op(3, 'p3', 50, 60, { f: 'read' }, { unknown: false, value: 1 }) as CasOp];
    expect(checkHistory(casSpec(casRegisterModel as Model<unknown, CasInput, CasOutput>), h).verdict).toBe('linearizable');
  });
});

/**
 * Seed 47's `/config` part, reduced: two sessions set /config in turn (answering versions), three
 * sets are lost with no effect, later 17 more are lost while the two sessions keep trying and
 * exactly one of the 20 lost sets took effect (the next answers skip a version).
 */
function seed47Like(lastVersion: number): Record<string, unknown>[] {
  const recs: Record<string, unknown>[] = [];
  let id = 0;
  let t = 0;
  let v = 0;
  const set = (p: string, lost: boolean, dur = 5): void => {
    const i = id++;
    recs.push({ type: 'invoke', id: i, time: t, process: p, op: 'set', path: '/config', version: -1 });
    if (lost) recs.push({ type: 'return', id: i, time: t + dur, rc: 'CONNECTIONLOSS' });
    else recs.push({ type: 'return', id: i, time: t + dur, rc: 'OK', stat: { version: ++v } });
    t += dur + 1;
  };
  recs.push({ type: 'invoke', id: id, time: t, process: 'c2', op: 'create', path: '/config' });
  recs.push({ type: 'return', id: id++, time: t + 1, rc: 'OK', stat: { version: 0 } });
  t += 2;
  for (let k = 0; k < 7; k++) set(k % 3 === 0 ? 'c2' : 'c6', false);
  for (let k = 0; k < 3; k++) set('c6', true);
  for (let k = 0; k < 23; k++) set(k % 3 === 0 ? 'c2' : 'c6', false);
  // 17 lost sets, the two sessions' attempts overlapping.
  for (let k = 0; k < 17; k++) {
    const i = id++;
    recs.push({ type: 'invoke', id: i, time: t, process: k % 2 ? 'c2' : 'c6', op: 'set', path: '/config', version: -1 });
    recs.push({ type: 'return', id: i, time: t + 7, rc: 'CONNECTIONLOSS' });
    t += 3;
  }
  t += 10;
  // Two overlapping sets answer after one lost set took effect (v + 2 and v + 3).
  recs.push({ type: 'invoke', id: id, time: t, process: 'c2', op: 'set', path: '/config', version: -1 });
  recs.push({ type: 'invoke', id: id + 1, time: t + 1, process: 'c6', op: 'set', path: '/config', version: -1 });
  recs.push({ type: 'return', id: id, time: t + 5, rc: 'OK', stat: { version: v + 2 } });
  recs.push({ type: 'return', id: id + 1, time: t + 6, rc: 'OK', stat: { version: lastVersion } });
  return recs;
}

describe('a history shaped like swarm run 47 (ConnectionLoss on /config)', () => {
  const zk = findModel('zookeeper')!;
  const text = (recs: Record<string, unknown>[]): string => recs.map((r) => JSON.stringify(r)).join('\n');
  /** The same check with alike ops switched off (the model without opKey). */
  const plain = (recs: Record<string, unknown>[], options: CheckOptions): string => {
    const h = parseZkHistory(text(recs), 'h.jsonl');
    expect(h.ops.length).toBe(53);
    const model = withoutKey(zkModel(h.initial)) as Model<unknown, ZkInput, ZkOutput>;
    return checkHistory({ whole: (ops) => ({ label: 'whole history', ops, model }) }, h.ops, options).verdict;
  };

  it('was undecided within 200k steps, and is now decided in a few thousand', () => {
    const recs = seed47Like(33);
    expect(plain(recs, { maxSteps: 200_000 })).toBe('unknown');
    const r = zk.check(text(recs), 'h.jsonl', { maxSteps: 200_000 });
    expect(r.verdict).toBe('linearizable');
    expect(r.steps).toBeLessThan(5_000);
  });

  it('stays a violation when the answers need one more lost set than could have run', () => {
    // After v30: one lost set, the first answer (v32), then at most the 19 other lost sets and the
    // second answer: v52 at most. v52 is fine; v53 needs a 21st lost set.
    expect(zk.check(text(seed47Like(52)), 'h.jsonl', { maxSteps: 200_000 }).verdict).toBe('linearizable');
    const r = zk.check(text(seed47Like(53)), 'h.jsonl', { maxSteps: 200_000 });
    expect(r.verdict).toBe('not linearizable');
    expect(r.steps).toBeLessThan(5_000);
  });
});
