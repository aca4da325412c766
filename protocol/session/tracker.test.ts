import { describe, expect, it } from 'vitest';
import { SessionTracker, initialSessionId, sessionIdToHex } from './tracker.ts';

describe('SessionTracker', () => {
  it('session ids: (time << 24 >>> 8) | sid << 56, then +1, as exact hex', () => {
    expect(sessionIdToHex(initialSessionId(0, 1))).toBe('0x100000000000000');
    // 0x123 << 24 = 0x123000000, >>> 8 = 0x1230000; | 0xff << 56
    expect(sessionIdToHex(initialSessionId(0x123, 255))).toBe('0xff00000001230000');
    // time bits above 40 fall off the top (<< 24 overflows 64 bits), as in Java
    expect(sessionIdToHex(initialSessionId(2 ** 41 + 1, 1))).toBe('0x100000000010000');
    const t = new SessionTracker({ tickTimeMs: 2000, serverId: 3 }, 1000);
    const a = t.createSession(10000, 1000);
    const b = t.createSession(10000, 1000);
    expect(a).toBe(sessionIdToHex(initialSessionId(1000, 3)));
    expect(BigInt(b) - BigInt(a)).toBe(1n);
  });

  it('negotiates timeouts into [2, 20] x tickTime', () => {
    const t = new SessionTracker({ tickTimeMs: 2000, serverId: 1 }, 0);
    expect(t.negotiateTimeout(1)).toBe(4000);
    expect(t.negotiateTimeout(10000)).toBe(10000);
    expect(t.negotiateTimeout(10 ** 6)).toBe(40000);
  });

  it('expires in tickTime buckets, rounded up; touch moves the bucket; closing sessions are rejected', () => {
    const t = new SessionTracker({ tickTimeMs: 2000, serverId: 1 }, 0);
    const s = t.createSession(4000, 500); // 500 + 4000 = 4500 -> bucket 6000
    expect(t.list()[0]!.expiresAt).toBe(6000);
    expect(t.expire(5999)).toEqual([]);
    expect(t.touchSession(s, 3000)).toBe(true); // 7000 -> 8000
    expect(t.expire(7999)).toEqual([]);
    expect(t.checkSession(s)).toBe(0);
    expect(t.expire(8000)).toEqual([s]);
    expect(t.checkSession(s)).toBe(-112);
    expect(t.touchSession(s, 8000)).toBe(false);
    t.removeSession(s);
    expect(t.checkSession(s)).toBe(-12);
    expect(t.checkGlobalSession(s)).toBe(-112);
  });

  it('setSessionClosing makes checkSession answer SessionExpired', () => {
    const t = new SessionTracker({ tickTimeMs: 100, serverId: 1 }, 0);
    const s = t.createSession(1000, 0);
    t.setSessionClosing(s);
    expect(t.checkSession(s)).toBe(-112);
  });
});
