/**
 * The peer's role invariants catch planted defects: each test breaks one invariant by hand and
 * checks that the next step throws an InvariantError naming the invariant and the node. (The
 * packet-borne ones — acksInsideOutstandingWindow, commitsInZxidOrder — are shown by
 * protocol/testing/testdata/invariants.txt.)
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_DURABLE } from '../contract.ts';
import { quorumConfig } from '../config.ts';
import { InvariantError } from '../invariant.ts';
import { dataBackend } from './dataBackend.ts';
import { newServer } from './ensemble.ts';

function started() {
  const p = newServer('s1', { cfg: quorumConfig([1, 2, 3]), backend: dataBackend() });
  p.step({ kind: 'start', durable: EMPTY_DURABLE, restart: false }, 0, 0);
  return p;
}

function thrown(f: () => unknown): InvariantError {
  try {
    f();
  } catch (e) {
    if (e instanceof InvariantError) return e;
    throw e;
  }
  throw new Error('no invariant fired');
}

describe('role invariants', () => {
  it('a correct peer passes them', () => {
    const p = started();
    expect(() => p.step({ kind: 'timer', timer: 'fle.poll' }, 200, 200)).not.toThrow();
  });

  it('LEADING without a leader object', () => {
    const p = started();
    p.state = 'LEADING';
    const e = thrown(() => p.step({ kind: 'timer', timer: 'nothing' }, 1, 1));
    expect([e.invariant, e.node]).toEqual(['leadingIffLeader', 's1']);
    expect(e.message).toBe('invariant leadingIffLeader violated at s1: state LEADING without a leader object');
  });

  it('FOLLOWING without a learner object', () => {
    const p = started();
    p.state = 'FOLLOWING';
    expect(thrown(() => p.step({ kind: 'timer', timer: 'nothing' }, 1, 1)).invariant).toBe('learningIffLearner');
  });

  it('acceptedEpoch below currentEpoch', () => {
    const p = started();
    p.currentEpoch = 3;
    p.acceptedEpoch = 2;
    const e = thrown(() => p.step({ kind: 'timer', timer: 'nothing' }, 1, 1));
    expect(e.message).toBe('invariant acceptedEpochAtLeastCurrent violated at s1: acceptedEpoch 2 < currentEpoch 3');
  });
});
