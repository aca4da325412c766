import { describe, expect, it } from 'vitest';
import { concurrentHashSetOrder, javaStringHash, juteHash2 } from './javaHashOrder.ts';

describe('Java hash order', () => {
  it("String.hashCode as Java computes it (overflow wraps)", () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB')); // Java's well-known collision
    expect(javaStringHash('a longer string that overflows')).toBe(javaStringHash('a longer string that overflows'));
  });
  it('a set of ids iterates by bin, then insertion; duplicates count once', () => {
    const ids = ['u1', 'u2', 'u1', 'u3'].map((id) => ({ scheme: 'digest', id }));
    const order = concurrentHashSetOrder(ids, (a) => juteHash2(a.scheme, a.id), (a) => a.id);
    expect(order.map((a) => a.id).sort()).toEqual(['u1', 'u2', 'u3']);
  });
  it('keeps every key through several table doublings, in a fixed order', () => {
    // The order a real 3.8.0 gives is pinned by conformance/golden/03-acl-auth-order.json (golden.test.ts).
    const ids = Array.from({ length: 100 }, (_, i) => ({ scheme: 'digest', id: `user${i}` }));
    const a = concurrentHashSetOrder(ids, (x) => juteHash2(x.scheme, x.id), (x) => x.id);
    expect(a.map((x) => x.id).sort()).toEqual(ids.map((x) => x.id).sort());
    expect(concurrentHashSetOrder(ids, (x) => juteHash2(x.scheme, x.id), (x) => x.id)).toEqual(a);
    expect(a.map((x) => x.id)).not.toEqual(ids.map((x) => x.id));
  });
});
