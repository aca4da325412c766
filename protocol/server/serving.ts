/**
 * The client-facing side of a server (ZooKeeperServer + its request processor chain + ServerCnxn):
 * connections, session creation/revalidation, per-session FIFO order, reads served locally, writes
 * and sync() routed through the leader, replies once the txn is applied here, watch notifications,
 * and on the leader the session expiry and container/TTL sweeps.
 */
import type { ConnId, Message, NodeId } from '../contract.ts';
import { negotiateSessionTimeout } from '../config.ts';
import { Err } from '../request/errors.ts';
import type { Reply, Request, SessionId } from '../request/types.ts';
import { NO_SESSION, isWriteRequest } from '../request/types.ts';
import type { ClientWire, SetWatchesRequest } from '../client/wire.ts';
import { isClientWire } from '../client/wire.ts';
import type { TxnEntry } from '../zab/messages.ts';
import type { AuthId } from '../request/acl.ts';
import type { WatchEvent } from '../request/types.ts';
import { SessionTracker, initialSessionId, sessionIdToHex } from '../session/tracker.ts';
import type { Backend, ConnInfo, ForwardedRequest, Prep } from './backend.ts';
import type { QuorumPeer, ServingLayer } from './peer.ts';

interface Item {
  readonly xid: number;
  readonly req: Request | SetWatchesRequest;
  /** Goes through the leader (write or sync). */
  readonly routed: boolean;
  reply?: Reply;
}

interface Conn extends ConnInfo {
  /** The client's connection to my `client` port. */
  readonly cnx: ConnId;
  readonly node: NodeId;
  sessionId: SessionId;
  timeout: number;
  /** Waiting for createSession to commit / REVALIDATE to answer. */
  established: boolean;
  readonly queue: Item[];
  readonly authIds: AuthId[];
}

/** Every simulated client connects from loopback (what an `ip` ACL sees). */
export const CLIENT_ADDR = '127.0.0.1';

export const CONTAINER_TIMER = 'srv.containers';

export class Serving implements ServingLayer {
  private role: 'leader' | 'follower' | 'observer' | null = null;
  private readonly conns = new Map<string, Conn>();
  private readonly bySession = new Map<SessionId, Conn>();
  private prep: Prep | null = null;
  /** Leader only: session expiry (the DataTree engineer's SessionTracker). */
  private tracker: SessionTracker | null = null;
  /** Learner: sessions touched since the last PING reply. */
  private touched = new Map<SessionId, number>();
  private nextSession = 0n;

  constructor(
    private readonly peer: QuorumPeer,
    private readonly backend: Backend,
  ) {}

  handles(msg: Message): boolean {
    return isClientWire(msg);
  }

  // ------------------------------------------------------------------ lifecycle

  start(role: 'leader' | 'follower' | 'observer'): void {
    const p = this.peer;
    this.role = role;
    this.initSessionIds();
    if (role === 'leader') {
      const cfg = p.cfg;
      this.tracker = new SessionTracker(
        { tickTimeMs: cfg.tickTimeMs, serverId: p.sid, minSessionTimeoutMs: cfg.minSessionTimeoutMs, maxSessionTimeoutMs: cfg.maxSessionTimeoutMs },
        p.now,
      );
      // A new leader gives every replicated session a full timeout from now.
      // Planted sessionsLostOnLeaderChange: the tracker starts empty.
      if (!cfg.bugs.sessionsLostOnLeaderChange)
        for (const [id, timeout] of this.backend.sessions(p.db.sm)) this.tracker.trackSession(id, timeout, p.now);
      this.prep = this.backend.newPrep(p.db.sm, this.tracker, cfg.extendedTypesEnabled);
      p.setTimer(CONTAINER_TIMER, p.cfg.containerCheckIntervalMs);
    }
    p.servingStarted();
    p.trace('serving', { role });
  }

  /** SessionTrackerImpl.initializeNextSessionId: my sid in the top byte, the clock below. */
  private initSessionIds(): void {
    this.nextSession = initialSessionId(Math.max(0, this.peer.now), this.peer.sid);
  }

  stop(): void {
    this.role = null;
    this.prep = null;
    this.tracker = null;
    this.peer.cancelTimer(CONTAINER_TIMER);
    for (const c of this.conns.values()) {
      this.peer.close(c.cnx);
      this.backend.forget(c.sessionId);
    }
    this.conns.clear();
    this.bySession.clear();
    this.touched.clear();
  }

  onTimer(timer: string): void {
    if (timer !== CONTAINER_TIMER || this.role !== 'leader') return;
    const p = this.peer;
    const leader = p.leader;
    const prep = this.prep;
    // ContainerManager ages a znode by the wall clock (currentWallTime - mtime).
    for (const path of this.backend.expiredNodes(p.db.sm, p.wall)) {
      // ContainerManager submits a deleteContainer request with no session.
      const zxid = leader?.nextZxid() ?? null;
      if (zxid === null || !prep) break;
      leader!.propose({ zxid, txn: prep.prepDeleteContainer(path, zxid, p.wall) });
    }
    p.setTimer(CONTAINER_TIMER, p.cfg.containerCheckIntervalMs);
  }

  onClientGone(conn: ConnId): void {
    const c = this.conns.get(conn);
    if (c) this.dropConn(c);
  }

  // ------------------------------------------------------------------ client messages

  onClientMessage(conn: ConnId, from: NodeId, msg: Message): void {
    const m = msg as ClientWire;
    if (m.type === 'ZK_CONNECT') return this.onConnect(from, conn, m.sessionId, m.lastZxidSeen, m.timeoutMs);
    const c = this.conns.get(conn);
    if (!c) {
      // A connection this server no longer serves (it stopped serving, or dropped it): close it.
      this.peer.close(conn);
      return;
    }
    switch (m.type) {
      case 'ZK_PING':
        this.touchConn(c);
        this.peer.send(c.cnx, { type: 'ZK_PONG'  });
        return;
      case 'ZK_REQ':
        this.touchConn(c);
        return this.onRequest(c, m.xid, m.req);
      default:
        return;
    }
  }

  private onConnect(from: NodeId, cnx: string, sessionId: SessionId, lastZxidSeen: number, timeoutMs: number): void {
    const p = this.peer;
    if (this.role === null) {
      // Not serving: the connection is closed at once (ZooKeeperServer not running).
      p.close(cnx);
      return;
    }
    // Planted staleServerAcceptsSession skips this check.
    if (lastZxidSeen > p.db.lastProcessedZxid && !p.cfg.bugs.staleServerAcceptsSession) {
      // Single system image: never let a client see state go backwards.
      p.trace('session.refused', { session: sessionId, clientZxid: lastZxidSeen, zxid: p.db.lastProcessedZxid });
      p.close(cnx);
      return;
    }
    const timeout = negotiateSessionTimeout(p.cfg, timeoutMs);
    const c: Conn = {
      cnx,
      node: from,
      sessionId,
      timeout,
      established: false,
      queue: [],
      authIds: [{ scheme: 'ip', id: CLIENT_ADDR }],
    };
    this.conns.set(cnx, c);
    if (sessionId === NO_SESSION) {
      c.sessionId = sessionIdToHex(this.nextSession++);
      this.bySession.set(c.sessionId, c);
      this.route(c.sessionId, 0, { op: 'createSession', timeoutMs: timeout }, c.authIds);
      return;
    }
    const old = this.bySession.get(sessionId);
    if (old && old !== c) this.dropConn(old);
    this.bySession.set(sessionId, c);
    if (this.role === 'leader') {
      this.revalidated(sessionId, this.tracker!.touchSession(sessionId, p.now));
    } else {
      p.learner?.revalidate(sessionId, timeout);
    }
  }

  revalidated(sessionId: SessionId, valid: boolean): void {
    const c = this.bySession.get(sessionId);
    if (!c || c.established) return;
    if (!valid) {
      this.peer.send(c.cnx, { type: 'ZK_CONNECTED', sessionId, timeoutMs: 0 });
      this.dropConn(c);
      return;
    }
    this.establish(c);
  }

  private establish(c: Conn): void {
    c.established = true;
    this.touchConn(c);
    this.peer.send(c.cnx, { type: 'ZK_CONNECTED', sessionId: c.sessionId, timeoutMs: c.timeout });
  }

  private dropConn(c: Conn): void {
    if (this.conns.get(c.cnx) !== c) return;
    this.conns.delete(c.cnx);
    if (this.bySession.get(c.sessionId) === c) {
      this.bySession.delete(c.sessionId);
      this.backend.forget(c.sessionId);
    }
  }

  // ------------------------------------------------------------------ requests

  private onRequest(c: Conn, xid: number, req: Request | SetWatchesRequest): void {
    if (!c.established) return;
    if (req.op !== 'setWatches' && !this.backend.fits(req)) {
      // Past jute.maxbuffer the server drops the connection: the client sees ConnectionLoss.
      this.peer.close(c.cnx);
      this.dropConn(c);
      return;
    }
    if (req.op === 'addAuth') {
      const ids = this.backend.authenticate(req.scheme, req.auth, CLIENT_ADDR);
      if (!ids) {
        this.peer.send(c.cnx, { type: 'ZK_REPLY', xid, reply: { op: 'addAuth', rc: Err.AUTHFAILED, zxid: -1 } });
        this.peer.close(c.cnx);
        this.dropConn(c);
        return;
      }
      for (const id of ids) if (!c.authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) c.authIds.push(id);
      c.queue.push({ xid, req, routed: false, reply: { op: 'addAuth', rc: Err.OK, zxid: -1 } });
      return this.drain(c);
    }
    const routed = req.op !== 'setWatches' && (isWriteRequest(req) || req.op === 'sync');
    const limit = this.peer.cfg.limits.connectionQueue;
    if (c.queue.length >= limit) {
      // See ../limits.ts: a client pipelining past the limit loses its connection.
      this.peer.trace('limit', { queue: 'connectionQueue', limit, session: c.sessionId });
      this.peer.close(c.cnx);
      this.dropConn(c);
      return;
    }
    const item: Item = { xid, req, routed };
    c.queue.push(item);
    if (routed) this.route(c.sessionId, xid, req as Request, c.authIds);
    else if (this.peer.cfg.bugs.readAheadOfPendingWrite && req.op !== 'setWatches') {
      // Planted bug: read now, ahead of the session's writes still in the queue (see config.ts).
      const p = this.peer;
      item.reply = this.backend.read(p.db.sm, c, req, p.db.lastProcessedZxid, (ev) => this.notify(c, ev, p.db.lastProcessedZxid));
    }
    this.drain(c);
  }

  /** Send a write / sync / session request through the leader. */
  private route(sessionId: SessionId, cxid: number, req: Request, auth: readonly AuthId[]): void {
    if (this.role === 'leader') this.submitLocal(sessionId, cxid, req, auth);
    else this.peer.learner?.forward({ sessionId, cxid, req, auth: [...auth] } satisfies ForwardedRequest);
  }

  /** Leader: prep + propose a write, or queue a sync behind everything proposed. */
  private submitLocal(sessionId: SessionId, cxid: number, req: Request, auth: readonly AuthId[]): void {
    const leader = this.peer.leader;
    if (!leader || !this.prep) return;
    if (req.op === 'sync') {
      leader.whenCommitted(() => this.syncReply({ sessionId, cxid, req, auth }));
      return;
    }
    const tracker = this.tracker!;
    if (req.op === 'createSession') tracker.trackSession(sessionId, req.timeoutMs, this.peer.now);
    else tracker.touchSession(sessionId, this.peer.now);
    // closeSession: the tracker marks the session closing first, so a create pipelined behind it
    // fails in prep (ZOOKEEPER-1208).
    if (req.op === 'closeSession') tracker.setSessionClosing(sessionId);
    const zxid = leader.nextZxid();
    if (zxid === null) return;
    leader.propose({ zxid, txn: this.prep.prep(req, sessionId, cxid, zxid, this.peer.wall, auth) });
  }

  forwarded(fromSid: number, request: unknown): void {
    const f = request as ForwardedRequest;
    if (this.role !== 'leader') return;
    if (f.req.op === 'sync') {
      this.peer.leader?.syncReplyTo(fromSid, f);
      return;
    }
    this.submitLocal(f.sessionId, f.cxid, f.req, f.auth);
  }

  syncReply(request: unknown): void {
    const f = request as ForwardedRequest;
    const c = this.bySession.get(f.sessionId);
    if (!c) return;
    const item = findRouted(c.queue, f.cxid);
    if (!item) return;
    const path = (f.req as { path?: string }).path ?? '/';
    item.reply = { op: 'sync', rc: Err.OK, zxid: this.peer.db.lastProcessedZxid, path };
    this.drain(c);
  }

  /** Answer the head of the session's queue while it can be answered (FIFO per session). */
  private drain(c: Conn): void {
    const p = this.peer;
    while (c.queue.length > 0) {
      const head = c.queue[0]!;
      if (!head.reply) {
        if (head.routed) return;
        head.reply = this.backend.read(p.db.sm, c, head.req, p.db.lastProcessedZxid, (ev) => this.notify(c, ev, p.db.lastProcessedZxid));
      }
      // SetWatches is answered too: the client keeps it in its pending queue (xid -8).
      c.queue.shift();
      this.peer.send(c.cnx, { type: 'ZK_REPLY', xid: head.xid, reply: head.reply });
    }
  }

  // ------------------------------------------------------------------ applied txns

  applied(entry: TxnEntry, result: unknown): void {
    const hdr = (entry.txn as { hdr: { sessionId: SessionId; cxid: number; type: string } }).hdr;
    const p = this.peer;
    this.prep?.onCommitted(entry.zxid);
    if (this.conns.size > 0) {
      for (const ev of this.backend.fire(result, this.authOf)) {
        const c = this.bySession.get(ev.sessionId);
        if (c && c.established) this.notify(c, ev, entry.zxid);
      }
    }
    if (hdr.type === 'createSession') {
      // The txn carries the timeout the server negotiated (ZooKeeper's CreateSessionTxn.timeOut).
      const timeoutMs = (entry.txn as { body: { timeoutMs: number } }).body.timeoutMs;
      p.trace('session.create', { session: hdr.sessionId, timeoutMs });
      const c = this.bySession.get(hdr.sessionId);
      if (c && !c.established) this.establish(c);
      return;
    }
    const c = this.bySession.get(hdr.sessionId);
    if (c) {
      const item = findRouted(c.queue, hdr.cxid);
      if (item) {
        item.reply = this.backend.replyFor(result, item.req as Request, entry.zxid);
        this.drain(c);
      }
    }
    if (hdr.type === 'closeSession') {
      const expired = hdr.cxid === 0;
      p.trace(expired ? 'session.expire' : 'session.close', { session: hdr.sessionId });
      this.tracker?.removeSession(hdr.sessionId);
      p.point('session.closed');
      if (c) {
        // The session is over: close its connection (an expired client learns it on reconnect).
        this.peer.close(c.cnx);
        this.dropConn(c);
      }
    }
  }

  // ------------------------------------------------------------------ leader session tracking

  tick(): void {
    if (this.role !== 'leader' || !this.tracker) return;
    for (const id of this.tracker.expire(this.peer.now)) {
      this.peer.trace('session.expiring', { session: id });
      this.peer.point('session.expiring');
      this.submitLocal(id, 0, { op: 'closeSession' }, []);
    }
  }

  revalidate(_fromSid: number, sessionId: SessionId): boolean {
    return this.tracker?.touchSession(sessionId, this.peer.now) ?? false;
  }

  touch(sessions: readonly (readonly [SessionId, number])[]): void {
    for (const [id] of sessions) this.tracker?.touchSession(id, this.peer.now);
  }

  private notify(c: Conn, ev: WatchEvent, zxid: number): void {
    this.peer.send(c.cnx, { type: 'ZK_WATCH', eventType: ev.type, path: ev.path, zxid });
  }

  private readonly authOf = (sessionId: SessionId): readonly AuthId[] | undefined => this.bySession.get(sessionId)?.authIds;

  private touchConn(c: Conn): void {
    if (this.role === 'leader') this.tracker?.touchSession(c.sessionId, this.peer.now);
    else this.touched.set(c.sessionId, c.timeout);
  }

  drainTouched(): (readonly [SessionId, number])[] {
    const out = [...this.touched];
    this.touched = new Map();
    return out;
  }
}

/** The session's routed request with this xid that has no answer yet. */
function findRouted(queue: readonly Item[], xid: number): Item | undefined {
  for (const i of queue) if (i.routed && i.xid === xid && !i.reply) return i;
  return undefined;
}
