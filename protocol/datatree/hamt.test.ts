import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import * as H from './hamt.ts';
import { collidingKeys } from './testing/keys.ts';

describe('hamt', () => {
  it('agrees with a Map under random set/remove, and old versions stay frozen', () => {
    const coll = collidingKeys();
    expect(coll.length).toBeGreaterThan(0);
    for (const useColl of [false, true]) {
      const rnd = seedrandom('hamt' + useColl);
      let root: H.Trie = null;
      let edit: H.Edit = {};
      const model = new Map<string, number>();
      let frozen: { root: H.Trie; copy: Map<string, number> } | undefined;
      let size = 0;
      for (let step = 0; step < 12000; step++) {
        const key = useColl && rnd() < 0.5
          ? coll[Math.floor(rnd() * coll.length)]!
          : 'k' + Math.floor(rnd() * 3000).toString(36).repeat(1 + Math.floor(rnd() * 3));
        const h = H.hashString(key);
        if (rnd() < 0.6) {
          root = H.set(root, key, step, edit, h);
          size += H.lastSizeChange();
          model.set(key, step);
        } else {
          root = H.remove(root, key, edit, h);
          size += H.lastSizeChange();
          model.delete(key);
        }
        if (step % 2500 === 0) {
          if (frozen) {
            // the frozen version must still read exactly as it did when taken
            for (const [k, v] of frozen.copy) expect(H.get(frozen.root, k, H.hashString(k))).toBe(v);
            expect(H.count(frozen.root)).toBe(frozen.copy.size);
          }
          frozen = { root, copy: new Map(model) };
          edit = {}; // retire the token: the frozen version can no longer be edited in place
        }
      }
      expect(size).toBe(model.size);
      expect(H.count(root)).toBe(model.size);
      for (const [k, v] of model) expect(H.get(root, k, H.hashString(k))).toBe(v);
      expect(H.keys(root).sort()).toEqual([...model.keys()].sort());
    }
  });

  it('reports size changes and survives a JSON round trip', () => {
    const e = {};
    let r = H.set(null, 'a', 1, e);
    expect(H.lastSizeChange()).toBe(1);
    r = H.set(r, 'a', 2, e);
    expect(H.lastSizeChange()).toBe(0);
    for (let i = 0; i < 100; i++) r = H.set(r, 'x' + i, i, e);
    const copy = JSON.parse(JSON.stringify(r)) as H.Trie;
    expect(H.get(copy, 'x42')).toBe(42);
    const c2 = H.set(copy, 'x42', 0, e);
    expect(H.get(copy, 'x42')).toBe(42); // tokens do not survive JSON: the copy is frozen
    expect(H.get(c2, 'x42')).toBe(0);
    r = H.remove(r, 'nope', e);
    expect(H.lastSizeChange()).toBe(0);
  });
});
