/** The memo tells sets apart by their windows even when every hash collides. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoTable } from './memo.ts';

/** The canonical window of a bitset: first word not all ones, one past the last non-zero word. */
function windowOf(bits: Uint32Array, end: number): [number, number] {
  let lo = 0;
  while (lo < end && bits[lo] === 0xffffffff) lo++;
  let hi = end;
  while (hi > lo && bits[hi - 1] === 0) hi--;
  return [lo, hi];
}

describe('memo table', () => {
  it('adds a (set, state) pair once, whatever the hash, for sets over several words', () => {
    const words = 5;
    // Sets shaped like the search's: a run of ones, then a few scattered ops; with a tail, the
    // last two words hold ops that never return, stored whole.
    const set = fc.tuple(fc.integer({ min: 0, max: words * 32 }), fc.array(fc.integer({ min: 0, max: words * 32 - 1 }), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(set, fc.integer({ min: 0, max: 2 })), { maxLength: 60 }), fc.boolean(), fc.boolean(), (pairs, collide, tail) => {
        const end = tail ? 3 : words;
        const memo = new MemoTable<number>((a, b) => a === b, undefined, end, words);
        const seen = new Set<string>();
        for (const [[run, extra], state] of pairs) {
          const bits = new Uint32Array(words);
          for (let i = 0; i < Math.min(run, end * 32); i++) bits[i >>> 5] = (bits[i >>> 5]! | (1 << (i & 31))) >>> 0;
          for (const i of extra) bits[i >>> 5] = (bits[i >>> 5]! | (1 << (i & 31))) >>> 0;
          const key = `${Array.from(bits).join(',')}/${state}`;
          const [lo, hi] = windowOf(bits, end);
          const hash = collide ? 7 : Array.from(bits).reduce((h, w) => Math.imul(h ^ w, 0x01000193), state) | 0;
          expect(memo.add(hash, bits, lo, hi, state)).toBe(!seen.has(key));
          seen.add(key);
        }
        expect(memo.size).toBe(seen.size);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
