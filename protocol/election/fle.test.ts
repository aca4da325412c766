/**
 * One FastLeaderElection instance fed by hand: what it sends, which timers it sets, how it answers.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../contract.ts';
import { FastLeaderElection, FINALIZE_TIMER, POLL_TIMER } from './fle.ts';
import { NO_VALUE, type ElectionConfig, type Notification, type ServerState } from './types.ts';

const P3 = [1, 2, 3];

function note(sid: number, state: ServerState, leader: number, zxid: number, round: number, peerEpoch = 1): Notification {
  return { type: 'NOTIFICATION', sid, state, leader, zxid, electionEpoch: round, peerEpoch };
}
/** An election whose connections to every other server are already up (the ensemble was running),
 *  so replies are not preceded by QuorumCnxManager's re-send on a new connection. */
function make(config: ElectionConfig): FastLeaderElection {
  const fle = new FastLeaderElection(config);
  for (const sid of [...config.participants, ...config.observers]) {
    // An OBSERVING notice for nobody: parked and later ignored by the loop, but it opens the link.
    if (sid !== config.myid) fle.onNotification(`s${sid}`, note(sid, 'OBSERVING', -1, 0, 0), 0);
  }
  return fle;
}
/** Sends, with the destination read from the connection id (`<me>><sid>#e<n>@<ms>`). */
const sends = (fx: Effect[]) =>
  fx.flatMap((e) =>
    e.kind === 'send' ? [{ to: e.to ?? `s${e.conn.split('>')[1]!.split('#')[0]}`, msg: e.msg as Notification }] : [],
  );
const sendConns = (fx: Effect[]) => fx.flatMap((e) => (e.kind === 'send' && e.conn !== undefined ? [e.conn] : []));
const timers = (fx: Effect[]) =>
  fx.flatMap((e) => (e.kind === 'setTimer' ? [`${e.timer}:${e.afterMs}`] : e.kind === 'cancelTimer' ? [`-${e.timer}`] : []));
const traces = (fx: Effect[], event: string) =>
  fx.flatMap((e) => (e.kind === 'trace' && e.event === event ? [e.data ?? {}] : []));

describe('FastLeaderElection (single instance)', () => {
  it('starts a round: proposes itself to every other participant and polls for finalizeWait', () => {
    const fle = make({ myid: 2, participants: P3, observers: [7] });
    const fx = fle.lookForLeader(0x100000005, 1, 0);
    const out = sends(fx);
    expect(out.map((s) => s.to)).toEqual(['s1', 's3']); // not observers, not myself (loopback)
    expect(out[0]!.msg).toEqual(note(2, 'LOOKING', 2, 0x100000005, 1, 1));
    expect(timers(fx)).toContain(`${POLL_TIMER}:200`);
    expect(traces(fx, 'election.start')).toEqual([
      { round: 1, vote: { leader: 2, zxid: 0x100000005, electionEpoch: 1, peerEpoch: 1 } },
    ]);
    expect(fle.logicalClock).toBe(1);
    expect(fle.lookForLeader(0x100000005, 1, 10).length).toBeGreaterThan(0);
    expect(fle.logicalClock).toBe(2); // every election is a new round
  });

  it('an observer proposes nobody and notifies only the participants', () => {
    const fle = make({ myid: 7, participants: P3, observers: [7] });
    const out = sends(fle.lookForLeader(99, 5, 0));
    expect(out.map((s) => s.to)).toEqual(['s1', 's2', 's3']);
    expect(out[0]!.msg).toMatchObject({ leader: NO_VALUE, zxid: NO_VALUE, peerEpoch: NO_VALUE });
  });

  it('adopts a better vote in the same round and re-broadcasts; ignores a worse one', () => {
    const fle = make({ myid: 1, participants: P3, observers: [] });
    fle.lookForLeader(5, 1, 0);
    const worse = fle.onNotification('s2', note(2, 'LOOKING', 2, 4, 1), 1);
    expect(sends(worse)).toEqual([]);
    expect(fle.proposal.leader).toBe(1);
    const better = fle.onNotification('s3', note(3, 'LOOKING', 3, 6, 1), 2);
    expect(fle.proposal).toEqual({ leader: 3, zxid: 6, electionEpoch: 1, peerEpoch: 1 });
    expect(sends(better).map((s) => [s.to, s.msg.leader])).toEqual([['s2', 3], ['s3', 3]]);
    expect(traces(better, 'vote')).toEqual([{ leader: 3, zxid: 6, electionEpoch: 1, peerEpoch: 1, round: 1 }]);
  });

  it('a higher round resets the received votes and takes the better of that vote and my own', () => {
    const fle = make({ myid: 3, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(9, 1, 0);
    fle.onNotification('s1', note(1, 'LOOKING', 3, 9, 1), 1); // s1 backs me in round 1
    // s2 is in round 4 and backs a worse server: I move to round 4 but keep my own vote.
    const fx = fle.onNotification('s2', note(2, 'LOOKING', 2, 8, 4), 2);
    expect(fle.logicalClock).toBe(4);
    expect(fle.proposal).toEqual({ leader: 3, zxid: 9, electionEpoch: 4, peerEpoch: 1 });
    expect(sends(fx).map((s) => s.msg.electionEpoch)).toEqual([4, 4, 4, 4]);
    // s1's round-1 vote went with the reset: s1 and s5 in round 4 (+ me) make a quorum, s5 alone not.
    expect(timers(fle.onNotification('s5', note(5, 'LOOKING', 3, 9, 4), 3))).not.toContain(`${FINALIZE_TIMER}:200`);
    expect(timers(fle.onNotification('s1', note(1, 'LOOKING', 3, 9, 4), 4))).toContain(`${FINALIZE_TIMER}:200`);
  });

  it('during the finalize wait even a higher-round notice is dropped unless its vote is better', () => {
    const fle = make({ myid: 3, participants: P3, observers: [] });
    fle.lookForLeader(9, 1, 0);
    fle.onNotification('s1', note(1, 'LOOKING', 3, 9, 1), 1); // quorum {1, 3}: finalizing
    const fx = fle.onNotification('s2', note(2, 'LOOKING', 2, 8, 4), 2);
    expect(fle.logicalClock).toBe(1);
    expect(timers(fx)).toEqual([`${FINALIZE_TIMER}:200`]);
    fle.onTimer(FINALIZE_TIMER, 202);
    expect(fle.takeOutcome()?.state).toBe('LEADING');
  });

  it('answers a LOOKING peer in an older round with my proposal, and ignores its vote', () => {
    const fle = make({ myid: 1, participants: P3, observers: [] });
    fle.lookForLeader(5, 1, 0);
    fle.lookForLeader(5, 1, 0); // round 2
    const fx = fle.onNotification('s2', note(2, 'LOOKING', 2, 50, 1), 1);
    expect(sends(fx)).toEqual([{ to: 's2', msg: note(1, 'LOOKING', 1, 5, 2) }]);
    expect(fle.proposal.leader).toBe(1);
  });

  it('finalize wait: a worse notification restarts it, a better one interrupts it, silence decides', () => {
    const fle = make({ myid: 2, participants: P3, observers: [] });
    fle.lookForLeader(5, 1, 0);
    expect(fle.onTimer(FINALIZE_TIMER, 0)).toEqual([]); // not finalizing: a stray timer does nothing
    const q = fle.onNotification('s1', note(1, 'LOOKING', 2, 5, 1), 1);
    expect(timers(q)).toEqual([`-${POLL_TIMER}`, `${FINALIZE_TIMER}:200`]);
    expect(fle.onTimer(POLL_TIMER, 50)).toEqual([]); // no resends while finalizing
    const worse = fle.onNotification('s1', note(1, 'LOOKING', 1, 4, 1), 100);
    expect(timers(worse)).toEqual([`${FINALIZE_TIMER}:200`]);
    expect(fle.takeOutcome()).toBeNull();
    // s3 is better: leave the wait, adopt it; s3 and my own (loopback) vote are a quorum again.
    const better = fle.onNotification('s3', note(3, 'LOOKING', 3, 5, 1), 150);
    expect(timers(better)).toEqual([`-${FINALIZE_TIMER}`, `-${POLL_TIMER}`, `${FINALIZE_TIMER}:200`]);
    expect(fle.proposal.leader).toBe(3);
    expect(fle.takeOutcome()).toBeNull();
    const fx = fle.onTimer(FINALIZE_TIMER, 350);
    expect(fle.takeOutcome()).toEqual({
      state: 'FOLLOWING',
      vote: { leader: 3, zxid: 5, electionEpoch: 1, peerEpoch: 1 },
    });
    expect(fle.takeOutcome()).toBeNull(); // once
    expect(traces(fx, 'election.decided')).toEqual([
      { state: 'FOLLOWING', leader: 3, zxid: 5, peerEpoch: 1, round: 1, votesFrom: [2, 3], via: 'lookingQuorum', ms: 350 },
    ]);
    expect(fle.state).toBe('FOLLOWING');
    expect(fle.onTimer(FINALIZE_TIMER, 550)).toEqual([]);
  });

  it('once out of the election, answers LOOKING peers with the vote the peer last set (ZOOKEEPER-1732)', () => {
    const fle = make({ myid: 2, participants: P3, observers: [] });
    fle.lookForLeader(5, 1, 0);
    fle.onNotification('s1', note(1, 'LOOKING', 2, 5, 1), 1);
    fle.onTimer(FINALIZE_TIMER, 201);
    expect(fle.takeOutcome()?.state).toBe('LEADING');
    const a = fle.onNotification('s3', note(3, 'LOOKING', 3, 9, 1), 300);
    expect(sends(a)).toEqual([{ to: 's3', msg: note(2, 'LEADING', 2, 5, 1, 1) }]);
    // After Zab established epoch 2 the peer updates the advertised vote (updateElectionVote).
    fle.setCurrent('LEADING', { leader: 2, zxid: 5, electionEpoch: 1, peerEpoch: 2 });
    const b = fle.onNotification('s3', note(3, 'LOOKING', 3, 9, 7), 400);
    expect(sends(b)).toEqual([{ to: 's3', msg: note(2, 'LEADING', 2, 5, 1, 2) }]);
    // Peers that are not LOOKING get no answer.
    expect(sends(fle.onNotification('s1', note(1, 'FOLLOWING', 2, 5, 1), 401))).toEqual([]);
  });

  it('answers an observer at once with my current vote, even while LOOKING, without counting it', () => {
    const fle = make({ myid: 1, participants: P3, observers: [9] });
    fle.lookForLeader(5, 1, 0);
    fle.lookForLeader(5, 1, 0); // round 2; currentVote is still the boot vote
    const fx = fle.onNotification('s9', note(9, 'LOOKING', NO_VALUE, NO_VALUE, 1, NO_VALUE), 1);
    expect(sends(fx)).toEqual([{ to: 's9', msg: note(1, 'LOOKING', 1, 5, 2, 1) }]);
    expect(timers(fx)).toEqual([]); // not on recvqueue: the poll is not restarted
  });

  it('ignores votes for a non-voter and messages from non-server addresses', () => {
    const fle = make({ myid: 1, participants: P3, observers: [9] });
    fle.lookForLeader(5, 1, 0);
    fle.onNotification('s2', note(2, 'LOOKING', 9, 1000, 1, 9), 1);
    expect(fle.proposal.leader).toBe(1);
    expect(fle.onNotification('c1', note(2, 'LOOKING', 3, 1000, 1, 9), 2)).toEqual([]);
  });

  it('joins an established ensemble: needs a quorum on (leader, peerEpoch) and the leader saying LEADING', () => {
    const fle = make({ myid: 4, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(100, 1, 0);
    fle.onNotification('s1', note(1, 'FOLLOWING', 3, 7, 6, 2), 1);
    fle.onNotification('s2', note(2, 'FOLLOWING', 3, 8, 6, 2), 2);
    expect(fle.takeOutcome()).toBeNull(); // 3 of 5 with me? I do not vote for them: only 2 so far
    fle.onNotification('s5', note(5, 'FOLLOWING', 3, 9, 5, 2), 3);
    expect(fle.takeOutcome()).toBeNull(); // a quorum, but the leader itself has not said LEADING
    fle.onNotification('s3', note(3, 'LEADING', 3, 9, 6, 2), 4);
    expect(fle.takeOutcome()).toEqual({ state: 'FOLLOWING', vote: { leader: 3, zxid: 9, electionEpoch: 6, peerEpoch: 2 } });
    expect(fle.logicalClock).toBe(6); // takes the ensemble's round
  });

  it('does not follow a leader that has not itself said LEADING (checkLeader)', () => {
    const fle = make({ myid: 4, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(1, 1, 0);
    // s3 is still LOOKING in my round, backing itself; the others already follow it.
    fle.onNotification('s3', note(3, 'LOOKING', 3, 9, 1, 1), 1);
    for (const sid of [1, 2, 5]) fle.onNotification(`s${sid}`, note(sid, 'FOLLOWING', 3, 9, 1, 1), 2);
    expect(fle.takeOutcome()).toBeNull();
    fle.onNotification('s3', note(3, 'LEADING', 3, 9, 1, 1), 3);
    expect(fle.takeOutcome()).toMatchObject({ state: 'FOLLOWING', vote: { leader: 3 } });
  });

  it('a higher round also forgets FOLLOWING votes of the old round', () => {
    const fle = make({ myid: 1, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(1, 1, 0);
    fle.onNotification('s2', note(2, 'FOLLOWING', 3, 9, 1, 1), 1); // round 1: recvset and outofelection
    fle.onNotification('s4', note(4, 'LOOKING', 4, 2, 4, 1), 2); // round 4: recvset reset
    fle.onNotification('s5', note(5, 'FOLLOWING', 3, 9, 4, 1), 3);
    const fx = fle.onNotification('s3', note(3, 'LEADING', 3, 9, 4, 1), 4);
    // Only s3 and s5 in round 4: no recvset quorum; outofelection (s2, s3, s5) decides.
    expect(traces(fx, 'election.decided')).toMatchObject([{ leader: 3, via: 'outofelection', votesFrom: [2, 3, 5] }]);
  });

  it('a vote for a non-voter does not interrupt the finalize wait', () => {
    const fle = make({ myid: 2, participants: P3, observers: [9] });
    fle.lookForLeader(5, 1, 0);
    fle.onNotification('s1', note(1, 'LOOKING', 2, 5, 1), 1);
    const fx = fle.onNotification('s3', note(3, 'LOOKING', 9, 1e6, 1, 9), 2);
    expect(timers(fx)).toEqual([`${FINALIZE_TIMER}:200`]);
    fle.onTimer(FINALIZE_TIMER, 202);
    expect(fle.takeOutcome()?.state).toBe('LEADING');
  });

  it('a delayed notice from an older round does not replace that peer\'s current vote', () => {
    const fle = make({ myid: 5, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(9, 1, 0);
    fle.lookForLeader(9, 1, 0); // round 2
    fle.onNotification('s1', note(1, 'LOOKING', 5, 9, 2), 1);
    fle.onNotification('s1', note(1, 'LOOKING', 1, 3, 1), 2); // stale, overtaken in flight
    const fx = fle.onNotification('s2', note(2, 'LOOKING', 5, 9, 2), 3);
    expect(timers(fx)).toContain(`${FINALIZE_TIMER}:200`); // s1, s2 and I back s5 in round 2
  });

  it('every election starts with empty vote sets, outofelection included', () => {
    const fle = make({ myid: 1, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(1, 1, 0);
    fle.onNotification('s2', note(2, 'FOLLOWING', 4, 9, 1, 1), 1);
    fle.onNotification('s3', note(3, 'FOLLOWING', 4, 9, 1, 1), 2);
    fle.lookForLeader(1, 1, 3); // the peer starts over
    fle.onNotification('s4', note(4, 'LEADING', 4, 9, 1, 1), 4);
    expect(fle.takeOutcome()).toBeNull();
  });

  it('every notification that reaches the loop restarts the poll with the current timeout', () => {
    const fle = make({ myid: 1, participants: [1, 2, 3, 4, 5], observers: [] });
    fle.lookForLeader(1, 1, 0);
    expect(timers(fle.onNotification('s2', note(2, 'LOOKING', 2, 0, 1), 150))).toEqual([`${POLL_TIMER}:200`]);
    fle.onTimer(POLL_TIMER, 350);
    expect(timers(fle.onNotification('s2', note(2, 'LOOKING', 2, 0, 1), 400))).toEqual([`${POLL_TIMER}:400`]);
  });

  it('a server whose log could not be read (zxid -1) ignores LOOKING votes, and is ignored', () => {
    const broken = make({ myid: 1, participants: P3, observers: [] });
    broken.lookForLeader(-1, 0, 0);
    broken.onNotification('s3', note(3, 'LOOKING', 3, 9, 1), 1);
    expect(broken.proposal.leader).toBe(1);
    const healthy = make({ myid: 2, participants: P3, observers: [] });
    healthy.lookForLeader(5, 1, 0);
    healthy.onNotification('s3', note(3, 'LOOKING', 3, -1, 1, 9), 1);
    expect(healthy.proposal.leader).toBe(2);
  });

  it('does not take itself as leader on FOLLOWING notices from an older round (ZOOKEEPER-1514)', () => {
    // FLEBackwardElectionRoundTest: in round 1 the notices make me leader; in round 2 they must not.
    for (const bug of [false, true]) {
      const fle = make({ myid: 1, participants: P3, observers: [], bugs: { selfLeaderIgnoresRound: bug } });
      fle.lookForLeader(0, 0, 0);
      fle.onNotification('s2', note(2, 'FOLLOWING', 1, 0, 1, 0), 1);
      fle.onNotification('s3', note(3, 'FOLLOWING', 1, 0, 1, 0), 2);
      expect(fle.takeOutcome()?.state).toBe('LEADING');
      fle.lookForLeader(0, 0, 100);
      fle.onNotification('s2', note(2, 'FOLLOWING', 1, 0, 1, 0), 101);
      fle.onNotification('s3', note(3, 'FOLLOWING', 1, 0, 1, 0), 102);
      expect(fle.takeOutcome()?.state, `bug=${bug}`).toBe(bug ? 'LEADING' : undefined);
    }
  });

  it('keeps notifications that arrive while LOOKING between elections for the next round', () => {
    const fle = make({ myid: 1, participants: P3, observers: [] });
    fle.setCurrent('LOOKING', { leader: 1, zxid: 5, electionEpoch: -1, peerEpoch: 1 });
    expect(sends(fle.onNotification('s3', note(3, 'LOOKING', 3, 6, 1), 0))).toEqual([]);
    const fx = fle.lookForLeader(5, 1, 1);
    expect(fle.proposal.leader).toBe(3);
    expect(timers(fx)).toContain(`${FINALIZE_TIMER}:200`); // s3 + my own vote for s3
  });

  it('a one-server ensemble elects itself after finalizeWait', () => {
    const fle = make({ myid: 1, participants: [1], observers: [] });
    const fx = fle.lookForLeader(0, 0, 0);
    expect(sends(fx)).toEqual([]);
    expect(timers(fx)).toContain(`${FINALIZE_TIMER}:200`);
    fle.onTimer(FINALIZE_TIMER, 200);
    expect(fle.takeOutcome()?.state).toBe('LEADING');
  });

  it('sends on its own connection per peer, opened at the first send', () => {
    const fle = new FastLeaderElection({ myid: 1, participants: P3, observers: [] });
    const fx = fle.lookForLeader(5, 1, 0);
    const connects = fx.filter((e) => e.kind === 'connect');
    expect(connects).toEqual([
      { kind: 'connect', conn: '1>2#e1@0', to: 's2', port: 'election' },
      { kind: 'connect', conn: '1>3#e2@0', to: 's3', port: 'election' },
    ]);
    expect(sendConns(fx)).toEqual(['1>2#e1@0', '1>3#e2@0']);
    // The next notification goes on the same connections.
    const again = fle.onTimer(POLL_TIMER, 200);
    expect(again.filter((e) => e.kind === 'connect')).toEqual([]);
    expect(sendConns(again)).toEqual(['1>2#e1@0', '1>3#e2@0']);
  });

  it('re-sends the last message to a peer that connects while I hold no connection to it', () => {
    const fle = new FastLeaderElection({ myid: 1, participants: P3, observers: [] });
    const first = sends(fle.lookForLeader(5, 1, 0));
    // My connection to s2 is live: its connecting to me changes nothing.
    expect(fle.onAccepted('s2', 1)).toEqual([]);
    // s2 was down: my connection was refused. When s2 connects, I reconnect and re-send.
    expect(fle.onConnGone('1>2#e1@0', 'refused', 2)).toEqual([]);
    const fx = fle.onAccepted('s2', 2);
    expect(fx).toEqual([
      { kind: 'connect', conn: '1>2#e3@2', to: 's2', port: 'election' },
      { kind: 'send', conn: '1>2#e3@2', msg: first[0]!.msg },
    ]);
    // A lost connection of someone else's (an inbound one, a client's) changes nothing.
    expect(fle.onConnGone('2>1#e1@0', 'reset', 3)).toEqual([]);
    expect(fle.onAccepted('s2', 3)).toEqual([]);
    // My own connection reset or broken (the host could not retransmit): reconnect and re-send.
    expect(fle.onConnGone('1>2#e3@2', 'broken', 4)).toEqual([
      { kind: 'connect', conn: '1>2#e4@4', to: 's2', port: 'election' },
      { kind: 'send', conn: '1>2#e4@4', msg: first[0]!.msg },
    ]);
  });

  it('rejects a config that does not include me', () => {
    expect(() => new FastLeaderElection({ myid: 4, participants: P3, observers: [] })).toThrow(/neither/);
  });
});
