/**
 * The leader's session expiry (SessionTrackerImpl + ExpiryQueue): sessions sit in buckets of
 * `interval` (= tickTime) ms; a touch moves a session to the bucket of roundUp(now + timeout); at
 * each bucket time every session still in it expires. Closing sessions are not touched any more.
 */
import type { SessionId } from '../request/types.ts';

export class ExpiryQueue {
  /** session -> [timeout, expiry bucket time] */
  private readonly sessions = new Map<SessionId, { timeout: number; expiry: number; closing: boolean }>();
  private nextExpiration: number;

  constructor(
    private readonly interval: number,
    now: number,
  ) {
    this.nextExpiration = this.roundUp(now);
  }

  private roundUp(t: number): number {
    return (Math.floor(t / this.interval) + 1) * this.interval;
  }

  add(id: SessionId, timeout: number, now: number): void {
    const s = this.sessions.get(id);
    if (s) s.timeout = timeout;
    this.sessions.set(id, { timeout, expiry: this.roundUp(now + timeout), closing: s?.closing ?? false });
  }

  /** False when the session is unknown or closing (then the client's session is expired). */
  touch(id: SessionId, now: number): boolean {
    const s = this.sessions.get(id);
    if (!s || s.closing) return false;
    s.expiry = Math.max(s.expiry, this.roundUp(now + s.timeout));
    return true;
  }

  has(id: SessionId): boolean {
    const s = this.sessions.get(id);
    return s !== undefined && !s.closing;
  }

  setClosing(id: SessionId): void {
    const s = this.sessions.get(id);
    if (s) s.closing = true;
  }

  remove(id: SessionId): void {
    this.sessions.delete(id);
  }

  /** Sessions whose bucket time has passed, in session-id order; they are marked closing. */
  expire(now: number): SessionId[] {
    if (now < this.nextExpiration) return [];
    const out: SessionId[] = [];
    for (const [id, s] of this.sessions) if (!s.closing && s.expiry <= now) out.push(id);
    this.nextExpiration = this.roundUp(now);
    out.sort();
    for (const id of out) this.sessions.get(id)!.closing = true;
    return out;
  }
}
