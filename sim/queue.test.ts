import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue.ts';

describe('EventQueue', () => {
  it('pops in (time, insertion) order, like a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue<number>(2); // tiny, to exercise growth
        times.forEach((t, i) => q.push(t, i));
        const out: number[] = [];
        while (q.size > 0) out.push(q.pop() as number);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(expected);
      }),
    );
  });

  it('retain drops the rejected items and keeps the order of the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>(4);
        times.forEach((t, i) => q.push(t, i));
        expect(q.retain((i) => i % 3 !== 0)).toBe(times.filter((_, i) => i % 3 === 0).length);
        q.push(5, -1); // pushed after the sweep: sorts after every survivor with time 5
        const out: number[] = [];
        while (q.size > 0) out.push(q.pop() as number);
        const expected = [...times.map((t, i) => ({ t, i })).filter((x) => x.i % 3 !== 0), { t: 5, i: -1 }]
          .sort((a, b) => a.t - b.t || (a.i === -1 ? 1 : b.i === -1 ? -1 : a.i - b.i))
          .map((x) => x.i);
        expect(out).toEqual(expected);
      }),
    );
  });

  it('interleaved push/pop keeps the order and peekTime agrees', () => {
    const q = new EventQueue<string>();
    q.push(5, 'a');
    q.push(3, 'b');
    expect(q.peekTime()).toBe(3);
    expect(q.pop()).toBe('b');
    q.push(5, 'c');
    q.push(1, 'd');
    expect([q.pop(), q.pop(), q.pop()]).toEqual(['d', 'a', 'c']);
    expect(q.pop()).toBeUndefined();
    expect(q.peekTime()).toBe(Infinity);
  });
});
