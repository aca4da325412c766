import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

const EPHEMERAL = 1;

describe('sessions', () => {
  it("an abandoned session expires on the leader and its ephemerals vanish on every server", () => {
    const c = Ensemble.simulate({ servers: 3, observers: 1, clients: 2, seed: 21, client: { sessionTimeoutMs: 6000 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect((c.call('c1', { op: 'create', path: '/eph', data: '', flags: EPHEMERAL }) as { rc: number }).rc).toBe(0);
    expect((c.call('c2', { op: 'exists', path: '/eph', watch: true }) as { rc: number }).rc).toBe(0);
    expect(converge(c)).toBe(true);
    const has = (s: string, p: string) => c.has(s, p);
    for (const s of c.serverIds) expect(has(s, '/eph')).toBe(true);
    const session = c.client('c1').sessionId;
    const t0 = c.sim.now;
    c.call('c1', { op: 'abandon' });
    expect(c.runUntil(() => c.serverIds.every((s) => !has(s, '/eph')), 30_000)).toBe(true);
    const goneMs = (c.sim.now - t0) / 1000;
    // Expiry: the timeout rounded up to the next tick bucket, plus replication.
    expect(goneMs).toBeGreaterThanOrEqual(6000);
    expect(goneMs).toBeLessThan(6000 + 2 * c.cfg.tickTimeMs);
    const expired = c.events('session.expire').filter((e) => e.data['session'] === session);
    expect(new Set(expired.map((e) => e.node))).toEqual(new Set(c.serverIds));
    c.runFor(100);
    expect(c.notified('c2').map((n) => n.event)).toContainEqual(expect.objectContaining({ type: 'NodeDeleted', path: '/eph' }));
    expect(allViolations(c)).toEqual([]);
  });

  it('a session survives a move to another server and a leader change; a closed one is gone', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 22 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const sid = c.client('c1').sessionId;
    expect((c.call('c1', { op: 'create', path: '/mine', data: '', flags: EPHEMERAL }) as { rc: number }).rc).toBe(0);
    const first = c.client('c1').currentServer!;
    c.sim.crash(first);
    // The client reconnects elsewhere with the same session; its ephemeral stays.
    expect(c.runUntil(() => c.client('c1').currentServer !== first && c.events('client.connected').filter((e) => e.node === 'c1').length >= 2, 30_000)).toBe(true);
    expect(c.client('c1').sessionId).toBe(sid);
    expect(createMany(c, 'c1', 'moved', 2)).toBe(2);
    expect((c.call('c1', { op: 'exists', path: '/mine' }) as { rc: number }).rc).toBe(0);
    c.sim.restart(first);
    expect(converge(c)).toBe(true);
    expect((c.call('c1', { op: 'closeSession' }) as { rc: number }).rc).toBe(0);
    expect(converge(c)).toBe(true);
    const has = (s: string, p: string) => c.has(s, p);
    for (const s of c.serverIds) expect(has(s, '/mine')).toBe(false);
    expect(c.events('session.close').some((e) => e.data['session'] === sid)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it('an ephemeral created just before closeSession (pipelined) is gone everywhere after it', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 23 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const create = c.send('c1', { op: 'create', path: '/short', data: '', flags: EPHEMERAL });
    const close = c.send('c1', { op: 'closeSession' });
    c.runFor(50);
    expect((c.result(create) as { rc: number }).rc).toBe(0);
    expect((c.result(close) as { rc: number }).rc).toBe(0);
    expect(converge(c)).toBe(true);
    for (const s of c.serverIds) expect(c.has(s, '/short')).toBe(false);
  });

  it('a server behind the client refuses it; the client connects to an up-to-date one', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 24, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    // s1 stops applying: its link from the leader is clogged; c1 writes via s2.
    // Hosts are tried in list order: after s1 comes s2 (the lagging one), then s3 (the leader).
    const leader = c.leader()!.id;
    expect(leader).toBe('s3');
    const other = 's1';
    const lagging = 's2';
    expect((c.call('c1', { op: 'connect', server: other }) as { rc: number }).rc).toBe(0);
    c.sim.clog(leader, lagging);
    expect(createMany(c, 'c1', 'new', 3)).toBe(3);
    const seen = c.client('c1').lastZxid;
    expect(c.server(lagging).db.lastProcessedZxid).toBeLessThan(seen);
    // Force c1 onto the lagging server: its current server dies.
    c.sim.crash(other);
    expect(c.runUntil(() => c.events('session.refused').some((e) => e.node === lagging), 20_000)).toBe(true);
    c.sim.unclog(leader, lagging);
    expect(c.runUntil(() => c.events('client.connected').filter((e) => e.node === 'c1').length >= 2, 30_000)).toBe(true);
    const r = c.call('c1', { op: 'getData', path: '/new-2' }) as { rc: number; zxid: number };
    expect(r.rc).toBe(0);
    expect(r.zxid).toBeGreaterThanOrEqual(seen);
  });
});
