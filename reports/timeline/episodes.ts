/**
 * What the page needs to explain a run, beyond what it draws: the election episodes as ballots,
 * each write's life, and the inspector's per-step state changes, as plain JSON for the page script.
 */
import type { Happening, TraceRecord } from './records.ts';
import type { Lane } from './model.ts';
import { ballotSentence, electionSentence, elections, tripleText } from '../elections.ts';
import { secs, hexZxid } from './names.ts';
import { whatText, writes } from './writes.ts';
import { FIELDS, fresh, history, show } from './inspector.ts';
import { stringTable } from './strings.ts';

export interface BallotRow {
  readonly node: string;
  /** Its own credential when it started. */
  readonly own: string;
  /** [t, text] per switch: `→ s4 (epoch 1, zxid 0x0, myid 4): greater myid, from s4's notification` */
  readonly steps: readonly (readonly [number, string])[];
  readonly decided: string;
  /** `beaten on zxid` / `winner` / `` */
  readonly verdict: string;
}
export interface PackedElection {
  readonly n: number;
  readonly t0: number;
  readonly t1: number;
  readonly title: string;
  readonly why: string;
  readonly moves: string;
  readonly winner: string;
  readonly rows: readonly BallotRow[];
}
export interface PackedWrite {
  readonly z: string;
  readonly t0: number;
  readonly t1: number;
  /** What the txn is: `create2, c1's create /x` (`writes.ts` `whatText`); the page composes the rest. */
  readonly what: string;
  /** Acks in the order the leader counted them (lane indexes). */
  readonly acks: readonly number[];
  /** per server lane: [lane, acked at or -1, applied at or -1] */
  readonly rows: readonly (readonly [number, number, number])[];
  readonly leader: number;
  readonly commit: number;
  readonly reply: readonly [number, number] | null;
}
export interface PackedInspector {
  readonly fields: readonly string[];
  /** A server's cells before anything happened to it. */
  readonly init: readonly string[];
  readonly str: readonly string[];
  /** per change, parallel: record index, time, lane, field index, before, after (string indexes) */
  readonly i: number[];
  readonly t: number[];
  readonly l: number[];
  readonly f: number[];
  readonly b: number[];
  readonly a: number[];
}
export interface Episodes {
  readonly elections: readonly PackedElection[];
  readonly writes: readonly PackedWrite[];
  readonly insp: PackedInspector;
}

export function episodes(trace: readonly TraceRecord[], hs: readonly Happening[], lanes: readonly Lane[]): Episodes {
  const laneOf = new Map<string, number>();
  lanes.forEach((l, k) => laneOf.set(l.id, k));
  const els: PackedElection[] = [];
  // The ballots come from the narration's own reading of the elections (`reports/elections.ts`).
  for (const e of elections(trace).elections) {
    const nodes = [...new Set([...e.contenders.map((c) => c.node), ...e.ballot.map((b) => b.node)])];
    const rows: BallotRow[] = nodes.map((node) => {
      const c = e.contenders.find((x) => x.node === node);
      const d = e.decisions.find((x) => x.node === node);
      const start = e.ballot.find((b) => b.node === node && b.reason === 'start');
      const own = c?.credential ?? start?.vote;
      return {
        node,
        own: own !== undefined ? tripleText(own) : '–',
        steps: e.ballot
          .filter((b) => b.node === node && b.reason !== 'start' && b.reason !== 'same')
          .map((b) => [b.t, `→ ${b.toLeader} ${tripleText(b.vote)}: ${b.reason === 'round' ? 'a newer round' : `greater ${b.reason}`}${b.via !== undefined ? `, from ${b.via}'s notification` : ''} (round ${b.round})`] as const),
        decided: d ? `${d.state === 'LEADING' ? 'leads' : `follows ${e.winner}`} at t=${secs(d.t)} (votes from ${d.votesFrom.join(' ')}, ${d.via})` : 'undecided in this election',
        verdict: node === e.winner ? 'winner' : c?.beatenOn === 'notCounted' ? 'better, but its vote reached no quorum' : c?.beatenOn !== undefined ? `beaten on ${c.beatenOn}` : c ? 'the same vote' : '',
      };
    });
    els.push({
      n: els.length + 1, t0: e.t0, t1: Math.max(e.t1, e.establishedAt ?? e.t1),
      title: `${e.winner} ${e.epoch !== undefined ? `leads epoch ${e.epoch}` : 'won, never established'}`,
      why: electionSentence(e), moves: ballotSentence(e) ?? 'no server changed its vote', winner: e.winner, rows,
    });
  }
  const ws: PackedWrite[] = writes(hs).map((w) => {
    const rows = new Map<number, [number, number, number]>();
    const row = (node: string): [number, number, number] | undefined => {
      const l = laneOf.get(node);
      if (l === undefined) return undefined;
      const r = rows.get(l) ?? [l, -1, -1];
      rows.set(l, r);
      return r;
    };
    for (const a of w.acks) {
      const r = row(a.from);
      if (r && r[1] < 0) r[1] = a.t;
    }
    for (const a of w.applied) {
      const r = row(a.node);
      if (r && r[2] < 0) r[2] = a.t;
    }
    const ends = [w.t, w.commit?.t ?? w.t, w.reply?.t ?? w.t, ...w.applied.map((a) => a.t), ...w.acks.map((a) => a.t)];
    const rl = w.reply ? laneOf.get(w.reply.client) : undefined;
    return {
      z: hexZxid(w.zxid), t0: w.t, t1: Math.max(...ends), what: whatText(w),
      acks: w.acks.map((a) => laneOf.get(a.from)).filter((l): l is number => l !== undefined),
      rows: [...rows.values()].sort((a, b) => a[0] - b[0]), leader: laneOf.get(w.leader) ?? -1,
      commit: w.commit?.t ?? -1, reply: w.reply && rl !== undefined ? [rl, w.reply.t] : null,
    };
  });
  const servers = lanes.filter((l) => l.kind === 'server').map((l) => l.id);
  const hist = history(hs, servers);
  const strings = stringTable();
  const str = strings.table;
  const s = (v: string): number => strings.id(v);
  const insp: PackedInspector = { fields: [...FIELDS], init: FIELDS.map((f) => show(fresh('starting'), f)), str, i: [], t: [], l: [], f: [], b: [], a: [] };
  for (const c of hist.changes) {
    const l = laneOf.get(c.node);
    if (l === undefined) continue;
    insp.i.push(c.i);
    insp.t.push(c.t);
    insp.l.push(l);
    insp.f.push(FIELDS.indexOf(c.field));
    insp.b.push(s(c.before));
    insp.a.push(s(c.after));
  }
  return { elections: els, writes: ws, insp };
}
