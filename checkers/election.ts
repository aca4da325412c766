/**
 * Election ordering (FastLeaderElection): the leader of each election is the greatest
 * (peerEpoch, zxid, sid) among the servers whose votes elected it.
 *
 * Each server's own credential is its initial vote of its latest election (`election.start`'s
 * vote, or else a `vote` for itself): its currentEpoch and last logged zxid. At
 * `election.decided` with state LEADING the decided vote must name the decider itself and must not
 * be beaten by the credential of any server in `votesFrom`. With `ensembleSize`, the voters must
 * also be a strict majority.
 *
 * Shortcut: a voter already FOLLOWING/LEADING answers with its established vote; its credential is
 * then the one from its own last election, which may be older than its log.
 */
import { zxidHex } from '../protocol/zxid.ts';
import { decode, sidOf, type VoteInfo } from './events.ts';
import { Verdict } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

/** totalOrderPredicate: does a beat b? */
function beats(a: VoteInfo, b: VoteInfo): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

function show(x: VoteInfo): string {
  return `(epoch ${x.peerEpoch}, ${zxidHex(x.zxid)}, sid ${x.leader})`;
}

export function electionOrder(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('ElectionOrder', options);
  const cred = new Map<number, { vote: VoteInfo; i: number }>();
  for (const d of decode(records)) {
    const e = d.e;
    const me = sidOf(d.node);
    if (e.k === 'electionStart') {
      if (e.vote !== undefined && e.vote.leader === me) cred.set(me, { vote: e.vote, i: d.i });
      continue;
    }
    if (e.k === 'vote') {
      if (e.vote.leader === me) cred.set(me, { vote: e.vote, i: d.i });
      continue;
    }
    if (e.k !== 'decided' || e.state !== 'LEADING') continue;
    if (e.vote.leader !== me) {
      v.add(d.t, d.node, `decided LEADING for a vote naming sid ${e.vote.leader}`, [d.i]);
      continue;
    }
    const voters = new Set(e.votesFrom);
    voters.add(me);
    if (options?.ensembleSize !== undefined && voters.size * 2 <= options.ensembleSize)
      v.add(d.t, d.node, `became leader with votes from ${[...voters].sort((a, b) => a - b).join(',')}: no majority of ${options.ensembleSize}`, [d.i]);
    for (const q of [...voters].sort((a, b) => a - b)) {
      if (q === me) continue;
      const c = cred.get(q);
      if (c !== undefined && beats(c.vote, e.vote))
        v.add(d.t, d.node, `elected ${show(e.vote)} although voter s${q} has ${show(c.vote)}`, [d.i, c.i]);
    }
  }
  return v.result();
}
