/**
 * ElectionOrder judges a LEADING decision against each voter's credential in the round that was
 * counted. FastLeaderElection.lookForLeader (3.8) decides once its finalize wait finds no better
 * notification; a server stalled in that wait (a GC pause) decides on its old round's votes even
 * though the voters have since started later rounds with newer credentials.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from './testing/trace-builder.ts';
import { electionOrder } from './election.ts';

/** Round 1: s2 votes for s3 (tie broken by sid). s2 later starts round 3 with `later` as its
 *  credential; then s3, stalled since round 1, decides LEADING on round 1's votes. */
function trace(round1: { zxid: number; peerEpoch: number }, later: { zxid: number; peerEpoch: number }) {
  const b = new TraceBuilder().boot('s2', 's3');
  b.ev('s2', 'election.start', { round: 1, vote: { leader: 2, electionEpoch: 1, ...round1 } });
  b.ev('s3', 'election.start', { round: 1, vote: { leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0 } });
  b.ev('s2', 'vote', { leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0, round: 1 });
  b.ev('s2', 'election.start', { round: 3, vote: { leader: 2, electionEpoch: 3, ...later } });
  const at = b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [2, 3], via: 'quorum', ms: 0 });
  return { records: b.records, at };
}

describe('ElectionOrder per counted round', () => {
  it("passes a decision on round-1 votes although the voter's round-3 credential is newer", () => {
    const t = trace({ zxid: 0, peerEpoch: 0 }, { zxid: 0, peerEpoch: 1 });
    expect(electionOrder(t.records, { ensembleSize: 3 }).violations).toEqual([]);
  });

  it("catches a decision beaten by the voter's credential in the counted round", () => {
    const t = trace({ zxid: z(0, 5), peerEpoch: 0 }, { zxid: 0, peerEpoch: 0 });
    const r = electionOrder(t.records, { ensembleSize: 3 });
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.records[0]).toBe(t.at);
    expect(r.violations[0]!.message).toMatch(/voter s2 has \(epoch 0, 0x5, sid 2\)/);
  });

  /** s1 votes for s3 in round 1, restarts, and its new incarnation's round 1 has `after`. */
  function restarted(before: { zxid: number; peerEpoch: number }, after: { zxid: number; peerEpoch: number }) {
    const b = new TraceBuilder().boot('s1', 's3');
    b.ev('s1', 'election.start', { round: 1, vote: { leader: 1, electionEpoch: 1, ...before } });
    b.ev('s3', 'election.start', { round: 1, vote: { leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0 } });
    b.ev('s1', 'vote', { leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0, round: 1 });
    b.host('s1', 'crash', { lost: 0, kept: 0 });
    b.host('s1', 'restart', { log: 0, snapshots: 0, meta: 2 });
    b.ev('s1', 'election.start', { round: 1, vote: { leader: 1, electionEpoch: 1, ...after } });
    b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [1, 3], via: 'quorum', ms: 0 });
    return b.records;
  }

  it("passes when the voter's round 1 of an earlier incarnation backs the decision", () => {
    expect(electionOrder(restarted({ zxid: 0, peerEpoch: 0 }, { zxid: 0, peerEpoch: 1 })).violations).toEqual([]);
  });

  it("catches a decision that every incarnation's round-1 credential beats", () => {
    const r = electionOrder(restarted({ zxid: z(1, 1), peerEpoch: 1 }, { zxid: 0, peerEpoch: 1 }));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/voter s1 has \(epoch 1, /);
  });
});

/**
 * ZOOKEEPER-1514: s3 led round 1, stepped down and started round 2; s1 and s2, still following it,
 * answer FOLLOWING leader=3 of round 1, and s3 takes those stale answers as its quorum.
 */
describe('ElectionOrder: a LEADING decision is of the decider\'s own round', () => {
  function story(decidedRound: number) {
    const b = new TraceBuilder().boot('s1', 's2', 's3');
    for (const s of [1, 2, 3]) b.ev(`s${s}`, 'election.start', { round: 1, vote: { leader: s, zxid: 0, electionEpoch: 1, peerEpoch: 0 } });
    b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [1, 2, 3], via: 'lookingQuorum', ms: 200 });
    b.ev('s3', 'election.start', { round: 2, vote: { leader: 3, zxid: 0, electionEpoch: 2, peerEpoch: 1 } });
    const at = b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 1, round: decidedRound, votesFrom: [1, 2], via: 'outofelection', ms: 0 });
    return { records: b.records, at };
  }

  it('passes a decision of the current round', () => {
    expect(electionOrder(story(2).records, { ensembleSize: 3 }).violations).toEqual([]);
  });

  it('catches a server that takes itself as leader on notices of an older round', () => {
    const t = story(1);
    const r = electionOrder(t.records, { ensembleSize: 3 });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]!.records).toEqual([t.at]);
    expect(r.violations[0]!.message).toMatch(/decided LEADING on votes of round 1 while in round 2/);
  });

  it('counts rounds per incarnation (a restarted server starts at round 1 again)', () => {
    const b = new TraceBuilder().boot('s3');
    b.ev('s3', 'election.start', { round: 4, vote: { leader: 3, zxid: 0, electionEpoch: 4, peerEpoch: 0 } });
    b.host('s3', 'crash', { lost: 0, kept: 0 });
    b.host('s3', 'restart', { log: 0, snapshots: 0, meta: 0 });
    b.ev('s3', 'election.start', { round: 1, vote: { leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0 } });
    b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [3], via: 'lookingQuorum', ms: 0 });
    expect(electionOrder(b.records).violations).toEqual([]);
  });
});
