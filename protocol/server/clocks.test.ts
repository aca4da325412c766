import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

const EPHEMERAL = 1;
type Stat = { ctime: number; mtime: number };
type R = { rc: number; stat?: Stat };

describe('the two clocks (contract.ts, Clocks)', () => {
  it("a znode's ctime/mtime is the leader's wall clock; a wall-clock jump moves them", () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 31 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const leader = c.leader()!.id;
    const before = c.sim.wallNow(leader);
    const r = c.call('c1', { op: 'create', path: '/a', data: '' }) as R;
    expect(r.rc).toBe(0);
    const st = (c.call('c1', { op: 'exists', path: '/a' }) as R).stat!;
    expect(st.ctime).toBeGreaterThanOrEqual(before);
    expect(st.ctime).toBeLessThanOrEqual(c.sim.wallNow(leader));
    expect(st.ctime).toBeGreaterThan(1.7e12); // epoch ms, not virtual ms
    c.sim.jumpClock(leader, -3_600_000); // the leader's wall clock steps back an hour
    expect((c.call('c1', { op: 'setData', path: '/a', data: 'x' }) as R).rc).toBe(0);
    const st2 = (c.call('c1', { op: 'exists', path: '/a' }) as R).stat!;
    expect(st2.mtime).toBeLessThan(st.ctime - 3_500_000);
    expect(allViolations(c)).toEqual([]);
  });

  it("a wall-clock jump on the leader expires no session early (expiry runs on the monotonic clock)", () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 32, client: { sessionTimeoutMs: 6000 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect((c.call('c1', { op: 'create', path: '/eph', data: '', flags: EPHEMERAL }) as R).rc).toBe(0);
    const leader = c.leader()!.id;
    for (const s of c.serverIds) c.sim.jumpClock(s, 10 * 60_000); // ten minutes ahead
    c.call('c1', { op: 'abandon' });
    const t0 = c.sim.now;
    expect(c.runUntil(() => !c.has(leader, '/eph'), 30_000)).toBe(true);
    const goneMs = (c.sim.now - t0) / 1000;
    expect(goneMs).toBeGreaterThanOrEqual(6000);
    expect(goneMs).toBeLessThan(6000 + 2 * c.cfg.tickTimeMs);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });
});
