/**
 * A ZooKeeper client (ClientCnxn + ZooKeeper API) as a `ProtocolNode`.
 *
 * Application calls arrive as `request` inputs (see `ClientOp`) and are answered by `reply`
 * effects. Requests are pipelined in FIFO order over one connection; the client pings as 3.8's
 * ClientCnxn does (after readTimeout/2 of send-idleness, 1 s sooner once woken after 1 s idle:
 * `pingCheck`), declares the connection lost after readTimeout
 * (2/3) of silence or when its server's process dies, reconnects to the next server with its session
 * id and last seen zxid, re-registers its watches (SetWatches), and learns of expiry from the server
 * it reconnects to.
 *
 * Watch events and connection-state changes leave as `notify` effects (`WatchedEvent`, contract.ts),
 * as 3.8's event thread hands them to the Watchers: a fired watch (SyncConnected, with the change's
 * zxid); `None` events for SyncConnected at every established connection, Disconnected whenever a
 * connection or a connection attempt is lost while the handle is alive (ClientCnxn's
 * cleanAndNotifyState, so also for each failed attempt while cycling through the servers), Expired,
 * AuthFailed, and Closed when a closeSession ends the handle; the *WatchRemoved events of a
 * successful removeWatches (one per kind of watch it removed). Shortcut: the model has one
 * application Watcher per client, so every event goes to it (3.8 delivers a fired watch to the
 * Watcher objects registered for it, a state change to all of them). `abandon` (the application
 * drops the handle without closing it) notifies nothing.
 */
import { Prng } from '../random.ts';
import type { ConnId, Effect, Input, KeeperState, NodeId, ProtocolNode, WatchedEvent, WatchedEventType } from '../contract.ts';
import { traceEffect } from '../contract.ts';
import type { EventData, EventName } from '../../trace/records.ts';
import { Err } from '../request/errors.ts';
import type { Reply, Request, SessionId } from '../request/types.ts';
import { NO_SESSION } from '../request/types.ts';
import { normalizeOp } from './ops.ts';
import type { ClientOp } from './ops.ts';
import type { ClientWire, SetWatchesRequest } from './wire.ts';
import { isClientWire } from './wire.ts';
import { WatchTable } from './watchTable.ts';

export interface ClientConfig {
  /** Server node ids, e.g. ['s1', 's2', 's3']; shuffled once with a seed (StaticHostProvider). */
  readonly servers: readonly NodeId[];
  readonly sessionTimeoutMs?: number;
  /** Seed for the host shuffle; defaults to the client id. */
  readonly seed?: string;
  /** Do not shuffle (connect to servers[0] first). */
  readonly noShuffle?: boolean;
  /** Emit no trace effects (benches). */
  readonly quiet?: boolean;
}

type State = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed' | 'expired' | 'authFailed';

interface Pending {
  readonly xid: number;
  readonly id: number;
  readonly req: Request | SetWatchesRequest;
}

/** Watcher.Event.EventType codes a server sends in a notification. */
const WATCH_TYPES: Readonly<Record<number, WatchedEventType>> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};

export const PING_TIMER = 'cli.ping';
/** ClientCnxn.MAX_SEND_PING_INTERVAL: a ping at the latest after this much send-idleness (at a wake-up). */
const MAX_SEND_PING_INTERVAL_MS = 10_000;
export const READ_TIMER = 'cli.read';
export const CONNECT_TIMER = 'cli.connect';
export const SET_WATCHES_ID = -1;

export class ZooKeeperClient implements ProtocolNode {
  private out: Effect[] = [];
  private now = 0;
  private state: State = 'idle';
  private readonly hosts: NodeId[];
  private hostIndex = -1;
  private tried = 0;
  private server: NodeId | null = null;
  /** The server this client is connected (or connecting) to. */
  get currentServer(): NodeId | null {
    return this.server;
  }
  /** A session is up on a live connection (for tests that wait for a reconnect). */
  get connected(): boolean {
    return this.state === 'connected';
  }
  /** The connection to `server` ('' when none is open). */
  private cnx: ConnId = '';
  private cnxCounter = 0;
  sessionId: SessionId = NO_SESSION;
  private requestedTimeout: number;
  private negotiatedTimeout = 0;
  lastZxid = 0;
  private xid = 1;
  private connectId: number | null = null;
  private closeId: number | null = null;
  /** Sent, awaiting a reply (ClientCnxn.pendingQueue). */
  private pending: Pending[] = [];
  /** Issued while not connected (outgoingQueue). */
  private outgoing: { id: number; req: Request }[] = [];
  private readonly watches = new WatchTable();
  private lastSend = 0;
  /** When the ping timer is due (local ms); -1 while no connection is up. */
  private pingDueAt = -1;
  private lastRecv = 0;

  constructor(
    readonly id: NodeId,
    private readonly cfg: ClientConfig,
  ) {
    this.requestedTimeout = cfg.sessionTimeoutMs ?? 10_000;
    const hosts = [...cfg.servers];
    if (!cfg.noShuffle) {
      const rng = new Prng(cfg.seed ?? id);
      for (let i = hosts.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [hosts[i], hosts[j]] = [hosts[j]!, hosts[i]!];
      }
    }
    this.hosts = hosts;
    this.rng = new Prng(`${cfg.seed ?? id}/reconnect`);
  }

  step(input: Input, now: number): Effect[] {
    this.out = [];
    this.now = now;
    switch (input.kind) {
      case 'start':
        break;
      case 'request':
        this.onApp(input.id, input.op);
        break;
      case 'message':
        if (input.conn === this.cnx && this.cnx !== '' && isClientWire(input.msg)) this.onWire(input.msg);
        break;
      case 'closed':
      case 'lost':
        if (input.conn === this.cnx && this.cnx !== '') {
          this.cnx = ''; // gone: nothing to close
          this.connectionLost(input.kind === 'closed' ? 'server closed the connection' : `connection ${input.reason}`);
        }
        break;
      case 'timer':
        this.onTimer(input.timer);
        break;
      case 'disk':
        break;
    }
    // A local call (state) does not wake ClientCnxn's send loop; anything that sent does.
    if (input.kind !== 'request' || this.lastSend === now) this.pingCheck();
    return this.out;
  }

  // ------------------------------------------------------------------ application calls

  private onApp(id: number, raw: unknown): void {
    let op: ClientOp;
    try {
      op = normalizeOp(raw);
    } catch (e) {
      this.reply(id, { op: 'invalid', rc: Err.BADARGUMENTS, zxid: -1, error: (e as Error).message });
      return;
    }
    switch (op.op) {
      case 'connect':
        if (this.state !== 'idle') return this.reply(id, { op: 'connect', rc: Err.APIERROR, zxid: -1 });
        if (op.timeoutMs !== undefined) this.requestedTimeout = op.timeoutMs;
        if (op.server !== undefined) {
          const i = this.hosts.indexOf(op.server);
          if (i < 0) return this.reply(id, { op: 'connect', rc: Err.BADARGUMENTS, zxid: -1, error: `unknown server ${op.server}` });
          this.hostIndex = i - 1;
        }
        this.connectId = id;
        this.startConnect();
        return;
      case 'state':
        return this.reply(id, { op: 'state', state: this.state, sessionId: this.sessionId, server: this.server, lastZxid: this.lastZxid });
      case 'reconnect':
        // ZooKeeper.updateServerList moving this client: drop the connection, keep the session, and
        // connect to the next server (after the usual 0–1 s reconnect sleep).
        if (this.state !== 'connected') return this.reply(id, { op: 'reconnect', rc: Err.CONNECTIONLOSS, zxid: -1 });
        this.connectionLost('moved to another server');
        return this.reply(id, { op: 'reconnect', rc: Err.OK, zxid: -1 });
      case 'abandon':
        // Drop the connection without closing the session; it will expire.
        this.closeConn();
        this.failAll(Err.CONNECTIONLOSS);
        this.state = 'closed';
        this.stopTimers();
        this.server = null;
        return this.reply(id, { op: 'abandon', rc: Err.OK, zxid: -1 });
      default:
        break;
    }
    const req = op as Request;
    if (this.state === 'expired') return this.reply(id, { op: req.op, rc: Err.SESSIONEXPIRED, zxid: -1 });
    if (this.state === 'authFailed') return this.reply(id, { op: req.op, rc: Err.AUTHFAILED, zxid: -1 });
    if (this.state === 'closed' || this.state === 'closing' || this.state === 'idle') {
      return this.reply(id, { op: req.op, rc: Err.CONNECTIONLOSS, zxid: -1 });
    }
    if (req.op === 'closeSession') {
      this.closeId = id;
      this.state = this.state === 'connected' ? 'closing' : this.state;
    }
    if (this.state === 'connected' || (this.state === 'closing' && req.op === 'closeSession')) this.sendRequest(id, req);
    else this.outgoing.push({ id, req });
  }

  private sendRequest(id: number, req: Request | SetWatchesRequest): void {
    const xid = id === SET_WATCHES_ID ? -8 : this.xid++;
    this.pending.push({ xid, id, req });
    // Quiet clients (benches) skip building the trace payload altogether.
    if (req.op !== 'setWatches' && !this.cfg.quiet) {
      const path = pathOf(req);
      this.trace('client.invoke', {
        session: this.sessionId,
        xid,
        op: req.op,
        ...(path === undefined ? {} : { path }),
        ...(req.op === 'create' ? { flags: req.flags } : {}),
      });
    }
    this.send({ type: 'ZK_REQ', xid, req });
  }

  // ------------------------------------------------------------------ connection

  private startConnect(): void {
    this.state = this.state === 'closing' ? 'closing' : 'connecting';
    this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    this.tried++;
    this.server = this.hosts[this.hostIndex]!;
    // Ids `<client>><server>#<n>@<local ms>` (unique for the run, contract.ts `ConnId`); the
    // ZK_CONNECT rides behind the connect.
    this.cnx = `${this.id}>${this.server}#${++this.cnxCounter}@${this.now}`;
    this.out.push({ kind: 'connect', conn: this.cnx, to: this.server, port: 'client' });
    this.send({
      type: 'ZK_CONNECT',
      sessionId: this.sessionId,
      lastZxidSeen: this.lastZxid,
      timeoutMs: this.negotiatedTimeout || this.requestedTimeout,
    });
    const timeout = this.negotiatedTimeout || this.requestedTimeout;
    this.setTimer(CONNECT_TIMER, Math.floor(timeout / this.hosts.length));
  }

  /**
   * Try the next server. As ClientCnxn/StaticHostProvider: every reconnect attempt after the first
   * successful connection sleeps a random 0–1 s first, and a full cycle through the list adds 1 s.
   */
  private nextServer(): void {
    this.server = null;
    this.stopTimers();
    if (this.state === 'closed' || this.state === 'expired' || this.state === 'authFailed') return;
    let delay = this.everConnected ? this.rng.int(1000) : 0;
    if (this.tried >= this.hosts.length) {
      this.tried = 0;
      delay += 1000;
    }
    if (delay === 0) return this.startConnect();
    this.state = this.state === 'closing' ? 'closing' : 'connecting';
    this.waitingCycle = true;
    this.setTimer(CONNECT_TIMER, delay);
  }
  private waitingCycle = false;
  private everConnected = false;
  /** The client's own randomness (reconnect back-off), seeded: deterministic. */
  private readonly rng: Prng;

  private onWire(m: ClientWire): void {
    this.lastRecv = this.now;
    switch (m.type) {
      case 'ZK_CONNECTED':
        return this.onConnected(m.sessionId, m.timeoutMs);
      case 'ZK_REPLY':
        return this.onReply(m.xid, m.reply);
      case 'ZK_WATCH':
        return this.onWatch(m.eventType, m.path, m.zxid);
      case 'ZK_PONG':
        return;
      default:
        return;
    }
  }

  private onConnected(sessionId: SessionId, timeoutMs: number): void {
    if (this.state !== 'connecting' && this.state !== 'closing') return;
    this.cancelTimer(CONNECT_TIMER);
    if (timeoutMs <= 0) return this.expire();
    const fresh = this.sessionId === NO_SESSION;
    this.sessionId = sessionId;
    this.negotiatedTimeout = timeoutMs;
    this.tried = 0;
    this.everConnected = true;
    if (this.state === 'connecting') this.state = 'connected';
    this.trace('client.connected', { server: this.server, session: sessionId });
    this.notifyState('SyncConnected');
    this.lastRecv = this.now;
    this.setTimer(READ_TIMER, this.readTimeout());
    this.pingDueAt = 0; // armed by pingCheck at the end of this step
    if (fresh && this.connectId !== null) {
      this.reply(this.connectId, { op: 'connect', rc: Err.OK, zxid: this.lastZxid, sessionId, timeoutMs });
      this.connectId = null;
    }
    // primeConnection: SetWatches first, then whatever was queued while disconnected.
    const sw = this.watches.setWatchesRequest(this.lastZxid);
    if (sw) this.sendRequest(SET_WATCHES_ID, sw);
    const queued = this.outgoing;
    this.outgoing = [];
    for (const q of queued) this.sendRequest(q.id, q.req);
    if (this.state === 'closing' && this.closeId !== null && !this.pending.some((p) => p.id === this.closeId)) {
      this.sendRequest(this.closeId, { op: 'closeSession' });
    }
  }

  private onReply(xid: number, reply: Reply): void {
    const head = this.pending[0];
    if (!head || head.xid !== xid) {
      // ClientCnxn: "Xid out of order" -> the connection is dropped.
      return this.connectionLost(`xid out of order: got ${xid}, expected ${head?.xid}`);
    }
    this.pending.shift();
    if (reply.zxid > 0) this.lastZxid = Math.max(this.lastZxid, reply.zxid);
    if (head.id === SET_WATCHES_ID) return;
    if (reply.rc === Err.OK || reply.rc === Err.NONODE) {
      const removed = this.watches.onReply(head.req as Request, reply.rc);
      // WatchDeregistration: the removed watches' Watchers hear of it (after the reply).
      if (removed.length > 0) {
        const path = (head.req as { path: string }).path;
        if (!this.cfg.quiet) this.trace('client.return', { session: this.sessionId, xid, rc: reply.rc, zxid: reply.zxid });
        this.reply(head.id, reply);
        for (const type of removed) this.notify({ type, state: 'SyncConnected', path, zxid: -1 });
        return;
      }
    }
    if (!this.cfg.quiet) this.trace('client.return', { session: this.sessionId, xid, rc: reply.rc, zxid: reply.zxid });
    this.reply(head.id, reply);
    if (head.req.op === 'addAuth' && reply.rc === Err.AUTHFAILED) {
      // AUTH_FAILED is terminal in ClientCnxn: the server closes the connection and the handle is dead.
      this.state = 'authFailed';
      this.stopTimers();
      this.server = null;
      this.trace('client.disconnected', { server: null, session: this.sessionId, reason: 'auth failed' });
      this.notifyState('AuthFailed');
      this.failAll(Err.AUTHFAILED);
      return;
    }
    if (head.req.op === 'closeSession') {
      this.state = 'closed';
      this.stopTimers();
      this.closeConn();
      this.server = null;
      this.failAll(Err.CONNECTIONLOSS);
      this.notifyState('Closed');
    }
  }

  private onWatch(eventType: number, path: string, zxid: number): void {
    const type = WATCH_TYPES[eventType];
    if (type === undefined) return; // not a type a 3.8 server sends
    this.watches.onEvent(eventType, path);
    this.notify({ type, state: 'SyncConnected', path, zxid });
  }

  private connectionLost(reason: string): void {
    if (this.state === 'closed' || this.state === 'expired' || this.state === 'idle' || this.state === 'authFailed') return;
    const wasConnected = this.state === 'connected' || (this.state === 'closing' && this.pending.length > 0);
    this.closeConn();
    if (wasConnected) this.trace('client.disconnected', { server: this.server, session: this.sessionId, reason });
    this.notifyLost();
    this.failAll(Err.CONNECTIONLOSS);
    if (this.state === 'connected') this.state = 'connecting';
    this.nextServer();
  }

  private expire(): void {
    this.closeConn();
    this.state = 'expired';
    this.stopTimers();
    this.server = null;
    this.trace('client.expired', { session: this.sessionId });
    this.notifyState('Expired');
    this.failAll(Err.SESSIONEXPIRED);
    if (this.connectId !== null) {
      this.reply(this.connectId, { op: 'connect', rc: Err.SESSIONEXPIRED, zxid: -1 });
      this.connectId = null;
    }
  }

  /** ClientCnxn.cleanup: everything sent or queued fails. */
  private failAll(rc: number): void {
    const all = [...this.pending, ...this.outgoing];
    this.pending = [];
    this.outgoing = [];
    for (const p of all) {
      if (p.id === SET_WATCHES_ID) continue;
      if ('xid' in p) this.trace('client.return', { session: this.sessionId, xid: p.xid, rc, zxid: -1 });
      this.reply(p.id, { op: p.req.op, rc, zxid: -1 });
      if (p.id === this.closeId) this.closeId = null;
    }
    if (this.state === 'closing') {
      this.state = rc === Err.SESSIONEXPIRED ? 'expired' : 'closed';
      // ZooKeeper.close() ends with disconnect(): the handle's Watchers hear Closed.
      if (this.state === 'closed') this.notifyState('Closed');
    }
  }

  private onTimer(timer: string): void {
    if (timer === CONNECT_TIMER) {
      if (this.waitingCycle) {
        this.waitingCycle = false;
        return this.startConnect();
      }
      if (this.state === 'connecting' || this.state === 'closing') {
        // SessionTimeoutException in the send loop: cleanAndNotifyState -> cleanup fails every
        // queued request, as a refused or broken attempt does.
        this.closeConn();
        this.notifyLost();
        this.failAll(Err.CONNECTIONLOSS);
        this.nextServer();
      }
    } else if (timer === READ_TIMER) {
      if (this.state !== 'connected' && this.state !== 'closing') return;
      // Timers are re-armed lazily: only a full readTimeout of silence loses the connection.
      const left = this.lastRecv + this.readTimeout() - this.now;
      if (left > 0) return this.setTimer(READ_TIMER, left);
      this.connectionLost('read timeout');
    }
    // PING_TIMER: pingCheck at the end of the step does the work (every input is a wake-up).
  }

  /**
   * ClientCnxn.SendThread's ping rule, evaluated at every wake-up of the loop (every input this
   * node gets while connected, and the ping timer): time to the next ping = readTimeout/2 − idle
   * send time − (1000 ms if the connection has been send-idle for more than 1 s); ping when that is
   * ≤ 0 or nothing was sent for MAX_SEND_PING_INTERVAL (10 s). So an idle connection pings every
   * readTimeout/2, but one woken after 1 s of send-idleness (a reply, a watch event) pings 1 s sooner.
   */
  private pingCheck(): void {
    if (this.pingDueAt < 0 || this.server === null) return;
    if (this.state !== 'connected' && this.state !== 'closing') return;
    const idle = this.now - this.lastSend;
    const half = this.readTimeout() / 2;
    const toNext = half - idle - (idle > 1000 ? 1000 : 0);
    if (toNext <= 0 || idle > MAX_SEND_PING_INTERVAL_MS) {
      this.send({ type: 'ZK_PING'  });
      this.pingDueAt = this.now + half;
      this.setTimer(PING_TIMER, half);
    } else if (this.pingDueAt !== this.now + toNext) {
      this.pingDueAt = this.now + toNext;
      this.setTimer(PING_TIMER, toNext);
    }
  }

  private readTimeout(): number {
    return Math.floor(((this.negotiatedTimeout || this.requestedTimeout) * 2) / 3);
  }

  // ------------------------------------------------------------------ effects

  private send(msg: ClientWire): void {
    if (!this.server || this.cnx === '') return;
    this.out.push({ kind: 'send', conn: this.cnx, msg });
    this.lastSend = this.now;
  }
  /** Close the current connection (FIN), if one is open. */
  private closeConn(): void {
    if (this.cnx === '') return;
    this.out.push({ kind: 'close', conn: this.cnx });
    this.cnx = '';
  }
  private reply(id: number, result: unknown): void {
    this.out.push({ kind: 'reply', id, result });
  }
  private notify(event: WatchedEvent): void {
    this.out.push({ kind: 'notify', event });
  }
  private notifyState(state: KeeperState): void {
    this.notify({ type: 'None', state, path: null, zxid: -1 });
  }
  /** ClientCnxn.cleanAndNotifyState: a lost connection (or attempt) while the handle is alive. */
  private notifyLost(): void {
    if (this.state === 'closed' || this.state === 'expired' || this.state === 'authFailed') return;
    this.notifyState('Disconnected');
  }
  private setTimer(timer: string, afterMs: number): void {
    this.out.push({ kind: 'setTimer', timer, afterMs });
  }
  private cancelTimer(timer: string): void {
    this.out.push({ kind: 'cancelTimer', timer });
  }
  private stopTimers(): void {
    this.pingDueAt = -1;
    this.cancelTimer(PING_TIMER);
    this.cancelTimer(READ_TIMER);
    this.cancelTimer(CONNECT_TIMER);
  }
  private trace<N extends EventName>(event: N, data: EventData<N>): void {
    if (this.cfg.quiet) return;
    this.out.push(traceEffect(event, data));
  }
}

function pathOf(req: Request): string | undefined {
  return 'path' in req ? req.path : undefined;
}
