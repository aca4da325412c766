/**
 * A plain-words narration of a trace, one line per notable event:
 *   t=3.201s s3 wins epoch 2: (epoch 1, zxid 0x100000002, myid 3) beats s4's (epoch 1, zxid 0x0, myid 4) on zxid; ...
 * Elections with the vote comparison that decided them and the ballot (`elections.ts`), leaders
 * established and stepping down (with the reason), learners synced by DIFF/TRUNC/SNAP and why,
 * crashes, graceful stops, restarts, pauses, partitions (every side, clients included, and which
 * side each client's server is on), one-way cuts, clock and disk faults, expired sessions, client
 * calls that failed and conditional calls that lost a race (an outcome, not a failure), and the
 * checkers' violations. A run of the same line (a client retrying through a partition) is told
 * once with its count.
 */
import type { EventData, TraceRecord } from '../trace/records.ts';
import { toHappenings } from './timeline/records.ts';
import type { FaultHappening, Happening } from './timeline/records.ts';
import { describe } from './timeline/describe.ts';
import { buildModel, leaderOverlaps } from './timeline/model.ts';
import type { Model, Verdict } from './timeline/model.ts';
import { hexZxid, nodeList, rcName, rcOk, secs } from './timeline/names.ts';
import { decode } from '../trace/view.ts';
import { ballotSentence, electionSentence, elections } from './elections.ts';
import type { Election } from './elections.ts';

export interface NarrateOptions {
  readonly verdicts?: readonly Verdict[];
  /** The trace's timeline model if the caller has one already (saves rebuilding it). */
  readonly model?: Model;
}

export interface Line {
  readonly t: number;
  readonly text: string;
  /** The stretch of the run the line tells about (µs), when it is more than an instant: an
   *  election from its first vote to the established leader, a collapsed run of lines from first
   *  to last. A timeline frames this when the line is chosen. */
  readonly span?: { readonly fromUs: number; readonly toUs: number };
}

/** A line before collapsing: lines with the same `key` close together in time are told once. */
interface Draft extends Line {
  readonly order: number;
  readonly key?: string;
  /** The text for a group of `n` such lines ending at `last` (µs). */
  readonly many?: (n: number, last: number) => string;
}

/** Lines of the same key at most this far apart (µs) collapse into one. */
const COLLAPSE_GAP_US = 2_000_000;

/** Answers a conditional call gets when it lost a race: an outcome the application handles. */
const OUTCOMES: Readonly<Record<number, string>> = {
  [-103]: 'its expected version is stale: another client updated it first (a conditional write lost the race; read again and retry)',
  [-110]: 'someone else created it first (the normal way to lose a race for a lock or a master)',
  [-101]: 'the node does not exist (any more)',
  [-111]: 'the node still has children',
};

/** What the narration remembers between events. */
interface Memory {
  /** node -> its last state */
  readonly st: Map<string, string>;
  /** node -> its last election.decided data */
  readonly decided: Map<string, EventData<'election.decided'>>;
  /** node -> when it won an election it has not yet established */
  readonly pending: Map<string, number>;
  /** sessions whose expiry has been told (every server applies the closeSession: tell it once) */
  readonly expired: Set<string>;
  /** every node of the run (the header's, then any seen) */
  readonly nodes: string[];
  /** servers known to be observers */
  readonly observers: Set<string>;
  /** client -> the server it is connected to */
  readonly conn: Map<string, string>;
  /** `client/session/xid` -> the call */
  readonly calls: Map<string, { op: string; path?: string }>;
  /** session id -> the client that holds it */
  readonly owner: Map<string, string>;
  /** node -> the reason of its last zab.abandon */
  readonly abandon: Map<string, string>;
  /** server -> the last epoch it established as leader */
  readonly led: Map<string, number>;
  /** leader -> the epoch it leads now */
  readonly leads: Map<string, number>;
  /** election decisions by the winner and the time it decided */
  readonly wins: Map<string, Election>;
}

const isClient = (n: string): boolean => /^c\d+$/.test(n);

function latencyText(v: unknown): string {
  const o = v as { minUs?: number; tailMeanUs?: number; tailMaxUs?: number } | undefined;
  if (o === undefined || typeof o !== 'object') return String(v);
  const ms = (us: number | undefined): string => `${Math.round((us ?? 0) / 100) / 10} ms`;
  return `${ms(o.minUs)} + ~${ms(o.tailMeanUs)} tail (max ${ms(o.tailMaxUs)})`;
}

function faultLine(h: FaultHappening, m: Memory): string | undefined {
  const n = h.node ?? '?';
  switch (h.fault) {
    case 'link':
      return undefined;
    case 'boot':
      return h.t > 0 ? `${n} starts (later than the others)` : undefined;
    case 'crash':
      if (isClient(n)) return `${n} crashes (the client process is gone; its session lives on at the servers until it expires)`;
      if (h.data['graceful'] === true) return `${n} is stopped gracefully (its log is kept whole; peers see its connections close at once)`;
      return describe(h);
    case 'restart':
      return isClient(n) ? `${n} restarts (a new client process: it must open a new session)` : describe(h);
    case 'partition': {
      if (h.isolated !== undefined) {
        const cut = clientSides(m, [[h.isolated]], true);
        return `network partition: ${h.isolated} is cut off from everyone${isClient(h.isolated) ? '' : ', clients included'}${cut || '; every connected client still reaches its server'}`;
      }
      const groups = (h.groups ?? []).map((g) => [...g]);
      const named = new Set(groups.flat());
      const rest = m.nodes.filter((x) => !named.has(x));
      if (rest.length > 0) groups.push(rest);
      return `network partition: ${groups.map((g) => g.join(' ')).join(' | ')} (no messages cross the bar)${clientSides(m, groups)}`;
    }
    case 'cut':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} cut one way (${h.to ?? '?'} still reaches ${h.from ?? '?'})`;
    case 'disk': {
      const parts = Object.entries(h.data).filter(([k]) => k !== 'node').map(([k, v]) => `${k} ${latencyText(v)}`);
      return `${n}'s disk changes: ${parts.join(', ')}`;
    }
    default:
      return describe(h);
  }
}

/** `; c1 is on s5's side, c2 is cut off from its server s5` (`cutOnly`: only the cut-off ones) */
function clientSides(m: Memory, groups: readonly (readonly string[])[], cutOnly = false): string {
  const sideOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((x) => sideOf.set(x, i)));
  const isolatedOne = groups.length === 1;
  const parts: string[] = [];
  for (const c of m.nodes.filter(isClient)) {
    const server = m.conn.get(c);
    if (server === undefined) continue;
    const cs = sideOf.get(c);
    const ss = sideOf.get(server);
    const same = isolatedOne ? (cs === undefined) === (ss === undefined) : cs === ss;
    if (same && cutOnly) continue;
    parts.push(same ? `${c} is on the side of its server ${server}` : `${c} is cut off from its server ${server}`);
  }
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

function syncLine(h: { node: string; data: EventData<'sync.send'> }, m: Memory): string | undefined {
  const d = h.data;
  if (d.mode === 'DIFF' && d.from === d.to) return undefined; // already up to date
  const peer = `s${d.peer}`;
  const epoch = m.leads.get(h.node);
  const old = m.led.get(peer);
  const who = old !== undefined && (epoch === undefined || old < epoch) ? `${peer}, the old leader of epoch ${old},` : peer;
  const under = `${who} rejoins under ${h.node}${epoch !== undefined ? ` (epoch ${epoch})` : ''}`;
  // Txns past the winning vote's zxid from an older epoch were never committed: the sync drops them.
  const won = m.decided.get(h.node);
  const doomed = d.mode !== 'TRUNC' && won !== undefined && d.from > won.zxid && Math.floor(d.from / 2 ** 32) < Math.floor(d.to / 2 ** 32)
    ? `; its txns after ${hexZxid(won.zxid)} were never committed and are discarded`
    : '';
  switch (d.mode) {
    case 'DIFF':
      return `${under} by DIFF: it holds up to ${hexZxid(d.from)} and gets the committed txns after it up to ${hexZxid(d.to)} from the leader's in-memory committed log${doomed}`;
    case 'TRUNC':
      return `${under} by TRUNC: it logged txns up to ${hexZxid(d.from)} that were never committed, so it cuts its log back to ${hexZxid(d.to)}`;
    case 'SNAP':
      return `${under} by SNAP: its log ends at ${hexZxid(d.from)}, outside the leader's in-memory committed log, so it gets the whole tree at ${hexZxid(d.to)}${doomed}`;
  }
}

/** `0x100000001310001 (c3's)` */
function sessionText(m: Memory, id: string): string {
  const c = m.owner.get(id);
  return `${hexZxid(id)}${c !== undefined ? ` (${c}'s)` : ''}`;
}

function push(out: Draft[], d: Omit<Draft, 'order'>): void {
  out.push({ ...d, order: out.length });
}

function nodeLine(h: Extract<Happening, { k: 'node' }>, m: Memory, out: Draft[]): void {
  const { st, decided, pending } = m;
  const line = (text: string, extra: Partial<Draft> = {}): void => push(out, { t: h.t, text, ...extra });
  switch (h.event) {
    case 'state': {
      const prev = st.get(h.node);
      const next = h.data.state;
      st.set(h.node, next);
      if (next === 'OBSERVING') m.observers.add(h.node);
      if (next !== 'LOOKING') return;
      m.leads.delete(h.node);
      const why = m.abandon.get(h.node);
      m.abandon.delete(h.node);
      if (prev === undefined || prev === 'LOOKING') return;
      const because = why !== undefined ? ` (${why})` : '';
      if (m.observers.has(h.node)) return line(`${h.node} (an observer) lost its leader${because} and looks for the new one (it does not vote)`);
      return line(prev === 'LEADING'
        ? `${h.node} steps down as leader${because} and starts an election`
        : `${h.node} lost its leader${because} and starts an election`);
    }
    case 'zab.abandon':
      m.abandon.set(h.node, h.data.reason);
      return;
    case 'election.start':
      if (h.data.vote.leader < 0) m.observers.add(h.node);
      return;
    case 'election.decided': {
      decided.set(h.node, h.data);
      if (h.data.state !== 'LEADING') return;
      pending.set(h.node, h.t);
      const e = m.wins.get(`${h.node}@${h.t}`);
      if (e === undefined) return;
      if (e.epoch !== undefined) m.leads.set(h.node, e.epoch);
      const span = { fromUs: e.t0, toUs: e.establishedAt ?? e.t1 };
      line(electionSentence(e), { span });
      const b = ballotSentence(e);
      if (b !== undefined) line(b, { span });
      return;
    }
    case 'leader.established': {
      pending.delete(h.node);
      m.led.set(h.node, h.data.epoch);
      m.leads.set(h.node, h.data.epoch);
      const won = decided.get(h.node);
      const zxid = won !== undefined ? `won with zxid ${hexZxid(won.zxid)}` : 'its winning vote is not in the trace';
      return line(`${h.node} leads epoch ${h.data.epoch} (${zxid}; NEWLEADER acked by ${nodeList(h.data.quorum)})`);
    }
    case 'sync.send': {
      const text = syncLine(h, m);
      if (text !== undefined) line(text);
      return;
    }
    case 'client.connected':
      if (h.data.server !== null) m.conn.set(h.node, h.data.server);
      m.owner.set(h.data.session, h.node);
      return;
    case 'client.disconnected':
      m.conn.delete(h.node);
      return;
    case 'client.invoke':
      m.calls.set(`${h.node}/${h.data.session}/${h.data.xid}`, { op: h.data.op, ...(h.data.path === undefined ? {} : { path: h.data.path }) });
      return;
    case 'client.return': {
      const d = h.data;
      if (rcOk(d.rc)) return;
      const call = m.calls.get(`${h.node}/${d.session}/${d.xid}`);
      const what = call === undefined ? `call xid ${d.xid}` : `${call.op}${call.path !== undefined ? ` ${call.path}` : ''}`;
      const rc = rcName(d.rc);
      const outcome = OUTCOMES[d.rc];
      if (outcome !== undefined) {
        return line(`${h.node} ${what} → ${rc}: ${outcome}`, {
          key: `${h.node} ${what} ${rc}`,
          many: (n, last) => `${h.node} ${what} → ${rc} ${n} times until t=${secs(last)}: ${outcome}`,
        });
      }
      return line(`${h.node} ${what} failed: ${rc}${call === undefined ? '' : ` (xid ${d.xid})`}`, {
        key: `${h.node} failed ${rc}`,
        many: (n, last) => `${h.node}: ${n} calls failed with ${rc} until t=${secs(last)}`,
      });
    }
    case 'session.expiring':
      // The leader's tracker found the session silent too long and proposes its closeSession; a
      // leader cut off from its quorum says this but the expiry never commits.
      return line(`${h.node} finds session ${sessionText(m, h.data.session)} expired and proposes closing it`);
    case 'session.expire': {
      const id = h.data.session;
      if (m.expired.has(id)) return;
      m.expired.add(id);
      return line(`session ${sessionText(m, id)} expired: its closeSession committed (applied first on ${h.node}); its ephemerals are gone`);
    }
    default:
      return;
  }
}

function collapse(lines: readonly Draft[]): Line[] {
  const groups: { first: Draft; n: number; last: number }[] = [];
  const open = new Map<string, number>();
  const slots: (Line | number)[] = [];
  for (const l of lines) {
    if (l.key === undefined) {
      slots.push({ t: l.t, text: l.text, ...(l.span === undefined ? {} : { span: l.span }) });
      continue;
    }
    const gi = open.get(l.key);
    const g = gi === undefined ? undefined : groups[gi];
    if (g !== undefined && l.t - g.last <= COLLAPSE_GAP_US) {
      g.n++;
      g.last = l.t;
      continue;
    }
    groups.push({ first: l, n: 1, last: l.t });
    open.set(l.key, groups.length - 1);
    slots.push(groups.length - 1);
  }
  return slots.map((x) => {
    if (typeof x !== 'number') return x;
    const g = groups[x]!;
    if (g.n === 1 || g.first.many === undefined) return { t: g.first.t, text: g.first.text };
    return { t: g.first.t, text: g.first.many(g.n, g.last), span: { fromUs: g.first.t, toUs: g.last } };
  });
}

/** Proposals no server ever committed: `s5 proposed 0x100000004 (create /doomed) but it never committed`. */
function uncommitted(trace: readonly TraceRecord[]): Line[] {
  const proposed = new Map<number, { t: number; node: string; what: string; over?: number }>();
  const decided = new Set<number>();
  const open = (node: string, t: number): void => {
    // The proposer's epoch is over (it left its role or died): what it did not commit never will be.
    for (const p of proposed.values()) if (p.node === node && p.over === undefined && p.t <= t) p.over = t;
  };
  for (const { t, node, e } of decode(trace)) {
    if (e.k === 'proposalSent' && !proposed.has(e.zxid)) {
      const what = `${e.txn.type}${e.txn.path !== undefined ? ` ${e.txn.path}` : ''}`;
      proposed.set(e.zxid, { t, node, what });
    } else if (e.k === 'commit' || e.k === 'apply') decided.add(e.zxid);
    else if (e.k === 'crash' || (e.k === 'state' && e.state === 'LOOKING')) open(node, t);
  }
  const out: Line[] = [];
  for (const [zxid, p] of proposed) {
    if (decided.has(zxid)) continue;
    out.push({
      t: p.t,
      text: p.over !== undefined
        ? `${p.node} logs and proposes ${hexZxid(zxid)} (${p.what}), which never commits: no quorum acks it before ${p.node} leaves its role at t=${secs(p.over)}`
        : `${p.node} logs and proposes ${hexZxid(zxid)} (${p.what}), still uncommitted when the run ends`,
    });
  }
  return out;
}

/** The narration as timed lines, in time order. */
export function narrateLines(trace: readonly TraceRecord[], options: NarrateOptions = {}): Line[] {
  const out: Draft[] = [];
  const header = trace[0]?.ev === 'header' ? trace[0].nodes : [];
  const wins = new Map<string, Election>();
  for (const e of elections(trace).elections) wins.set(`${e.winner}@${e.t1}`, e);
  const memory: Memory = {
    st: new Map(), decided: new Map(), pending: new Map(), expired: new Set(), nodes: [...header],
    observers: new Set(), conn: new Map(), owner: new Map(), calls: new Map(), abandon: new Map(), led: new Map(), leads: new Map(), wins,
  };
  const { decided, pending } = memory;
  const unestablished = (node: string, t: number): void => {
    const at = pending.get(node);
    if (at === undefined) return;
    pending.delete(node);
    const d = decided.get(node);
    push(out, { t: at, text: `${node} won the election (round ${String(d?.round)}) but never established its epoch (gave up by t=${secs(t)})` });
  };
  const seen = new Set(header);
  let end = 0;
  for (const h of toHappenings(trace)) {
    end = Math.max(end, h.t);
    const who = h.k === 'msg' ? undefined : h.node;
    if (who !== undefined && who !== '*' && !seen.has(who)) {
      seen.add(who);
      memory.nodes.push(who);
    }
    if (h.k === 'node' && (h.event === 'election.decided' || (h.event === 'state' && h.data.state === 'LOOKING'))) unestablished(h.node, h.t);
    if (h.k === 'fault' && h.fault === 'crash' && h.node !== undefined) unestablished(h.node, h.t);
    if (h.k === 'msg') continue;
    if (h.k === 'fault') {
      if ((h.fault === 'crash' || h.fault === 'restart') && h.node !== undefined) {
        memory.st.delete(h.node);
        memory.leads.delete(h.node);
        memory.conn.delete(h.node);
      }
      const text = faultLine(h, memory);
      if (text !== undefined) push(out, { t: h.t, text });
      continue;
    }
    if (h.k === 'notify') continue; // an application's watch events: not part of the story told
    nodeLine(h, memory, out);
  }
  for (const node of [...pending.keys()].sort()) unestablished(node, end);
  for (const l of uncommitted(trace)) push(out, l);
  const model = options.model ?? buildModel(trace);
  for (const r of leaderOverlaps(model.spans, model.lanes)) {
    push(out, { t: r.t0, text: `${r.label.replace(' at once', ' at once until t=' + secs(r.t1))}` });
  }
  for (const v of options.verdicts ?? []) {
    for (const viol of v.violations) {
      push(out, { t: viol.t, text: `CHECK FAILED ${v.name}: ${viol.node ? viol.node + ': ' : ''}${viol.message}` });
    }
  }
  out.sort((a, b) => a.t - b.t || a.order - b.order);
  return collapse(out);
}

/** The narration as text, one `t=…s …` line per notable event. */
export function narrate(trace: readonly TraceRecord[], options: NarrateOptions = {}): string {
  return narrateLines(trace, options).map((l) => `t=${secs(l.t)} ${l.text}`).join('\n') + '\n';
}
