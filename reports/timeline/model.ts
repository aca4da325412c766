/**
 * Trace → timeline model: lanes (one per server, one per client), state spans, message arrows,
 * point marks (votes, decisions, commits, faults, client calls), shaded regions (partitions, clogs,
 * pauses), client operations (invoke → return) and checker verdicts. Pure and deterministic.
 */
import type { Happening, TraceRecord } from './records.ts';
import { toHappenings } from './records.ts';
import { categoryOf, isClient } from './categories.ts';
import type { Category } from './categories.ts';
import { describe, fields, groupsText } from './describe.ts';
import { hexZxid, nodeList, rcOk, sid } from './names.ts';
import { tripleText } from '../elections.ts';
import { voteTriple as triple } from './names.ts';

export const STATES = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING', 'down', 'starting'] as const;
export type LaneState = (typeof STATES)[number];

/** Filter groups: message categories plus `state` and `fault`, which are always shown. */
export type Group = Category | 'state' | 'fault';

export interface Lane {
  readonly id: string;
  readonly kind: 'server' | 'client';
}
export interface Span {
  readonly lane: number;
  readonly t0: number;
  t1: number;
  readonly state: LaneState;
  epoch?: number;
  /** FOLLOWING / OBSERVING: the leader it follows (`s5`), from its election decision. */
  leader?: string;
}
export interface Arrow {
  readonly i: number;
  readonly sent: number;
  readonly t: number;
  readonly from: number;
  readonly to: number;
  readonly type: string;
  readonly cat: Category;
  readonly fate: 'deliver' | 'drop' | 'duplicate';
  /** The message's fields in words (`leader s3, zxid 0x0, ...`); the page composes the sentence. */
  readonly fields: string;
  readonly reason?: string;
  /** The txn a PROPOSAL/INFORM/ACK/COMMIT is about (drawn on the arrow). */
  readonly zxid?: number;
}
export type MarkKind =
  | 'state' | 'vote' | 'election' | 'decided' | 'established' | 'epoch' | 'sync' | 'propose' | 'ack' | 'commit'
  | 'apply' | 'invoke' | 'return' | 'session' | 'crash' | 'restart' | 'boot' | 'pause' | 'resume' | 'skew'
  | 'partition' | 'heal' | 'clog' | 'disk' | 'serving' | 'other';
export interface Mark {
  readonly i: number;
  readonly t: number;
  /** -1: the whole cluster (partition, heal). */
  readonly lane: number;
  readonly kind: MarkKind;
  readonly group: Group;
  /** A few characters drawn next to the mark (`→s3`, `0x200000001`). */
  readonly label: string;
  readonly text: string;
  /** For the status panel: the node's vote after this mark / the zxid it names. */
  readonly vote?: string;
  readonly zxid?: string;
}
export interface Region {
  /** `side`: one side of a partition, drawn on each of its lanes (clients included); `skew`: a
   *  server's clock running at another rate. */
  readonly kind: 'partition' | 'clog' | 'cut' | 'pause' | 'leaders' | 'side' | 'skew';
  readonly t0: number;
  t1: number;
  /** Lanes it covers; empty = all. */
  readonly lanes: readonly number[];
  readonly label: string;
  /** For `side`: which side (0 = A). */
  readonly side?: number;
}
export interface Op {
  readonly lane: number;
  readonly t0: number;
  t1: number | undefined;
  readonly label: string;
  ok: boolean | undefined;
  result: string;
}
export interface Violation {
  readonly t: number;
  readonly node?: string;
  readonly message: string;
  readonly records: readonly number[];
}
/** A checker's verdict (the shape of `checkers/types.ts` CheckResult). */
export interface Verdict {
  readonly name: string;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly omitted?: number;
  readonly note?: string;
}
export interface Model {
  readonly t0: number;
  readonly t1: number;
  readonly lanes: readonly Lane[];
  readonly spans: readonly Span[];
  readonly arrows: readonly Arrow[];
  readonly marks: readonly Mark[];
  readonly regions: readonly Region[];
  readonly ops: readonly Op[];
  readonly verdicts: readonly Verdict[];
}

/** More clients than this share one `clients` lane. */
export const MAX_CLIENT_LANES = 8;

const MARK_OF: Readonly<Record<string, [MarkKind, Group]>> = {
  state: ['state', 'state'],
  vote: ['vote', 'election'],
  'election.start': ['election', 'election'],
  'election.decided': ['decided', 'election'],
  'leader.established': ['established', 'state'],
  'epoch.accepted': ['epoch', 'sync'],
  'epoch.current': ['epoch', 'sync'],
  'sync.send': ['sync', 'sync'],
  propose: ['propose', 'broadcast'],
  ack: ['ack', 'broadcast'],
  commit: ['commit', 'broadcast'],
  apply: ['apply', 'broadcast'],
  'client.invoke': ['invoke', 'client'],
  'client.return': ['return', 'client'],
  'client.connected': ['session', 'client'],
  'client.disconnected': ['session', 'client'],
  'election.timeout': ['election', 'election'],
  'sync.snap': ['sync', 'sync'],
  'zab.abandon': ['sync', 'sync'],
  'zab.ackNewLeader': ['sync', 'sync'],
  'zab.learnerDropped': ['sync', 'sync'],
  'log.append': ['disk', 'broadcast'],
  'log.durable': ['disk', 'broadcast'],
  'log.truncate': ['sync', 'sync'],
  snapshot: ['disk', 'broadcast'],
  serving: ['serving', 'state'],
};

const BROADCAST_ZXID = new Set(['PROPOSAL', 'INFORM', 'ACK', 'COMMIT']);

/** The zxid a broadcast packet names (PROPOSAL/INFORM carry it in their entry). */
function msgZxid(m: Readonly<Record<string, unknown>>): number | undefined {
  if (typeof m['zxid'] === 'number') return m['zxid'];
  const e = m['entry'] as Record<string, unknown> | undefined;
  return e !== undefined && e !== null && typeof e['zxid'] === 'number' ? e['zxid'] : undefined;
}

function nodeIdOrder(a: string, b: string): number {
  const na = Number(a.replace(/^\D+/, ''));
  const nb = Number(b.replace(/^\D+/, ''));
  return na !== nb && Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

function laneIds(hs: readonly Happening[], servers: readonly string[]): { lanes: Lane[]; index: Map<string, number> } {
  const srv = new Set<string>(servers);
  const cli = new Set<string>();
  const see = (n: string | undefined): void => {
    if (n === undefined || n === '?' || n === '') return;
    (isClient(n) ? cli : srv).add(n);
  };
  for (const h of hs) {
    if (h.k === 'msg') {
      see(h.from);
      see(h.to);
    } else if (h.k === 'node' || h.k === 'notify') see(h.node);
    else if (h.k === 'fault') {
      see(h.node);
      see(h.from);
      see(h.to);
      for (const g of h.groups ?? []) for (const n of g) see(n);
      see(h.isolated);
    }
  }
  const lanes: Lane[] = [...srv].sort(nodeIdOrder).map((id) => ({ id, kind: 'server' as const }));
  const index = new Map<string, number>();
  lanes.forEach((l, i) => index.set(l.id, i));
  const clients = [...cli].sort(nodeIdOrder);
  if (clients.length > MAX_CLIENT_LANES) {
    lanes.push({ id: 'clients', kind: 'client' });
    for (const c of clients) index.set(c, lanes.length - 1);
  } else {
    for (const c of clients) {
      lanes.push({ id: c, kind: 'client' });
      index.set(c, lanes.length - 1);
    }
  }
  return { lanes, index };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface ModelOptions {
  readonly verdicts?: readonly Verdict[];
  /** Servers to draw even if the trace never mentions them. */
  readonly servers?: readonly string[];
}

export function buildModel(trace: readonly TraceRecord[], options: ModelOptions = {}): Model {
  const hs = toHappenings(trace);
  const { lanes, index } = laneIds(hs, options.servers ?? []);
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const h of hs) {
    const s = h.k === 'msg' ? h.sent : h.t;
    if (s < t0) t0 = s;
    if (h.t > t1) t1 = h.t;
  }
  if (!Number.isFinite(t0)) t0 = t1 = 0;
  if (t1 <= t0) t1 = t0 + 1000;

  const spans: Span[] = [];
  const open = new Map<number, Span>();
  const arrows: Arrow[] = [];
  const marks: Mark[] = [];
  const regions: Region[] = [];
  const openRegions = new Map<string, Region>();
  const ops: Op[] = [];
  const openOps = new Map<string, Op>();

  /** Per lane: the leader its last election decided on (names the FOLLOWING span that follows). */
  const decidedLeader = new Map<number, string>();
  const setState = (lane: number, t: number, state: LaneState, epoch?: number): void => {
    if (lanes[lane]?.kind !== 'server') return;
    const cur = open.get(lane);
    if (cur && cur.state === state && (epoch === undefined || cur.epoch === epoch)) return;
    if (cur && cur.state === state && cur.epoch === undefined) {
      // The epoch of this role became known (NEWLEADER / established): it was that epoch all along.
      cur.epoch = epoch;
      return;
    }
    if (cur) cur.t1 = t;
    const keepEpoch = epoch ?? (cur && cur.state === state ? cur.epoch : undefined);
    const leader = state === 'FOLLOWING' || state === 'OBSERVING' ? decidedLeader.get(lane) : undefined;
    const s: Span = { lane, t0: t, t1: t, state, ...(keepEpoch !== undefined ? { epoch: keepEpoch } : {}), ...(leader !== undefined ? { leader } : {}) };
    spans.push(s);
    open.set(lane, s);
  };
  const touch = (lane: number | undefined, t: number): void => {
    if (lane !== undefined && !open.has(lane)) setState(lane, t, 'starting');
  };
  const openRegion = (key: string, r: Region): void => {
    closeRegion(key, r.t0);
    regions.push(r);
    openRegions.set(key, r);
  };
  const closeRegion = (key: string, t: number): void => {
    const r = openRegions.get(key);
    if (r) {
      r.t1 = t;
      openRegions.delete(key);
    }
  };
  const mark = (h: Happening, lane: number, kind: MarkKind, group: Group, label: string, extra: Partial<Mark> = {}): void => {
    marks.push({ i: h.i, t: h.t, lane, kind, group, label, text: describe(h), ...extra });
  };

  for (const h of hs) {
    if (h.k === 'msg') {
      const from = index.get(h.from);
      const to = index.get(h.to);
      if (from === undefined || to === undefined) continue;
      touch(lanes[from]?.kind === 'server' ? from : undefined, h.sent);
      const zxid = BROADCAST_ZXID.has(h.type) ? msgZxid(h.msg) : undefined;
      arrows.push({
        i: h.i, sent: h.sent, t: h.t, from, to, type: h.type, cat: categoryOf(h.type, h.from, h.to), fate: h.fate,
        fields: fields(h.msg), ...(h.reason !== undefined ? { reason: h.reason } : {}), ...(zxid !== undefined ? { zxid } : {}),
      });
      continue;
    }
    if (h.k === 'fault') {
      const lane = h.node !== undefined ? index.get(h.node) : undefined;
      switch (h.fault) {
        case 'partition': {
          // Each side on its own lanes; nodes no group lists (clients too) form the last side.
          const groups = h.isolated !== undefined ? [[h.isolated]] : (h.groups ?? []);
          const sides: number[][] = groups.map((g) => [...new Set(g.map((n) => index.get(n)).filter((x): x is number => x !== undefined))]);
          const listed = new Set(sides.flat());
          const rest = lanes.map((_, k) => k).filter((k) => !listed.has(k));
          if (rest.length > 0) sides.push(rest);
          const label = h.isolated !== undefined
            ? `${h.isolated} isolated`
            : 'partition ' + (rest.length > 0 ? groupsText([...groups, rest.map((k) => lanes[k]?.id ?? '?')]) : groupsText(groups));
          openRegion('partition', { kind: 'partition', t0: h.t, t1: t1, lanes: [], label });
          for (const key of [...openRegions.keys()]) if (key.startsWith('side:')) closeRegion(key, h.t);
          sides.forEach((ls, k) => {
            const name = String.fromCharCode(65 + (k % 26));
            const who = ls.map((l) => lanes[l]?.id ?? '?').join(' ');
            openRegion(`side:${k}`, { kind: 'side', t0: h.t, t1: t1, lanes: ls, label: `side ${name}: ${who}`, side: k });
          });
          mark(h, -1, 'partition', 'fault', 'partition');
          break;
        }
        case 'heal':
          for (const key of [...openRegions.keys()]) if (key === 'partition' || key.startsWith('cut:') || key.startsWith('side:')) closeRegion(key, h.t);
          mark(h, -1, 'heal', 'fault', 'heal');
          break;
        case 'boot':
          if (lane === undefined) break;
          setState(lane, h.t, 'starting');
          mark(h, lane, 'boot', 'fault', 'boot');
          break;
        case 'crash':
          if (lane === undefined) break;
          setState(lane, h.t, 'down');
          closeRegion('pause:' + lane, h.t);
          mark(h, lane, 'crash', 'fault', 'crash');
          break;
        case 'restart':
          if (lane === undefined) break;
          setState(lane, h.t, 'starting');
          mark(h, lane, 'restart', 'fault', 'restart');
          break;
        case 'pause':
          if (lane === undefined) break;
          openRegion('pause:' + lane, { kind: 'pause', t0: h.t, t1: t1, lanes: [lane], label: 'paused' });
          mark(h, lane, 'pause', 'fault', 'pause');
          break;
        case 'resume':
          if (lane === undefined) break;
          closeRegion('pause:' + lane, h.t);
          mark(h, lane, 'resume', 'fault', 'resume');
          break;
        case 'clog':
        case 'unclog':
        case 'cut':
        case 'uncut': {
          const a = h.from !== undefined ? index.get(h.from) : undefined;
          const b = h.to !== undefined ? index.get(h.to) : undefined;
          const cut = h.fault === 'cut' || h.fault === 'uncut';
          const key = `${cut ? 'cut' : 'clog'}:${h.from ?? ''}>${h.to ?? ''}`;
          if (h.fault === 'clog' || h.fault === 'cut') {
            const ls = [a, b].filter((x): x is number => x !== undefined);
            openRegion(key, { kind: cut ? 'cut' : 'clog', t0: h.t, t1: t1, lanes: ls, label: `${h.fault} ${h.from ?? '?'}→${h.to ?? '?'}` });
          } else closeRegion(key, h.t);
          mark(h, a ?? -1, 'clog', 'fault', h.fault);
          break;
        }
        case 'link':
        case 'disk':
          mark(h, lane ?? (h.from !== undefined ? index.get(h.from) ?? -1 : -1), 'other', 'fault', h.fault);
          break;
        case 'skew': {
          mark(h, lane ?? -1, 'skew', 'fault', 'skew');
          const rate = h.data['rate'];
          if (lane === undefined) break;
          closeRegion('skew:' + lane, h.t);
          if (typeof rate === 'number' && rate !== 1) {
            openRegion('skew:' + lane, { kind: 'skew', t0: h.t, t1: t1, lanes: [lane], label: `clock ×${rate}` });
          }
          break;
        }
      }
      continue;
    }
    if (h.k === 'notify') {
      // A watch event (its type and path) or a connection state the client told its application of.
      const lane = index.get(h.node);
      if (lane === undefined) continue;
      if (h.type === 'None') mark(h, lane, 'session', 'client', h.state);
      else mark(h, lane, 'other', 'client', `⚑ ${h.type} ${h.path ?? ''}`);
      continue;
    }
    // A node's own trace event.
    const lane = index.get(h.node);
    if (lane === undefined) continue;
    const { event, data } = h;
    const [kind, group] = MARK_OF[event] ?? (event.startsWith('session.') ? ['session', 'client'] : ['other', 'other']);
    if (event !== 'state') touch(lanes[lane]?.kind === 'server' ? lane : undefined, h.t);
    switch (event) {
      case 'state': {
        const st = data.state;
        const state = (STATES as readonly string[]).includes(st) ? (st as LaneState) : 'starting';
        setState(lane, h.t, state, data.epoch);
        mark(h, lane, kind, group, st);
        break;
      }
      case 'vote': {
        const v = `${sid(data.leader)} ${tripleText(triple(data))}, round ${data.round}`;
        mark(h, lane, kind, group, '→' + sid(data.leader), { vote: v });
        break;
      }
      case 'election.decided': {
        decidedLeader.set(lane, sid(data.leader));
        mark(h, lane, kind, group, data.state === 'LEADING' ? '★ lead' : '✓ ' + sid(data.leader), {
          vote: `${sid(data.leader)} (decided; votes from ${nodeList(data.votesFrom)})`,
        });
        break;
      }
      case 'leader.established':
      case 'epoch.current': {
        const e = data.epoch;
        const cur = open.get(lane);
        if (cur && cur.state !== 'LOOKING' && cur.state !== 'down' && cur.state !== 'starting') {
          setState(lane, h.t, cur.state, e);
        }
        const z = 'zxid' in data ? hexZxid(data.zxid) : undefined;
        mark(h, lane, kind, group, event === 'leader.established' ? `★ epoch ${e}` : `e${e}`, z ? { zxid: z } : {});
        break;
      }
      case 'propose':
      case 'commit':
      case 'apply':
      case 'ack': {
        const z = hexZxid(data.zxid);
        mark(h, lane, kind, group, z, { zxid: z });
        break;
      }
      case 'client.invoke': {
        const key = `${h.node}/${data.session}/${data.xid}`;
        const op: Op = {
          lane, t0: h.t, t1: undefined, label: `${data.op} ${data.path ?? ''}`.trim(),
          ok: undefined, result: 'no reply',
        };
        ops.push(op);
        openOps.set(key, op);
        mark(h, lane, kind, group, op.label);
        break;
      }
      case 'client.return': {
        const key = `${h.node}/${data.session}/${data.xid}`;
        const op = openOps.get(key);
        if (op) {
          op.t1 = h.t;
          op.ok = rcOk(data.rc);
          op.result = describe(h);
          openOps.delete(key);
        }
        mark(h, lane, kind, group, rcOk(data.rc) ? 'ok' : 'err', rcOk(data.rc) && data.zxid > 0 ? { zxid: hexZxid(data.zxid) } : {});
        break;
      }
      case 'sync.send':
        mark(h, lane, kind, group, `${data.mode}→${sid(data.peer)}`);
        break;
      case 'client.connected':
        mark(h, lane, kind, group, data.server !== null ? `⇄ ${sid(data.server)}` : 'connected');
        break;
      case 'client.disconnected':
        mark(h, lane, kind, group, 'disconnected');
        break;
      default:
        mark(h, lane, kind, group, event.startsWith('session.') ? event.slice(8) : event.replace(/^zab\./, ''));
    }
  }
  for (const s of open.values()) s.t1 = t1;
  const drawn = spans.filter((s) => s.t1 > s.t0);
  regions.push(...leaderOverlaps(drawn, lanes));
  return { t0, t1, lanes, spans: drawn, arrows, marks, regions, ops, verdicts: options.verdicts ?? [] };
}

/**
 * Stretches of time when more than one server is LEADING: the moment a student should look at
 * (only one of them can hold a quorum; the other's epoch is over but it does not know yet).
 */
export function leaderOverlaps(spans: readonly Span[], lanes: readonly Lane[]): Region[] {
  // One run per lane: a leader whose span splits when its new epoch becomes known is still one leader.
  const runs: Span[] = [];
  const lastRun = new Map<number, Span>();
  for (const s of [...spans].sort((a, b) => a.t0 - b.t0)) {
    if (s.state !== 'LEADING') continue;
    const prev = lastRun.get(s.lane);
    if (prev && prev.t1 === s.t0) {
      prev.t1 = s.t1;
      if (s.epoch !== undefined) prev.epoch = s.epoch;
      continue;
    }
    const run: Span = { ...s };
    runs.push(run);
    lastRun.set(s.lane, run);
  }
  const edges: { t: number; d: number; s: Span }[] = [];
  for (const s of runs) edges.push({ t: s.t0, d: 1, s }, { t: s.t1, d: -1, s });
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  const active = new Set<Span>();
  const out: Region[] = [];
  let start = -1;
  let who: Span[] = [];
  for (const e of edges) {
    if (e.d > 0) active.add(e.s);
    else active.delete(e.s);
    if (active.size >= 2 && start < 0) {
      start = e.t;
      who = [...active];
    } else if (active.size >= 2) {
      for (const s of active) if (!who.includes(s)) who.push(s);
    } else if (active.size < 2 && start >= 0) {
      if (e.t > start) {
        const names = who.map((s) => `${lanes[s.lane]?.id ?? '?'}${s.epoch !== undefined ? ` (epoch ${s.epoch})` : ''}`);
        out.push({ kind: 'leaders', t0: start, t1: e.t, lanes: [], label: `${who.length} leaders at once: ${names.join(', ')}` });
      }
      start = -1;
      who = [];
    }
  }
  return out;
}
