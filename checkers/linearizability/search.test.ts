/** The search core, on the cas-register model: hand-made histories and a brute-force oracle. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check.ts';
import type { CheckerSpec } from './check.ts';
import { generateCasHistory } from './cas-history-gen.ts';
import { casRegisterModel } from './models/cas-register.ts';
import { findModel } from './registry.ts';
import type { CasInput, CasOutput } from './models/cas-register.ts';
import { bruteForce, casHistories, op } from './test-support.ts';
import type { Model, Operation } from './types.ts';

type CasOp = Operation<CasInput, CasOutput>;
const spec: CheckerSpec<CasInput, CasOutput> = {
  whole: (ops) => ({ label: 'register', ops, model: casRegisterModel as Model<unknown, CasInput, CasOutput> }),
};
const w = (i: number, p: string, c: number, r: number | null, v: number): CasOp =>
  op(i, p, c, r, { f: 'write', value: v }, { unknown: r === null });
const rd = (i: number, p: string, c: number, r: number | null, v: number | null): CasOp =>
  op(i, p, c, r, { f: 'read' }, r === null ? { unknown: true } : { unknown: false, value: v });
const cas = (i: number, p: string, c: number, r: number | null, from: number, to: number, ok: boolean): CasOp =>
  op(i, p, c, r, { f: 'cas', from, to }, r === null ? { unknown: true } : { unknown: false, ok });

describe('search on hand-made histories', () => {
  it('accepts a linearizable history with overlapping ops', () => {
    // The read overlaps both writes and sees the second: order w1, w2, r works.
    const h = [w(0, 'a', 0, 10, 1), w(1, 'b', 5, 20, 2), rd(2, 'c', 8, 25, 2), cas(3, 'a', 30, 40, 2, 3, true)];
    expect(checkHistory(spec, h).verdict).toBe('linearizable');
  });

  it('catches a stale read and names it', () => {
    // w1 then w2 finish before the read starts; the read returns 1: impossible.
    const h = [w(0, 'a', 0, 10, 1), w(1, 'b', 11, 20, 2), rd(2, 'c', 21, 30, 1), rd(3, 'a', 31, 40, 2)];
    const r = checkHistory(spec, h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.index).toBe(2);
    expect(r.explanation!.linearized.map((o) => o.index)).toEqual([0, 1]);
    expect(r.explanation!.stateBefore).toBe('2');
  });

  it('records, when asked, the longest accepted order containing each op', () => {
    const h = [w(0, 'a', 0, 10, 1), w(1, 'b', 11, 20, 2), rd(2, 'c', 21, 30, 1), rd(3, 'a', 31, 40, 2), w(4, 'd', 0, 50, 1)];
    const r = checkHistory(spec, h, { partials: true });
    expect(r.verdict).toBe('not linearizable');
    const x = r.explanation!;
    const orderOf = (i: number): readonly number[] | undefined => {
      const k = x.partialOf![x.ops.findIndex((o) => o.index === i)]!;
      return k < 0 ? undefined : x.partialOrders![k];
    };
    // The concurrent write 4 lets the stale read 2 through: w1 w2 w4 r2, then r3 must see 2.
    expect(orderOf(2)).toEqual([0, 1, 4, 2]);
    expect(orderOf(0)).toEqual([0, 1, 4, 2]);
    expect(orderOf(3)).toBeUndefined();
    expect(checkHistory(spec, h).explanation!.partialOf).toBeUndefined();
    const ok = checkHistory(spec, h.slice(0, 2), { partials: true });
    expect(ok.verdict).toBe('linearizable');
  });

  it('catches a cas that claims success against the wrong value', () => {
    const h = [w(0, 'a', 0, 10, 1), cas(1, 'b', 20, 30, 2, 5, true)];
    const r = checkHistory(spec, h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.index).toBe(1);
  });

  it('lets a never-returned write take effect later', () => {
    // The write never returned; a later read sees its value: it took effect.
    const h = [w(0, 'a', 0, null, 7), rd(1, 'b', 10, 20, null), rd(2, 'b', 30, 40, 7)];
    expect(checkHistory(spec, h).verdict).toBe('linearizable');
  });

  it('lets a never-returned write never take effect', () => {
    // The write never returned and nobody ever sees it: it may never have happened.
    const h = [w(0, 'a', 0, 5, 1), w(1, 'b', 6, null, 7), rd(2, 'c', 30, 40, 1), rd(3, 'c', 50, 60, 1)];
    expect(checkHistory(spec, h).verdict).toBe('linearizable');
  });

  it('does not let a never-returned write take effect before it was invoked', () => {
    const h = [rd(0, 'b', 0, 10, 7), w(1, 'a', 20, null, 7)];
    const r = checkHistory(spec, h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.index).toBe(0);
  });

  it('does not let a never-returned write take effect twice', () => {
    // 7 seen, then overwritten with 1, then 7 seen again: one unknown write cannot do both.
    const h = [w(0, 'a', 0, null, 7), rd(1, 'b', 10, 20, 7), w(2, 'b', 21, 30, 1), rd(3, 'b', 31, 40, 7)];
    expect(checkHistory(spec, h).verdict).toBe('not linearizable');
  });

  it('answers unknown when the step budget runs out, and not otherwise', () => {
    const h = [w(0, 'a', 0, 100, 1), w(1, 'b', 0, 100, 2), w(2, 'c', 0, 100, 3), rd(3, 'd', 0, 100, 9)];
    const full = checkHistory(spec, h);
    expect(full.verdict).toBe('not linearizable');
    expect(full.steps).toBeGreaterThan(10);
    const cut = checkHistory(spec, h, { maxSteps: 10 });
    expect(cut.verdict).toBe('unknown');
    expect(cut.reason).toMatch(/step budget/);
  });

  it('answers unknown when the cache budget runs out', () => {
    // 40 concurrent writes and an impossible read: the memo must hold many (set, state) pairs.
    const h: CasOp[] = [];
    for (let i = 0; i < 40; i++) h.push(w(i, `p${i}`, 0, 100, i % 4));
    h.push(rd(40, 'r', 0, 100, 9));
    const r = checkHistory(spec, h, { maxCacheBytes: 64 * 1024 });
    expect(r.verdict).toBe('unknown');
    expect(r.reason).toMatch(/memory budget/);
  });

  it('answers unknown when the time budget runs out', () => {
    const h: CasOp[] = [];
    for (let i = 0; i < 60; i++) h.push(w(i, `p${i}`, 0, 100, i % 6));
    h.push(rd(60, 'r', 0, 100, 9));
    const r = checkHistory(spec, h, { budgetMs: 1 });
    expect(r.verdict).toBe('unknown');
    expect(r.reason).toMatch(/time budget/);
  });

  it('takes ops that touch the same instant as concurrent', () => {
    // The read is invoked at the instant the write returns: it may still be ordered first.
    expect(checkHistory(spec, [w(0, 'a', 0, 10, 1), rd(1, 'b', 10, 20, null)]).verdict).toBe('linearizable');
    expect(checkHistory(spec, [w(0, 'a', 0, 10, 1), rd(1, 'b', 11, 20, null)]).verdict).toBe('not linearizable');
  });

  it('accepts the empty history', () => {
    expect(checkHistory(spec, []).verdict).toBe('linearizable');
  });
});

/** Random small histories: a linearizable run with random windows, then maybe a corrupted result. */
const history = casHistories({ kinds: ['read', 'write', 'cas'], maxValue: 2, maxWindow: 30, maxLost: 9, maxCorrupt: 9, maxLength: 7, flipBadRead: false, processes: 0 });

describe('search against a brute-force oracle', () => {
  it('agrees on random small histories', () => {
    fc.assert(
      fc.property(history, (h) => {
        const expected = bruteForce(casRegisterModel, h) ? 'linearizable' : 'not linearizable';
        expect(checkHistory(spec, h).verdict).toBe(expected);
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

describe('search on generated histories longer than one bitset word', () => {
  // Hundreds of ops, some never returning (:info): the memo's windows span several words and
  // move; a wrong window would merge distinct sets and miss (or invent) a linearization.
  const cas = findModel('cas-register')!;
  for (const [processes, infoRate] of [[3, 0], [5, 0.05], [8, 0.02]] as const) {
    it(`${processes} processes, info rate ${infoRate}: generated histories are linearizable, planted violations are found`, () => {
      for (let seed = 0; seed < 6; seed++) {
        const base = { processes, ops: 400, seed: `t${seed}`, infoRate };
        expect(cas.check(generateCasHistory(base), 'g', {}, { initial: 0 }).verdict).toBe('linearizable');
        const bad = cas.check(generateCasHistory({ ...base, violation: 0.5 + seed / 15 }), 'g', {}, { initial: 0 });
        expect(bad.verdict).toBe('not linearizable');
        expect(bad.explanation!.blocking.op).toBe('read -> 99');
      }
    });
  }
});
