/**
 * Counting votes the way FastLeaderElection.getVoteTracker + QuorumMaj do: the servers whose stored
 * vote equals a target vote, and whether they form a strict majority of the voting members.
 * (Reconfiguration — a second, "last seen" quorum verifier — is not modelled.)
 */
import type { StatedVote } from './types.ts';

/**
 * Vote.equals: if either side is LOOKING every field must match; between two non-LOOKING votes only
 * (leader, peerEpoch) — out-of-election servers may advertise stale zxids/rounds (ZOOKEEPER-1805,
 * ZOOKEEPER-1732). All simulated servers use the same message version, so the mixed-version rule
 * (compare the leader only) never applies.
 */
export function votesEqual(a: StatedVote, b: StatedVote): boolean {
  if (a.state === 'LOOKING' || b.state === 'LOOKING') {
    return (
      a.leader === b.leader &&
      a.zxid === b.zxid &&
      a.electionEpoch === b.electionEpoch &&
      a.peerEpoch === b.peerEpoch
    );
  }
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

/** Sids (ascending) whose vote in `votes` equals `target`. */
export function agreeing(votes: ReadonlyMap<number, StatedVote>, target: StatedVote): number[] {
  const out: number[] = [];
  for (const [sid, v] of votes) if (votesEqual(v, target)) out.push(sid);
  return out.sort((a, b) => a - b);
}

/**
 * QuorumMaj.containsQuorum: more than half of the voting members (observers carry no weight). The
 * one quorum rule of the model: the election and Zab (epoch, NEWLEADER acks, commits, the synced
 * set) all count with it.
 */
export function isMajority(sids: Iterable<number>, participants: readonly number[]): boolean {
  let n = 0;
  for (const sid of sids) if (participants.includes(sid)) n++;
  return n * 2 > participants.length;
}
