/**
 * Elections as episodes, read from the trace alone: who stood with which credential
 * (peerEpoch, last logged zxid, myid), every change of proposal (the ballot) with the comparison
 * that made the server switch and the notification that carried the better vote, the winner, the
 * servers whose votes made its quorum, how the election ended (the finalize wait, or joining a
 * running ensemble) and the epoch the winner then established. The narration prints them; the
 * timeline's ballot view can draw them.
 *
 * Fast Leader Election compares votes by peerEpoch, then zxid, then myid (totalOrderPredicate):
 * `compareVotes` and `decisiveField` say which component decided.
 */
import type { TraceRecord } from '../trace/records.ts';
import { hexZxid } from './timeline/names.ts';

/** A vote's credential as FLE orders it. */
export interface Triple {
  readonly epoch: number;
  readonly zxid: number;
  readonly myid: number;
}

export type Decisive = 'epoch' | 'zxid' | 'myid';

/** One change of a server's proposal during an election. */
export interface BallotStep {
  readonly t: number;
  readonly node: string;
  readonly round: number;
  /** The server it backed before ('' at the start of an election). */
  readonly fromLeader: string;
  readonly toLeader: string;
  readonly vote: Triple;
  /** Which component made the new vote better than the old one; 'round' when a newer round
   *  reset the proposal; 'start' for the server's own initial vote. */
  readonly reason: Decisive | 'round' | 'start' | 'same';
  /** The server whose notification carried the new vote, when the trace shows it. */
  readonly via?: string;
  /** The notification came from a newer round: the server moved to it (and compared with its own credential). */
  readonly newRound?: boolean;
}

export interface Contender {
  readonly node: string;
  readonly credential: Triple;
  /** How the winner's vote beat this one (absent for the winner itself); 'notCounted' when this
   *  credential is better but its votes were not among those that decided. */
  readonly beatenOn?: Decisive | 'notCounted';
}

export interface Decision {
  readonly t: number;
  readonly node: string;
  readonly state: 'LEADING' | 'FOLLOWING' | 'OBSERVING';
  readonly votesFrom: readonly string[];
  readonly via: string;
}

export interface Election {
  /** First election.start of the episode. */
  readonly t0: number;
  /** When the winner decided to lead. */
  readonly t1: number;
  readonly winner: string;
  readonly round: number;
  readonly winning: Triple;
  readonly contenders: readonly Contender[];
  /** The winner's quorum (its `votesFrom`). */
  readonly decidedBy: readonly string[];
  /** 'lookingQuorum' (the finalize wait passed), 'recvset' / 'outofelection' (joined a leader). */
  readonly via: string;
  /** The finalize wait as seen: decision time minus the winner's last notification before it (ms). */
  readonly finalizeWaitMs?: number;
  readonly ballot: readonly BallotStep[];
  readonly decisions: readonly Decision[];
  /** The epoch the winner established, and when (absent if it never did). */
  readonly epoch?: number;
  readonly establishedAt?: number;
}

/** A server that joined an already running ensemble (decided to follow someone already leading). */
export interface Join {
  readonly t: number;
  readonly node: string;
  readonly leader: string;
  readonly state: 'FOLLOWING' | 'OBSERVING';
}

const FIELDS: readonly Decisive[] = ['epoch', 'zxid', 'myid'];

/** FLE's order: > 0 when `a` beats `b`. */
export function compareVotes(a: Triple, b: Triple): number {
  for (const f of FIELDS) if (a[f] !== b[f]) return a[f] > b[f] ? 1 : -1;
  return 0;
}

/** The first component on which the two votes differ (null when equal). */
export function decisiveField(a: Triple, b: Triple): Decisive | null {
  for (const f of FIELDS) if (a[f] !== b[f]) return f;
  return null;
}

/** `(epoch 1, zxid 0x100000003, myid 3)` */
export function tripleText(v: Triple): string {
  return `(epoch ${v.epoch}, zxid ${hexZxid(v.zxid)}, myid ${v.myid})`;
}

const s = (sid: number): string => 's' + sid;

function triple(leader: number, zxid: number, peerEpoch: number): Triple {
  return { epoch: peerEpoch, zxid, myid: leader };
}

interface Looking {
  readonly t: number;
  readonly round: number;
  readonly credential: Triple;
  readonly ballot: BallotStep[];
  current: Triple;
  decision?: Decision;
  decidedFor?: string;
  observer: boolean;
}

/** Every election of the run that some server won, in order, and the servers that joined a
 *  running ensemble instead. */
export function elections(trace: readonly TraceRecord[]): { elections: Election[]; joins: Join[] } {
  const out: { e: Omit<Election, 'epoch' | 'establishedAt'>; epoch?: number; establishedAt?: number }[] = [];
  const joins: Join[] = [];
  const pool = new Map<string, Looking>();
  const leading = new Map<string, number>(); // leader node -> index in out awaiting establishment
  const lastNotice = new Map<string, { t: number; from: string }>();
  for (const r of trace) {
    if (r.ev === 'recv' && r.type === 'NOTIFICATION') {
      lastNotice.set(r.node, { t: r.t, from: r.from });
      continue;
    }
    if (r.ev === 'crash') {
      leading.delete(r.node);
      continue;
    }
    if (r.ev !== 'trace') continue;
    const node = r.node;
    switch (r.event) {
      case 'election.start': {
        const v = r.data.vote;
        const observer = v.leader < 0;
        const credential = triple(v.leader, v.zxid, v.peerEpoch);
        const first: BallotStep = { t: r.t, node, round: r.data.round, fromLeader: '', toLeader: s(v.leader), vote: credential, reason: 'start' };
        pool.set(node, { t: r.t, round: r.data.round, credential, current: credential, ballot: observer ? [] : [first], observer });
        break;
      }
      case 'vote': {
        const l = pool.get(node);
        if (l === undefined || l.observer) break;
        const d = r.data;
        const v = triple(d.leader, d.zxid, d.peerEpoch);
        const prev = l.current;
        l.current = v;
        if (prev.myid === v.myid && prev.zxid === v.zxid && prev.epoch === v.epoch) break;
        const notice = lastNotice.get(node);
        const newRound = d.round !== l.ballot[l.ballot.length - 1]?.round;
        // A newer round resets the proposal to the better of the sender's vote and my own credential.
        const reason = (newRound ? decisiveField(v, l.credential) : decisiveField(v, prev)) ?? (newRound ? 'round' : 'same');
        l.ballot.push({
          t: r.t, node, round: d.round, fromLeader: s(prev.myid), toLeader: s(d.leader), vote: v, reason,
          ...(newRound ? { newRound: true } : {}),
          ...(notice !== undefined && notice.t === r.t ? { via: notice.from } : {}),
        });
        break;
      }
      case 'election.decided': {
        const d = r.data;
        const l = pool.get(node);
        const decision: Decision = { t: r.t, node, state: d.state, votesFrom: d.votesFrom.map(s), via: d.via };
        const leader = s(d.leader);
        if (d.state !== 'LEADING') {
          const running = leading.get(leader);
          if (running !== undefined) {
            // The leader decided before: this server ends that election (same round) or joins a
            // running ensemble.
            const ep = out[running]!;
            if (ep.e.round === d.round && !ep.e.decisions.some((x) => x.node === node)) (ep.e.decisions as Decision[]).push(decision);
            else joins.push({ t: r.t, node, leader, state: d.state });
            pool.delete(node);
          } else if (l !== undefined) {
            l.decision = decision;
            l.decidedFor = leader;
          } else {
            joins.push({ t: r.t, node, leader, state: d.state });
          }
          break;
        }
        const winning = triple(d.leader, d.zxid, d.peerEpoch);
        const members = [...pool.entries()].filter(([n, x]) => n === node || x.decidedFor === undefined || x.decidedFor === leader);
        const contenders: Contender[] = [];
        const ballot: BallotStep[] = [];
        const decisions: Decision[] = [];
        let t0 = r.t;
        for (const [n, x] of members) {
          pool.delete(n);
          if (x.observer) {
            if (x.decision) decisions.push(x.decision);
            continue;
          }
          t0 = Math.min(t0, x.t);
          ballot.push(...x.ballot);
          if (x.decision) decisions.push(x.decision);
          if (n === node) {
            contenders.push({ node: n, credential: x.credential });
            continue;
          }
          const cmp = compareVotes(winning, x.credential);
          const by = decisiveField(winning, x.credential);
          contenders.push({ node: n, credential: x.credential, ...(cmp > 0 && by !== null ? { beatenOn: by } : cmp < 0 ? { beatenOn: 'notCounted' as const } : {}) });
        }
        decisions.push(decision);
        decisions.sort((a, b) => a.t - b.t);
        ballot.sort((a, b) => a.t - b.t);
        contenders.sort((a, b) => compareVotes(b.credential, a.credential));
        const notice = lastNotice.get(node);
        const finalizeWaitMs = d.via === 'lookingQuorum' && notice !== undefined ? Math.round((r.t - notice.t) / 1000) : undefined;
        const e: Omit<Election, 'epoch' | 'establishedAt'> = {
          t0, t1: r.t, winner: node, round: d.round, winning, contenders, decidedBy: d.votesFrom.map(s), via: d.via,
          ...(finalizeWaitMs === undefined ? {} : { finalizeWaitMs }), ballot, decisions,
        };
        out.push({ e });
        leading.set(node, out.length - 1);
        break;
      }
      case 'leader.established': {
        const i = leading.get(node);
        if (i !== undefined && out[i]!.establishedAt === undefined) {
          out[i]!.epoch = r.data.epoch;
          out[i]!.establishedAt = r.t;
        }
        break;
      }
      case 'state':
        if (r.data.state === 'LOOKING') {
          const i = leading.get(node);
          if (i !== undefined && out[i]!.establishedAt === undefined) leading.delete(node);
        }
        break;
      default:
        break;
    }
  }
  return {
    elections: out.map((x) => ({ ...x.e, ...(x.epoch === undefined ? {} : { epoch: x.epoch, establishedAt: x.establishedAt! }) })),
    joins,
  };
}

/** The narration's sentence for an election's outcome. */
export function electionSentence(e: Election): string {
  const what = e.epoch !== undefined ? `wins epoch ${e.epoch}` : `wins round ${e.round}`;
  const beaten = e.contenders.filter((c) => c.beatenOn !== undefined && c.beatenOn !== 'notCounted');
  const byField = new Map<string, string[]>();
  for (const c of beaten) {
    const k = c.beatenOn!;
    byField.set(k, [...(byField.get(k) ?? []), `${c.node}'s ${tripleText(c.credential)}`]);
  }
  const parts = FIELDS.filter((f) => byField.has(f)).map((f) => `${andList(byField.get(f)!)} on ${f}`);
  const ties = e.contenders.filter((c) => c.node !== e.winner && c.beatenOn === undefined);
  const better = e.contenders.filter((c) => c.beatenOn === 'notCounted');
  let why = parts.length > 0 ? ` beats ${parts.join('; ')}` : ties.length > 0 || better.length > 0 ? '' : ' (no other candidate stood)';
  if (better.length > 0) why += `${why ? '; ' : ' '}${andList(better.map((c) => `${c.node}'s better ${tripleText(c.credential)}`))} not counted (its vote never reached the quorum)`;
  const how = e.via === 'lookingQuorum'
    ? `after the ${e.finalizeWaitMs ?? 200} ms finalize wait`
    : e.via === 'outofelection'
      ? '(joining servers that already followed it)'
      : e.via === 'recvset'
        ? '(with servers of its round that had already decided for it)'
        : `(${e.via})`;
  return `${e.winner} ${what}: ${tripleText(e.winning)}${why}; decided by ${e.decidedBy.join(' ')} ${how}`;
}

/** Who switched to whom in the election, and why: `s4 switches to s3 on zxid (from s3's notification)`. */
export function ballotSentence(e: Election): string | undefined {
  const parts: string[] = [];
  const byNode = new Map<string, BallotStep[]>();
  for (const b of e.ballot) if (b.reason !== 'start' && b.reason !== 'same') byNode.set(b.node, [...(byNode.get(b.node) ?? []), b]);
  for (const [node, steps] of [...byNode.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const chain = steps.map((b) => {
      const why = [b.reason === 'round' ? 'a newer round' : `on ${b.reason}`];
      if (b.via !== undefined) why.push(`told by ${b.via}`);
      if (b.newRound === true && b.reason !== 'round') why.push(`moving to round ${b.round}`);
      return `${b.toLeader} (${why.join(', ')})`;
    });
    parts.push(`${node} → ${chain.join(' → ')}`);
  }
  const own = e.contenders.filter((c) => !byNode.has(c.node)).map((c) => c.node);
  if (parts.length === 0 && own.length === 0) return undefined;
  const stay = own.length > 0 ? `${own.join(' ')} kept ${own.length === 1 ? 'its own vote' : 'their own votes'}` : '';
  return `ballot of round ${e.round}: ${[...parts, stay].filter((x) => x !== '').join('; ')}`;
}

function andList(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

