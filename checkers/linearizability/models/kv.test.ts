/** The kv model and its per-key split, on hand-made histories. */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../check.ts';
import { op } from '../test-support.ts';
import type { Operation } from '../types.ts';
import { kvSpec } from './kv.ts';
import type { KvInput, KvOutput } from './kv.ts';

type KvOp = Operation<KvInput, KvOutput>;
const get = (i: number, c: number, r: number | null, key: string, value: string): KvOp =>
  op(i, `p${i}`, c, r, { f: 'get', key }, r === null ? { unknown: true } : { unknown: false, value });
const put = (i: number, c: number, r: number | null, key: string, value: string): KvOp =>
  op(i, `p${i}`, c, r, { f: 'put', key, value }, { unknown: r === null });
const app = (i: number, c: number, r: number | null, key: string, value: string): KvOp =>
  op(i, `p${i}`, c, r, { f: 'append', key, value }, { unknown: r === null });

describe('kv model', () => {
  const good = [
    put(0, 0, 10, 'x', 'a'),
    app(1, 5, 15, 'x', 'b'),
    get(2, 16, 20, 'x', 'ab'),
    app(3, 0, 30, 'y', 'q'),
    get(4, 1, 2, 'y', ''),
    get(5, 31, 40, 'y', 'q'),
  ];

  it('accepts a linearizable history, split and whole', () => {
    const split = checkHistory(kvSpec, good);
    expect(split.verdict).toBe('linearizable');
    // Both keys have 3 ops: equal sizes keep key order.
    expect(split.parts.map((p) => p.label)).toEqual(['key "x"', 'key "y"']);
    expect(checkHistory(kvSpec, good, { noSplit: true }).verdict).toBe('linearizable');
  });

  it('catches appends in the wrong order and explains it in the failing key only', () => {
    const bad = [...good, app(6, 41, 50, 'x', 'c'), get(7, 51, 60, 'x', 'acb')];
    for (const noSplit of [false, true]) {
      const r = checkHistory(kvSpec, bad, { noSplit });
      expect(r.verdict).toBe('not linearizable');
      expect(r.explanation!.blocking.index).toBe(7);
      if (!noSplit) expect(r.explanation!.part).toBe('key "x"');
    }
  });

  it('checks the smallest part first and stops at the first failing one', () => {
    // Key "a" has 1 op and fails; key "b" is bigger and never needs checking.
    const h = [get(0, 0, 1, 'a', 'nope'), put(1, 0, 5, 'b', '1'), put(2, 6, 9, 'b', '2'), get(3, 10, 11, 'b', '2')];
    const r = checkHistory(kvSpec, h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.parts.map((p) => p.label)).toEqual(['key "a"']);
  });

  it('handles never-returned appends both ways', () => {
    const seen = [app(0, 0, null, 'k', 'z'), get(1, 5, 6, 'k', ''), get(2, 7, 8, 'k', 'z')];
    expect(checkHistory(kvSpec, seen).verdict).toBe('linearizable');
    const unseen = [app(0, 0, null, 'k', 'z'), get(1, 5, 6, 'k', ''), get(2, 7, 8, 'k', '')];
    expect(checkHistory(kvSpec, unseen).verdict).toBe('linearizable');
    const twice = [app(0, 0, null, 'k', 'z'), get(1, 5, 6, 'k', 'z'), get(2, 7, 8, 'k', 'zz')];
    expect(checkHistory(kvSpec, twice).verdict).toBe('not linearizable');
  });

  it('answers unknown on an exhausted budget', () => {
    const h: KvOp[] = [];
    for (let i = 0; i < 30; i++) h.push(app(i, 0, 100, 'k', String(i % 3)));
    h.push(get(30, 0, 100, 'k', 'impossible'));
    expect(checkHistory(kvSpec, h, { maxSteps: 1000 }).verdict).toBe('unknown');
  });
});
