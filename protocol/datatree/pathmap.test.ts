import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { hashString } from './hamt.ts';
import { emptyPathMap, lastPathMapChange, lastRemoved, pforEach, pget, pkeys, premove, pset, psize, type PathMap } from './pathmap.ts';
import { collidingKeys } from './testing/keys.ts';

function entries(m: PathMap | null): [string, unknown][] {
  const out: [string, unknown][] = [];
  pforEach(m, (k, v, h) => {
    expect(h).toBe(hashString(k));
    out.push([k, v]);
  });
  return out;
}

/** Ascending (unsigned 32-bit hash, key): the order every PathMap iterates in. */
function byHashThenKey(a: string, b: string): number {
  const ha = hashString(a);
  const hb = hashString(b);
  return ha !== hb ? ha - hb : a < b ? -1 : a > b ? 1 : 0;
}

describe('pathmap', () => {
  it('agrees with a Map under random set/remove through several growths, and snapshots stay frozen', () => {
    const coll = collidingKeys();
    for (const useColl of [false, true]) {
      const rnd = seedrandom('pathmap' + useColl);
      let m: PathMap | null = null;
      let edit = {};
      const model = new Map<string, number>();
      const frozen: { m: PathMap | null; copy: Map<string, number> }[] = [];
      let size = 0;
      let maxBits = 0;
      for (let step = 0; step < 30000; step++) {
        const key =
          useColl && rnd() < 0.3
            ? coll[Math.floor(rnd() * coll.length)]!
            : '/p' + Math.floor(rnd() * 6000).toString(36).repeat(1 + Math.floor(rnd() * 3));
        if (rnd() < 0.7) {
          m = pset(m, key, step, edit);
          size += lastPathMapChange();
          model.set(key, step);
        } else {
          const had = model.get(key);
          m = premove(m, key, edit);
          size += lastPathMapChange();
          expect(lastRemoved()).toBe(had);
          model.delete(key);
        }
        maxBits = Math.max(maxBits, m?.bits ?? 0);
        if (step % 3000 === 0) {
          frozen.push({ m, copy: new Map(model) });
          edit = {}; // retire the token: the frozen version can no longer be edited in place
        }
      }
      expect(maxBits).toBeGreaterThanOrEqual(8); // the table grew at least three times
      expect(size).toBe(model.size);
      expect(psize(m)).toBe(model.size);
      for (const [k, v] of model) expect(pget(m, k)).toBe(v);
      expect(entries(m)).toEqual([...model.entries()].sort((a, b) => byHashThenKey(a[0], b[0])));
      for (const f of frozen) {
        expect(psize(f.m)).toBe(f.copy.size);
        expect(entries(f.m)).toEqual([...f.copy.entries()].sort((a, b) => byHashThenKey(a[0], b[0])));
      }
    }
  });

  it('iterates in the same order for the same keys whatever the history and table size', () => {
    const keys = [...collidingKeys(), ...Array.from({ length: 3000 }, (_, i) => `/n/${i}`)];
    const shuffled = (seed: string): string[] => {
      const rnd = seedrandom(seed);
      const a = keys.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    };
    // built in one order; built in another with extra keys that are then removed (a bigger table)
    let a: PathMap | null = null;
    for (const k of shuffled('a')) a = pset(a, k, true, {});
    let b: PathMap | null = null;
    const e = {};
    for (let i = 0; i < 20000; i++) b = pset(b, `/extra/${i}`, true, e);
    for (const k of shuffled('b')) b = pset(b, k, true, e);
    for (let i = 0; i < 20000; i++) b = premove(b, `/extra/${i}`, e);
    expect(b!.bits).toBeGreaterThan(a!.bits);
    expect(pkeys(b)).toEqual(pkeys(a));
    expect(pkeys(a)).toEqual(keys.slice().sort(byHashThenKey));
  });

  it('reports changes, empties to null, and a JSON copy is frozen', () => {
    const e = {};
    let m = pset(null, 'a', 1, e);
    expect(lastPathMapChange()).toBe(1);
    m = pset(m, 'a', 2, e);
    expect(lastPathMapChange()).toBe(0);
    expect(pget(m, 'a')).toBe(2);
    expect(premove(m, 'nope', e)).toBe(m);
    expect(lastPathMapChange()).toBe(0);
    expect(lastRemoved()).toBeUndefined();
    expect(premove(m, 'a', e)).toBeNull();
    expect(lastRemoved()).toBe(2);

    let r: PathMap = emptyPathMap();
    for (let i = 0; i < 2000; i++) r = pset(r, 'x' + i, i, e);
    const copy = JSON.parse(JSON.stringify(r)) as PathMap;
    expect(pget(copy, 'x42')).toBe(42);
    const c2 = pset(copy, 'x42', 0, e);
    const c3 = premove(c2, 'x43', e);
    expect(pget(copy, 'x42')).toBe(42); // tokens do not survive JSON: the copy is frozen
    expect(pget(copy, 'x43')).toBe(43);
    expect(pget(c3, 'x42')).toBe(0);
    expect(pget(c3, 'x43')).toBeUndefined();
  });
});
