/**
 * A standalone ZooKeeper 3.8 server model: one DataTree, one WatchManager, one SessionTracker, the
 * prep step, on virtual time. Writes are prepped and committed at once (no quorum), in arrival
 * order; reads answer from the committed tree. Timers (session expiry buckets, the container/TTL
 * sweep) run when the caller advances time with `advanceTo`.
 *
 * Shortcut: a session whose client connection is up is touched at every expiry check (its client
 * would be pinging every timeout/3); only an abandoned connection lets a session expire.
 */
import { DataTree, type ApplyResult } from '../datatree/tree.ts';
import { findExpired } from '../datatree/expiry.ts';
import { WatchManager } from '../watches/manager.ts';
import { SessionTracker } from '../session/tracker.ts';
import { Prep } from '../request/prep.ts';
import { processRead, isReadRequest } from '../request/read.ts';
import { buildWriteReply } from '../request/reply.ts';
import { requestPacketSize } from '../request/size.ts';
import { authenticate, checkAcl, type AuthId } from '../request/acl.ts';
import { Err } from '../request/errors.ts';
import type { Txn } from '../request/txn.ts';
import { Perms, type Reply, type Request, type SessionId, type WatchEvent } from '../request/types.ts';
import { standaloneConfig, type StandaloneConfig } from './config.ts';

interface Connection {
  readonly auth: AuthId[];
  readonly clientAddr: string;
}

export interface Outcome {
  readonly reply: Reply;
  /** Notifications the change caused, to sessions whose connection is up. */
  readonly events: WatchEvent[];
  /** The server closed the connection (AuthFailed, oversized packet). */
  readonly connectionClosed?: boolean;
}

export interface OpenResult extends Outcome {
  readonly sessionId: SessionId;
  readonly timeoutMs: number;
}

export class StandaloneServer {
  readonly config: StandaloneConfig;
  readonly tree: DataTree;
  readonly watches = new WatchManager();
  readonly tracker: SessionTracker;
  private readonly prep: Prep;
  private readonly conns = new Map<SessionId, Connection>();
  private nowMs: number;
  private zxid = 0;
  private nextContainerCheck: number;

  constructor(config: Partial<StandaloneConfig> = {}) {
    this.config = standaloneConfig(config);
    this.nowMs = this.config.startTime;
    this.tree = DataTree.create();
    this.tracker = new SessionTracker(
      {
        tickTimeMs: this.config.tickTimeMs,
        serverId: this.config.serverId,
        minSessionTimeoutMs: this.config.minSessionTimeoutMs,
        maxSessionTimeoutMs: this.config.maxSessionTimeoutMs,
      },
      this.nowMs,
    );
    this.prep = new Prep(this.tree, this.tracker, { extendedTypesEnabled: this.config.extendedTypesEnabled });
    const every = this.config.containerCheckIntervalMs;
    this.nextContainerCheck = every > 0 ? this.nowMs + every : Infinity;
  }

  get now(): number {
    return this.nowMs;
  }

  get lastZxid(): number {
    return this.tree.lastZxid;
  }

  isConnected(sessionId: SessionId): boolean {
    return this.conns.has(sessionId);
  }

  /** Connect without a session id: a new session (createSession txn). */
  openSession(requestedTimeoutMs: number, clientAddr = '127.0.0.1'): OpenResult {
    const timeoutMs = this.tracker.negotiateTimeout(requestedTimeoutMs);
    const sessionId = this.tracker.createSession(timeoutMs, this.nowMs);
    this.conns.set(sessionId, { auth: [{ scheme: 'ip', id: clientAddr }], clientAddr });
    const req: Request = { op: 'createSession', timeoutMs };
    const out = this.write(sessionId, 0, req);
    return { ...out, reply: { ...out.reply, sessionId, timeoutMs }, sessionId, timeoutMs };
  }

  /** The client's connection drops without closeSession: its watches go, the session stays. */
  abandon(sessionId: SessionId): void {
    if (!this.conns.has(sessionId)) return;
    this.tracker.touchSession(sessionId, this.nowMs);
    this.conns.delete(sessionId);
    this.watches.removeSession(sessionId);
  }

  /** One request from a connected session. */
  request(sessionId: SessionId, req: Request, cxid = 0): Outcome {
    const conn = this.conns.get(sessionId);
    if (conn === undefined) {
      return { reply: { op: req.op, rc: Err.SESSIONEXPIRED, zxid: this.lastZxid }, events: [] };
    }
    if (requestPacketSize(req) > this.config.juteMaxBuffer) {
      // The server drops the connection; the client reconnects to the same session (state, auth
      // and watches are as before, since the client re-sends them).
      return { reply: { op: req.op, rc: Err.CONNECTIONLOSS, zxid: -1 }, events: [], connectionClosed: true };
    }
    this.tracker.touchSession(sessionId, this.nowMs);
    if (req.op === 'addAuth') {
      const ids = authenticate(req.scheme, req.auth, { superDigest: this.config.superDigest, clientAddr: conn.clientAddr });
      if (ids === undefined) {
        this.abandon(sessionId);
        return { reply: { op: req.op, rc: Err.AUTHFAILED, zxid: this.lastZxid }, events: [], connectionClosed: true };
      }
      for (const id of ids) {
        if (!conn.auth.some((a) => a.scheme === id.scheme && a.id === id.id)) conn.auth.push(id);
      }
      return { reply: { op: req.op, rc: 0, zxid: this.lastZxid }, events: [] };
    }
    if (isReadRequest(req)) {
      const bad = this.tracker.checkSession(sessionId);
      if (bad !== 0) return { reply: { op: req.op, rc: bad, zxid: this.lastZxid }, events: [] };
      return { reply: processRead(this.tree, req, { sessionId, auth: conn.auth, watches: this.watches }), events: [] };
    }
    return this.write(sessionId, cxid, req);
  }

  private write(sessionId: SessionId, cxid: number, req: Request): Outcome {
    const conn = this.conns.get(sessionId);
    const txn = this.prep.prepRequest(req, {
      sessionId,
      cxid,
      zxid: ++this.zxid,
      time: this.nowMs,
      auth: conn?.auth ?? [],
    });
    const { result, events } = this.commit(txn);
    return { reply: buildWriteReply(req, result, this.lastZxid), events };
  }

  private commit(txn: Txn): { result: ApplyResult; events: WatchEvent[] } {
    const result = this.tree.applyTxn(txn);
    this.prep.onCommitted(txn.hdr.zxid);
    const events = this.watches
      .fire(result.triggers, (s, acl) => {
        const c = this.conns.get(s);
        return c !== undefined && checkAcl(acl, Perms.READ, c.auth);
      })
      .filter((e) => this.conns.has(e.sessionId));
    if (txn.body.type === 'closeSession') {
      const id = txn.hdr.sessionId;
      this.tracker.removeSession(id);
      this.conns.delete(id);
      this.watches.removeSession(id);
    }
    return { result, events };
  }

  /** When the next timer-driven action (session expiry bucket, container sweep) is due. */
  nextWakeup(): number {
    return Math.min(this.tracker.nextExpirationTime(), this.nextContainerCheck);
  }

  /**
   * Lets virtual time pass up to `t`, running session expiry (one closeSession txn per expired
   * session) and the container/TTL sweep (one deleteContainer txn per candidate) at their times.
   */
  advanceTo(t: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (;;) {
      const te = this.tracker.nextExpirationTime();
      const tc = this.nextContainerCheck;
      const next = Math.min(te, tc);
      if (next > t) break;
      this.nowMs = Math.max(this.nowMs, next);
      if (te === next) {
        for (const id of [...this.conns.keys()]) this.tracker.touchSession(id, this.nowMs);
        for (const id of this.tracker.expire(this.nowMs)) {
          const txn = this.prep.prepRequest({ op: 'closeSession' }, { sessionId: id, cxid: 0, zxid: ++this.zxid, time: this.nowMs, auth: [] });
          events.push(...this.commit(txn).events);
        }
      }
      if (tc === next) {
        this.nextContainerCheck += this.config.containerCheckIntervalMs;
        for (const path of findExpired(this.tree, this.nowMs, this.config)) {
          const txn = this.prep.prepDeleteContainer(path, ++this.zxid, this.nowMs);
          events.push(...this.commit(txn).events);
        }
      }
    }
    this.nowMs = Math.max(this.nowMs, t);
    return events;
  }
}
