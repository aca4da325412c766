import { describe, expect, it } from 'vitest';
import { totalOrderPredicate, totalOrderPredicate1419 } from './order.ts';
import { agreeing, isMajority, votesEqual } from './quorum.ts';
import type { StatedVote } from './types.ts';
import { makeZxid } from '../zxid.ts';

describe('totalOrderPredicate', () => {
  const z = makeZxid(1, 5);
  it('a higher peerEpoch wins whatever the zxid and sid', () => {
    expect(totalOrderPredicate(1, makeZxid(1, 1), 2, 3, makeZxid(1, 9), 1)).toBe(true);
    expect(totalOrderPredicate(3, makeZxid(1, 9), 1, 1, makeZxid(1, 1), 2)).toBe(false);
  });
  it('on equal epochs the higher zxid wins, then the higher sid', () => {
    expect(totalOrderPredicate(1, z + 1, 1, 3, z, 1)).toBe(true);
    expect(totalOrderPredicate(3, z, 1, 1, z + 1, 1)).toBe(false);
    expect(totalOrderPredicate(3, z, 1, 2, z, 1)).toBe(true);
    expect(totalOrderPredicate(2, z, 1, 3, z, 1)).toBe(false);
  });
  it('a vote never beats itself (strict order)', () => {
    expect(totalOrderPredicate(2, z, 1, 2, z, 1)).toBe(false);
  });
  it('is a strict total order: exactly one of two distinct votes beats the other', () => {
    const votes: [number, number, number][] = [];
    for (const sid of [1, 2, 3]) for (const c of [4, 5]) for (const e of [1, 2]) votes.push([sid, makeZxid(1, c), e]);
    for (const a of votes) {
      for (const b of votes) {
        if (a === b) continue;
        const ab = totalOrderPredicate(a[0], a[1], a[2], b[0], b[1], b[2]);
        const ba = totalOrderPredicate(b[0], b[1], b[2], a[0], a[1], a[2]);
        expect(ab !== ba, `${a} vs ${b}`).toBe(true);
      }
    }
  });
  it('the ZOOKEEPER-1419 order is not antisymmetric: equal zxids, different epochs beat each other', () => {
    // s1 has moved to epoch 2 without new txns; s3 is still in epoch 1 with the same last zxid.
    expect(totalOrderPredicate1419(3, z, 1, 1, z, 2)).toBe(true);
    expect(totalOrderPredicate1419(1, z, 2, 3, z, 1)).toBe(true);
    expect(totalOrderPredicate(3, z, 1, 1, z, 2)).toBe(false);
    // Where epochs agree, the buggy order matches the fixed one.
    expect(totalOrderPredicate1419(3, z, 1, 2, z, 1)).toBe(totalOrderPredicate(3, z, 1, 2, z, 1));
  });
});

describe('vote counting', () => {
  const v = (leader: number, state: StatedVote['state'], zxid = 7, round = 1, epoch = 1): StatedVote => ({
    leader,
    zxid,
    electionEpoch: round,
    peerEpoch: epoch,
    state,
  });
  it('LOOKING votes must match on every field', () => {
    expect(votesEqual(v(2, 'LOOKING'), v(2, 'LOOKING'))).toBe(true);
    expect(votesEqual(v(2, 'LOOKING'), v(2, 'LOOKING', 8))).toBe(false);
    expect(votesEqual(v(2, 'LOOKING'), v(2, 'FOLLOWING', 7, 2))).toBe(false);
  });
  it('votes of servers out of the election match on (leader, peerEpoch) only', () => {
    expect(votesEqual(v(2, 'FOLLOWING', 7, 1), v(2, 'LEADING', 9, 4))).toBe(true);
    expect(votesEqual(v(2, 'FOLLOWING', 7, 1, 1), v(2, 'LEADING', 7, 1, 2))).toBe(false);
  });
  it('a quorum is a strict majority of the participants; observers do not count', () => {
    const votes = new Map<number, StatedVote>([
      [1, v(3, 'LOOKING')],
      [9, v(3, 'LOOKING')],
      [3, v(3, 'LOOKING')],
      [2, v(2, 'LOOKING')],
    ]);
    const yes = agreeing(votes, v(3, 'LOOKING'));
    expect(yes).toEqual([1, 3, 9]);
    expect(isMajority(yes, [1, 2, 3, 4, 5])).toBe(false);
    expect(isMajority(yes, [1, 2, 3])).toBe(true);
    expect(isMajority([1, 2], [1, 2, 3, 4])).toBe(false);
    expect(isMajority([1, 2, 3], [1, 2, 3, 4])).toBe(true);
  });
});
