/**
 * A tiny deterministic event loop that runs several FastLeaderElection instances against each other
 * (test support; the real harness is `sim/`). Links are FIFO with seeded per-message delays, messages can be
 * dropped by a predicate, servers start at given times, and the loop plays the QuorumPeer's part of
 * telling the election its new state once an election ends.
 *
 * Connections are simple here: the first message of a connection tells the receiver `onAccepted`
 * first; a message to a server that has not started refuses its connection (the sender's
 * `onConnGone`, and nothing more goes on it). A message the `drop` predicate loses just vanishes
 * (no broken connection). The kernel's full connection model is exercised by `sim/` runs.
 */
import { Prng } from '../../random.ts';
import type { Effect } from '../../contract.ts';
import { AddressBook, defaultAddressBook } from '../../addressBook.ts';
import { FastLeaderElection, type ElectionOutcome } from '../fle.ts';
import type { ElectionBugs, Notification } from '../types.ts';

export interface TestServer {
  readonly sid: number;
  readonly zxid?: number;
  readonly epoch?: number;
  /** Virtual time of `lookForLeader`; default 0. */
  readonly startAt?: number;
  readonly observer?: boolean;
  /** Elections this server has already been through: it starts in this round (default 1). */
  readonly round?: number;
}

export interface TestNetOptions {
  readonly seed?: string;
  /** Link delay range in ms; default 0.1–1. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Stop the loop at this virtual time; default 10 000 ms. */
  readonly untilMs?: number;
  readonly bugs?: ElectionBugs;
  /** Stop after this many events (a livelocked election never empties the queue); default 200 000. */
  readonly maxEvents?: number;
  /** Return true to lose the message. `index` counts sends on the (from, to) link from 0. */
  readonly drop?: (from: number, to: number, msg: Notification, index: number, t: number) => boolean;
}

export interface Decision extends ElectionOutcome {
  readonly t: number;
}

export interface TraceRecord {
  readonly t: number;
  readonly sid: number;
  readonly event: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface TestNetResult {
  /** Every election outcome per server, in order. */
  readonly decisions: ReadonlyMap<number, readonly Decision[]>;
  readonly traces: readonly TraceRecord[];
  readonly delivered: number;
  readonly dropped: number;
  readonly events: number;
  /** Virtual time of the last event handled. */
  readonly endedAt: number;
  readonly elections: ReadonlyMap<number, FastLeaderElection>;
}

type Event =
  | { t: number; seq: number; kind: 'start'; sid: number }
  | { t: number; seq: number; kind: 'deliver'; from: number; to: number; conn: string; msg: Notification }
  | { t: number; seq: number; kind: 'timer'; sid: number; timer: string; gen: number };

export function runElection(servers: readonly TestServer[], opts: TestNetOptions = {}): TestNetResult {
  const rng = new Prng(String(opts.seed ?? 'election'));
  const minDelay = opts.minDelayMs ?? 0.1;
  const maxDelay = opts.maxDelayMs ?? 1;
  const until = opts.untilMs ?? 10_000;
  const participants = servers.filter((s) => !s.observer).map((s) => s.sid);
  const observers = servers.filter((s) => s.observer).map((s) => s.sid);
  const byId = new Map(servers.map((s) => [s.sid, s]));
  const elections = new Map<number, FastLeaderElection>();
  const started = new Set<number>();
  const decisions = new Map<number, Decision[]>();
  const traces: TraceRecord[] = [];
  const timerGen = new Map<string, number>();
  const linkCount = new Map<string, number>();
  const linkLast = new Map<string, number>();
  /** Connection id -> destination sid; connections accepted and refused so far. */
  const connTo = new Map<string, number>();
  const acceptedConns = new Set<string>();
  const refusedConns = new Set<string>();
  const maxEvents = opts.maxEvents ?? 200_000;
  let events = 0;
  let endedAt = 0;
  let delivered = 0;
  let dropped = 0;
  let seq = 0;
  // A binary min-heap on (t, seq): a livelocked election floods it, so inserts must stay cheap.
  const queue: Event[] = [];
  const before = (a: Event, b: Event): boolean => a.t < b.t || (a.t === b.t && a.seq < b.seq);
  const push = (e: Event): void => {
    queue.push(e);
    let i = queue.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(queue[i]!, queue[p]!)) break;
      [queue[i], queue[p]] = [queue[p]!, queue[i]!];
      i = p;
    }
  };
  const pop = (): Event => {
    const top = queue[0]!;
    const last = queue.pop()!;
    if (queue.length > 0) {
      queue[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < queue.length && before(queue[l]!, queue[m]!)) m = l;
        if (r < queue.length && before(queue[r]!, queue[m]!)) m = r;
        if (m === i) break;
        [queue[i], queue[m]] = [queue[m]!, queue[i]!];
        i = m;
      }
    }
    return top;
  };

  const book = new AddressBook(defaultAddressBook(participants, observers));
  for (const s of servers) {
    elections.set(
      s.sid,
      new FastLeaderElection({ myid: s.sid, participants, observers, book, bugs: opts.bugs }),
    );
    decisions.set(s.sid, []);
    push({ t: s.startAt ?? 0, seq: seq++, kind: 'start', sid: s.sid });
  }

  const apply = (sid: number, fx: Effect[], t: number): void => {
    const fle = elections.get(sid)!;
    for (const e of fx) {
      if (e.kind === 'connect') {
        connTo.set(e.conn, book.myidOf(e.to));
      } else if (e.kind === 'send') {
        const to = e.to === undefined ? connTo.get(e.conn) : book.myidOf(e.to);
        if (to === undefined) throw new Error(`testnet: send on unknown connection ${e.conn}`);
        const key = `${sid}>${to}`;
        const index = linkCount.get(key) ?? 0;
        linkCount.set(key, index + 1);
        const msg = e.msg as Notification;
        if (opts.drop?.(sid, to, msg, index, t)) {
          dropped++;
          continue;
        }
        // Links are FIFO (QuorumCnxManager runs over TCP): never overtake the previous message.
        const at = Math.max(t + minDelay + rng.next() * (maxDelay - minDelay), linkLast.get(key) ?? 0);
        linkLast.set(key, at);
        push({ t: at, seq: seq++, kind: 'deliver', from: sid, to, conn: e.conn ?? `${sid}>${to}`, msg });
      } else if (e.kind === 'setTimer') {
        const key = `${sid}/${e.timer}`;
        const gen = (timerGen.get(key) ?? 0) + 1;
        timerGen.set(key, gen);
        push({ t: t + e.afterMs, seq: seq++, kind: 'timer', sid, timer: e.timer, gen });
      } else if (e.kind === 'cancelTimer') {
        const key = `${sid}/${e.timer}`;
        timerGen.set(key, (timerGen.get(key) ?? 0) + 1);
      } else if (e.kind === 'trace') {
        traces.push({ t, sid, event: e.event, data: e.data });
      }
    }
    const outcome = fle.takeOutcome();
    if (outcome) {
      decisions.get(sid)!.push({ ...outcome, t });
      // The QuorumPeer records the final vote as its current vote (setCurrentVote).
      fle.setCurrent(outcome.state, outcome.vote);
    }
  };

  while (queue.length > 0 && queue[0]!.t <= until && events < maxEvents) {
    const e = pop();
    events++;
    endedAt = e.t;
    if (e.kind === 'start') {
      const s = byId.get(e.sid)!;
      started.add(e.sid);
      const fle = elections.get(e.sid)!;
      // Earlier rounds only advance logicalclock; their effects never left the process.
      // (Their connects did happen.)
      for (let r = 1; r < (s.round ?? 1); r++) {
        for (const x of fle.lookForLeader(s.zxid ?? 0, s.epoch ?? 0, e.t)) if (x.kind === 'connect') connTo.set(x.conn, book.myidOf(x.to));
      }
      apply(e.sid, fle.lookForLeader(s.zxid ?? 0, s.epoch ?? 0, e.t), e.t);
    } else if (e.kind === 'deliver') {
      // A server that is not running yet has no listener: the connection is refused.
      if (refusedConns.has(e.conn)) {
        dropped++;
        continue;
      }
      if (!started.has(e.to)) {
        dropped++;
        refusedConns.add(e.conn);
        apply(e.from, elections.get(e.from)!.onConnGone(e.conn, 'refused', e.t), e.t);
        continue;
      }
      if (!acceptedConns.has(e.conn)) {
        acceptedConns.add(e.conn);
        apply(e.to, elections.get(e.to)!.onAccepted(`s${e.from}`, e.t), e.t);
      }
      delivered++;
      apply(e.to, elections.get(e.to)!.onNotification(`s${e.from}`, e.msg, e.t), e.t);
    } else if (timerGen.get(`${e.sid}/${e.timer}`) === e.gen) {
      apply(e.sid, elections.get(e.sid)!.onTimer(e.timer, e.t), e.t);
    }
  }
  return { decisions, traces, delivered, dropped, events, endedAt, elections };
}
