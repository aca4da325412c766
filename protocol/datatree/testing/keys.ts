import { expect } from 'vitest';
import { hashString } from '../hamt.ts';

/**
 * Pairs of keys with equal 32-bit hashString (found once by a birthday search over random keys);
 * collidingKeys() checks they really collide, so a changed hash function fails loudly.
 */
const COLLIDING_PAIRS = [
  ['c4rb9c27pfi', 'cbhpu8vn24q'],
  ['cgvqoh981fz', 'celei1oor63'],
  ['cxvdjoj94ar', 'clohnynqguv'],
  ['cmuq5oj0d8i', 'chsipglzlbc'],
  ['c7h7hcixxtj', 'c13tbgazkf0u'],
  ['cu2ccfxk59a', 'co1eppixc91'],
];

export function collidingKeys(): string[] {
  for (const [a, b] of COLLIDING_PAIRS) expect(hashString(a!)).toBe(hashString(b!));
  return COLLIDING_PAIRS.flat();
}
