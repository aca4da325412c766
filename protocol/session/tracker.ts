/**
 * The session tracker of ZooKeeper 3.8's leader / standalone server (SessionTrackerImpl +
 * ExpiryQueue), on virtual time.
 *
 * - Expiry buckets of `tickTime`: a touch at `now` moves the session to the bucket
 *   `(floor((now + timeout) / tick) + 1) * tick` (rounded UP to the next bucket boundary).
 * - `expire(now)` polls due buckets in order, marks their sessions closing and returns them; the
 *   caller submits a closeSession for each (ZooKeeper: SessionExpirer.expire).
 * - Session ids: `((time << 24) >>> 8) | (serverId << 56)` as a 64-bit value, then +1 per session.
 *   Kept as bigint inside the tracker and exposed as hex strings (see request/types.ts): exact.
 * - `checkSession`: UnknownSession when not tracked, SessionExpired when closing (this is what
 *   rejects a create pipelined behind a closeSession). Session ownership / SessionMoved is not
 *   modelled here (the ensemble layer owns connections).
 */
import { Err } from '../request/errors.ts';
import type { SessionId } from '../request/types.ts';

export interface SessionTrackerConfig {
  readonly tickTimeMs: number;
  /** ZooKeeper server id (1..255): the top byte of every session id this server creates. */
  readonly serverId: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
}

export interface SessionInfo {
  readonly id: SessionId;
  readonly timeoutMs: number;
  /** The bucket time it expires at. */
  readonly expiresAt: number;
  readonly closing: boolean;
}

const MASK64 = (1n << 64n) - 1n;
const CONTAINER_EPHEMERAL_OWNER = 1n << 63n;

export function sessionIdToHex(id: bigint): SessionId {
  return '0x' + (id & MASK64).toString(16);
}

export function sessionIdFromHex(id: SessionId): bigint {
  return BigInt(id);
}

/** SessionTrackerImpl.initializeNextSessionId. */
export function initialSessionId(time: number, serverId: number): bigint {
  let next = ((BigInt(Math.floor(time)) << 24n) & MASK64) >> 8n;
  next |= (BigInt(serverId) << 56n) & MASK64;
  if (next === CONTAINER_EPHEMERAL_OWNER) next++;
  return next;
}

interface Entry {
  timeoutMs: number;
  expiresAt: number;
  closing: boolean;
}

export class SessionTracker {
  private readonly sessions = new Map<SessionId, Entry>();
  /** bucket time -> sessions in it (insertion order). */
  private readonly buckets = new Map<number, Set<SessionId>>();
  private nextId: bigint;
  private nextExpiration: number;
  readonly tickTimeMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;

  constructor(cfg: SessionTrackerConfig, now: number) {
    this.tickTimeMs = cfg.tickTimeMs;
    this.minSessionTimeoutMs = cfg.minSessionTimeoutMs ?? 2 * cfg.tickTimeMs;
    this.maxSessionTimeoutMs = cfg.maxSessionTimeoutMs ?? 20 * cfg.tickTimeMs;
    this.nextId = initialSessionId(now, cfg.serverId);
    this.nextExpiration = this.roundToNextInterval(now);
  }

  private roundToNextInterval(t: number): number {
    return (Math.floor(t / this.tickTimeMs) + 1) * this.tickTimeMs;
  }

  /** ZooKeeperServer.processConnectRequest: clamp into [min, max]. */
  negotiateTimeout(requested: number): number {
    return Math.min(Math.max(requested, this.minSessionTimeoutMs), this.maxSessionTimeoutMs);
  }

  /** A new session id (SessionTrackerImpl.createSession), tracked from `now`. */
  createSession(timeoutMs: number, now: number): SessionId {
    const id = sessionIdToHex(this.nextId);
    this.nextId = (this.nextId + 1n) & MASK64;
    this.trackSession(id, timeoutMs, now);
    return id;
  }

  /** Tracks a session (e.g. replayed from createSession txns); true if it was new. */
  trackSession(id: SessionId, timeoutMs: number, now: number): boolean {
    let e = this.sessions.get(id);
    const added = e === undefined;
    if (e === undefined) {
      e = { timeoutMs, expiresAt: -1, closing: false };
      this.sessions.set(id, e);
    }
    this.updateExpiry(id, e, e.timeoutMs, now);
    return added;
  }

  private updateExpiry(id: SessionId, e: Entry, timeoutMs: number, now: number): void {
    const at = this.roundToNextInterval(now + timeoutMs);
    if (at === e.expiresAt) return;
    let set = this.buckets.get(at);
    if (set === undefined) this.buckets.set(at, (set = new Set()));
    set.add(id);
    if (e.expiresAt >= 0) this.buckets.get(e.expiresAt)?.delete(id);
    e.expiresAt = at;
  }

  /** Activity from the client (any request or ping). False if unknown or closing. */
  touchSession(id: SessionId, now: number): boolean {
    const e = this.sessions.get(id);
    if (e === undefined || e.closing) return false;
    this.updateExpiry(id, e, e.timeoutMs, now);
    return true;
  }

  setSessionClosing(id: SessionId): void {
    const e = this.sessions.get(id);
    if (e !== undefined) e.closing = true;
  }

  removeSession(id: SessionId): void {
    const e = this.sessions.get(id);
    if (e === undefined) return;
    this.sessions.delete(id);
    this.buckets.get(e.expiresAt)?.delete(id);
  }

  /** 0, UNKNOWNSESSION or SESSIONEXPIRED (closing). */
  checkSession(id: SessionId): number {
    const e = this.sessions.get(id);
    if (e === undefined) return Err.UNKNOWNSESSION;
    if (e.closing) return Err.SESSIONEXPIRED;
    return 0;
  }

  /** checkGlobalSession: an unknown session counts as expired (used for ephemeral creates). */
  checkGlobalSession(id: SessionId): number {
    const r = this.checkSession(id);
    return r === Err.UNKNOWNSESSION ? Err.SESSIONEXPIRED : r;
  }

  isTracking(id: SessionId): boolean {
    return this.sessions.has(id);
  }

  isClosing(id: SessionId): boolean {
    return this.sessions.get(id)?.closing ?? false;
  }

  timeoutOf(id: SessionId): number | undefined {
    return this.sessions.get(id)?.timeoutMs;
  }

  /** When the next bucket is due (ExpiryQueue.nextExpirationTime). */
  nextExpirationTime(): number {
    return this.nextExpiration;
  }

  /**
   * Polls every bucket due at `now` (oldest first), marks its sessions closing and returns them in
   * bucket then insertion order. The caller turns each into a closeSession txn.
   */
  expire(now: number): SessionId[] {
    const out: SessionId[] = [];
    while (now >= this.nextExpiration) {
      const at = this.nextExpiration;
      this.nextExpiration += this.tickTimeMs;
      const set = this.buckets.get(at);
      this.buckets.delete(at);
      if (set === undefined) continue;
      for (const id of set) {
        const e = this.sessions.get(id);
        if (e === undefined) continue;
        e.closing = true;
        out.push(id);
      }
    }
    return out;
  }

  list(): SessionInfo[] {
    return [...this.sessions].map(([id, e]) => ({ id, timeoutMs: e.timeoutMs, expiresAt: e.expiresAt, closing: e.closing }));
  }
}
