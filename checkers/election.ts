/**
 * Election ordering (FastLeaderElection): the leader of each election is the greatest
 * (peerEpoch, zxid, sid) among the servers whose votes elected it.
 *
 * Each server's own credential is its initial vote of an election round (`election.start`'s
 * vote, or else a `vote` for itself in that round): its currentEpoch and last logged zxid. At
 * `election.decided` with state LEADING the decided vote must name the decider itself and must not
 * be beaten by the credential of any server in `votesFrom`. With `ensembleSize`, the voters must
 * also be a strict majority.
 *
 * The voter's credential is the one it had in the round the decider counted (the decided `round`):
 * FastLeaderElection.lookForLeader counts only votes of its own logicalclock, and a decider that
 * stalls (a GC pause) in the finalize wait and then finds its queue empty decides on those votes
 * even if the voters have since moved to later rounds with newer credentials — legal 3.8 behaviour
 * (the decision is then settled by Zab's epoch handshake, not by the election).
 *
 * A LEADING decision must also be of the decider's own round (its latest `election.start` / `vote`
 * round): FastLeaderElection.checkLeader lets a server take itself as leader only when the
 * notices naming it are of its current logicalclock (the ZOOKEEPER-1514 fix) — stale FOLLOWING
 * answers from a previous round, sent by servers that have not noticed it left, are not a quorum.
 *
 * Shortcut: a voter already FOLLOWING/LEADING answers with its established vote; its credential is
 * then the one from its latest election round not after the decided round, which may be older
 * than its log.
 */
import { zxidHex } from '../protocol/zxid.ts';
import { decode, serverNames, type VoteInfo } from '../trace/view.ts';
import { Verdict } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

/**
 * totalOrderPredicate: does a beat b? The project's one deliberately independent copy of the vote
 * order (the model's is protocol/election/order.ts): a checker must not share a bug with what it
 * checks.
 */
function beats(a: VoteInfo, b: VoteInfo): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

interface Cred {
  readonly vote: VoteInfo;
  readonly i: number;
  readonly round: number;
  /** Which process incarnation of the voter (rounds start again at 1 after a restart). */
  readonly life: number;
}

/**
 * The credential that may have backed the counted vote of round `round`: among the voter's
 * credentials of that round (one per incarnation; a restarted voter counts rounds from 1 again)
 * the weakest — the decider may have counted any of them — else the latest of an earlier round,
 * else the latest of all.
 */
function credentialIn(list: readonly Cred[] | undefined, round: number, decided: VoteInfo): Cred | undefined {
  if (list === undefined || list.length === 0) return undefined;
  let weakest: Cred | undefined;
  let earlier: Cred | undefined;
  for (const c of list) {
    if (c.round === round) {
      if (weakest === undefined || !beats(c.vote, decided)) weakest = c;
    } else if (c.round < round && (earlier === undefined || c.round >= earlier.round)) earlier = c;
  }
  return weakest ?? earlier ?? list[list.length - 1];
}

function show(x: VoteInfo): string {
  return `(epoch ${x.peerEpoch}, ${zxidHex(x.zxid)}, sid ${x.leader})`;
}

export function electionOrder(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('ElectionOrder', options);
  /** Per server: its credential in each round it voted in, in trace order, across incarnations. */
  const cred = new Map<number, Cred[]>();
  const life = new Map<number, number>();
  /** Per server: its current election round (logicalclock), from `election.start` and `vote`. */
  const clock = new Map<number, number>();
  const note = (sid: number, round: number | undefined, vote: VoteInfo, i: number): void => {
    let list = cred.get(sid);
    if (list === undefined) cred.set(sid, (list = []));
    const r = round ?? -1;
    const l = life.get(sid) ?? 0;
    const at = list.findIndex((c) => c.round === r && c.life === l);
    if (at >= 0) list.splice(at, 1);
    list.push({ vote, i, round: r, life: l });
  };
  const names = serverNames(records);
  for (const d of decode(records)) {
    const e = d.e;
    const me = names.myidOf(d.node);
    if (e.k === 'boot') {
      clock.delete(me);
      life.set(me, (life.get(me) ?? 0) + 1);
      continue;
    }
    if (e.k === 'electionStart') {
      clock.set(me, e.round);
      if (e.vote !== undefined && e.vote.leader === me) note(me, e.round, e.vote, d.i);
      continue;
    }
    if (e.k === 'vote') {
      clock.set(me, e.round);
      if (e.vote.leader === me) note(me, e.round, e.vote, d.i);
      continue;
    }
    if (e.k !== 'decided' || e.state !== 'LEADING') continue;
    if (e.vote.leader !== me) {
      v.add(d.t, d.node, `decided LEADING for a vote naming sid ${e.vote.leader}`, [d.i]);
      continue;
    }
    const mine = clock.get(me);
    if (mine !== undefined && e.round !== mine)
      v.add(d.t, d.node, `decided LEADING on votes of round ${e.round} while in round ${mine} (a server takes itself as leader only on notices of its own round)`, [d.i]);
    const voters = new Set(e.votesFrom);
    voters.add(me);
    if (options?.ensembleSize !== undefined && voters.size * 2 <= options.ensembleSize)
      v.add(d.t, d.node, `became leader with votes from ${[...voters].sort((a, b) => a - b).join(',')}: no majority of ${options.ensembleSize}`, [d.i]);
    for (const q of [...voters].sort((a, b) => a - b)) {
      if (q === me) continue;
      const c = credentialIn(cred.get(q), e.round, e.vote);
      if (c !== undefined && beats(c.vote, e.vote))
        v.add(d.t, d.node, `elected ${show(e.vote)} although voter ${names.nodeOf(q)} has ${show(c.vote)}`, [d.i, c.i]);
    }
  }
  return v.result();
}
