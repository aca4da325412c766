/**
 * The state inspector's history: each server's state step by step, as the trace tells it, kept
 * with immer (`produceWithPatches`: structural sharing between steps, and the change list of each
 * step for free). The fields are those of `ServerStatus` (`protocol/contract.ts`, a live server's
 * `status()`), read from trace events because a report has only the trace:
 *
 * | field | from |
 * |---|---|
 * | role | `state`; `down` from a crash |
 * | acceptedEpoch, currentEpoch | `epoch.accepted`, `epoch.current`, `leader.established` |
 * | leader | `election.decided` (the leader it follows or is) |
 * | vote, round | `election.start`, `vote`, `election.decided` — as (epoch, zxid, myid); `serving` puts the new epoch in it (updateElectionVote) |
 * | recvset | the NOTIFICATIONs delivered while LOOKING (sender → whom it proposes), cleared at each election start |
 * | lastLogged | `log.append`, `log.truncate`, `db.load`, `sync.snap` (the number FLE compares) |
 * | lastCommitted | `apply`, `db.load`, `sync.snap` (the last txn applied to its tree) |
 * | outstanding | leader: `propose` minus `commit` |
 * | sessions | `session.create` / `session.close` / `session.expire` applied here; after a `db.load` or `sync.snap` at zxid Z, the sessions the ensemble's applied txns up to Z leave open |
 *
 * `inspector.test.ts` checks the derived state against the servers' own `status()` at the end of
 * real runs.
 */
import { Immer, enablePatches } from 'immer';
import type { Happening } from './records.ts';
import { hexZxid, sid } from './names.ts';
import { tripleText } from '../elections.ts';
import type { Triple } from '../elections.ts';
import { voteTriple as triple } from './names.ts';

enablePatches();
/** Our own immer: no deep freeze of every state (the history is only read, and freezing each
 *  step's state was most of the cost on long traces). */
const immer = new Immer({ autoFreeze: false });

export interface NodeState {
  role: string;
  acceptedEpoch: number;
  currentEpoch: number;
  leader: string;
  vote: Triple | null;
  round: number;
  recvset: Record<string, string>;
  lastLogged: number;
  lastCommitted: number;
  outstanding: number;
  sessions: string[];
}

/** The inspector's columns, in order. */
export const FIELDS = [
  'role', 'acceptedEpoch', 'currentEpoch', 'leader', 'vote', 'round', 'recvset', 'lastLogged', 'lastCommitted', 'outstanding', 'sessions',
] as const satisfies readonly (keyof NodeState)[];
export type Field = (typeof FIELDS)[number];

/** One cell changed by one step. */
export interface Change {
  /** Record index of the step (a `recv` for a message). */
  readonly i: number;
  readonly t: number;
  readonly node: string;
  readonly field: Field;
  readonly before: string;
  readonly after: string;
}

export type States = Readonly<Record<string, NodeState>>;

/** A server's state when nothing is known yet (`starting`) or after a crash (`down`). */
export function fresh(role: string): NodeState {
  return { role, acceptedEpoch: 0, currentEpoch: 0, leader: '–', vote: null, round: 0, recvset: {}, lastLogged: 0, lastCommitted: 0, outstanding: 0, sessions: [] };
}

/** A cell as the page shows it. */
export function show(s: NodeState, f: Field): string {
  const v = s[f];
  // A crashed server's memory is gone; a restarting one knows nothing until it loads its disk.
  if (f !== 'role' && s.role === 'down') return '–';
  if (f === 'lastLogged' || f === 'lastCommitted') return hexZxid(v);
  if (f === 'recvset') {
    const e = Object.entries(s.recvset).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)));
    return e.length === 0 ? '–' : e.map(([k, w]) => `${k}→${w}`).join(' ');
  }
  if (f === 'sessions') return s.sessions.length === 0 ? '–' : `${s.sessions.length}: ${s.sessions.join(' ')}`;
  if (f === 'vote') return s.vote === null ? '–' : tripleText(s.vote);
  if (f === 'round' && v === 0) return '–';
  return String(v);
}

/** Session txns as servers applied them, to rebuild a session table loaded from disk or a SNAP
 *  (which the trace sums up in one `db.load` / `sync.snap`): zxid -> [session, created?]. */
interface SessionLog {
  readonly byZxid: Map<number, [string, boolean]>;
  /** node -> zxid of its last `apply` (a session event follows its txn's apply at once) */
  readonly lastApply: Map<string, number>;
}

function sessionsAt(log: SessionLog, zxid: number): string[] {
  const live = new Set<string>();
  for (const [z, [session, created]] of [...log.byZxid].sort((a, b) => a[0] - b[0])) {
    if (z > zxid) break;
    if (created) live.add(session);
    else live.delete(session);
  }
  return [...live];
}

function step(d: Record<string, NodeState>, h: Happening, servers: ReadonlySet<string>, log: SessionLog): void {
  if (h.k === 'msg') {
    if (h.type !== 'NOTIFICATION' || h.fate === 'drop') return;
    const s = d[h.to];
    const m = h.msg;
    if (!s || s.role !== 'LOOKING' || typeof m['leader'] !== 'number') return;
    s.recvset[h.from] = sid(m['leader']);
    return;
  }
  if (h.k === 'fault') {
    if (h.node === undefined || !servers.has(h.node)) return;
    if (h.fault === 'crash') d[h.node] = fresh('down');
    else if (h.fault === 'restart' || h.fault === 'boot') d[h.node] = fresh('starting');
    return;
  }
  if (h.k === 'notify' || !servers.has(h.node)) return;
  const s = (d[h.node] ??= fresh('starting'));
  switch (h.event) {
    case 'state':
      if (s.role === 'LEADING' && h.data.state !== 'LEADING') s.outstanding = 0;
      s.role = h.data.state;
      if (h.data.state === 'LOOKING') s.leader = '–';
      break;
    case 'epoch.accepted':
      s.acceptedEpoch = h.data.epoch;
      break;
    case 'epoch.current':
      s.currentEpoch = h.data.epoch;
      break;
    case 'leader.established':
      s.currentEpoch = h.data.epoch;
      s.leader = h.node;
      break;
    case 'election.start':
      s.round = h.data.round;
      s.vote = triple(h.data.vote);
      s.recvset = {};
      break;
    case 'vote':
      s.round = h.data.round;
      s.vote = triple(h.data);
      break;
    case 'election.decided':
      s.vote = triple(h.data);
      s.leader = sid(h.data.leader);
      break;
    case 'serving':
      // updateElectionVote (ZOOKEEPER-1732): once serving, the advertised vote carries the new epoch.
      if (s.vote !== null) s.vote = { ...s.vote, epoch: s.currentEpoch };
      break;
    case 'log.append':
    case 'log.truncate':
      s.lastLogged = h.data.zxid;
      break;
    case 'db.load':
    case 'sync.snap':
      s.lastLogged = h.data.zxid;
      s.lastCommitted = h.data.zxid;
      s.sessions = sessionsAt(log, h.data.zxid);
      break;
    case 'apply':
      s.lastCommitted = h.data.zxid;
      log.lastApply.set(h.node, h.data.zxid);
      break;
    case 'propose':
      s.outstanding += 1;
      break;
    case 'commit':
      s.outstanding = Math.max(0, s.outstanding - 1);
      break;
    case 'session.create':
      if (!s.sessions.includes(h.data.session)) s.sessions.push(h.data.session);
      log.byZxid.set(log.lastApply.get(h.node) ?? 0, [h.data.session, true]);
      break;
    case 'session.close':
    case 'session.expire':
      s.sessions = s.sessions.filter((x) => x !== h.data.session);
      log.byZxid.set(log.lastApply.get(h.node) ?? 0, [h.data.session, false]);
      break;
    default:
      break;
  }
}

const EVENTS_READ = new Set([
  'state', 'epoch.accepted', 'epoch.current', 'leader.established', 'election.start', 'vote', 'election.decided', 'serving',
  'log.append', 'log.truncate', 'db.load', 'sync.snap', 'apply', 'propose', 'commit', 'session.create', 'session.close', 'session.expire',
]);

/** Whether `step` can change anything for this happening (most records cannot: skip immer). */
function relevant(h: Happening, servers: ReadonlySet<string>): boolean {
  if (h.k === 'msg') return h.type === 'NOTIFICATION' && h.fate !== 'drop' && servers.has(h.to);
  if (h.k === 'fault') return h.node !== undefined && servers.has(h.node) && (h.fault === 'crash' || h.fault === 'restart' || h.fault === 'boot');
  if (h.k === 'notify') return false;
  return servers.has(h.node) && EVENTS_READ.has(h.event);
}

export interface History {
  /** Each server's state after the whole trace. */
  readonly last: States;
  /** Every changed cell, in trace order. */
  readonly changes: readonly Change[];
}

/** The per-step state history of the servers (`servers`: their node ids). */
export function history(hs: readonly Happening[], servers: readonly string[]): History {
  const set = new Set(servers);
  let state: States = Object.fromEntries(servers.map((s) => [s, fresh('starting')]));
  const changes: Change[] = [];
  const log: SessionLog = { byZxid: new Map(), lastApply: new Map() };
  for (const h of hs) {
    if (!relevant(h, set)) continue;
    const [next, patches] = immer.produceWithPatches(state, (d: Record<string, NodeState>) => step(d, h, set, log));
    if (patches.length === 0) continue;
    const touched = new Map<string, Set<Field>>();
    for (const p of patches) {
      const node = String(p.path[0]);
      const field = p.path[1] as Field | undefined;
      const fs = touched.get(node) ?? new Set<Field>();
      if (field === undefined) for (const f of FIELDS) fs.add(f);
      else fs.add(field);
      touched.set(node, fs);
    }
    for (const [node, fs] of touched) {
      const a = state[node];
      const b = next[node];
      if (!b) continue;
      for (const f of FIELDS) {
        if (!fs.has(f)) continue;
        const before = a ? show(a, f) : '–';
        const after = show(b, f);
        if (before !== after) changes.push({ i: h.i, t: h.t, node, field: f, before, after });
      }
    }
    state = next;
  }
  return { last: state, changes };
}
