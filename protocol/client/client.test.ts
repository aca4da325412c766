import { describe, expect, it } from 'vitest';
import { Err } from '../request/errors.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll } from '../../ensemble/testing/workload.ts';

type R = { rc: number; zxid: number; data?: string | null };

/** Retry through ConnectionLoss (the caller's server may be the one that died). */
function callOk(c: Ensemble, node: string, op: unknown): R {
  for (let i = 0; i < 10; i++) {
    const r = c.call(node, op) as R;
    if (r.rc !== Err.CONNECTIONLOSS) return r;
    c.runFor(1000);
  }
  throw new Error(`${node}: still ConnectionLoss`);
}

function settledCluster(clients: number, seed: number, timeoutMs?: number): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients, seed, client: timeoutMs ? { sessionTimeoutMs: timeoutMs } : {} });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  return c;
}

describe('ZooKeeper client', () => {
  it('pipelines requests in FIFO order and reads its own writes', () => {
    const c = settledCluster(1, 41);
    const keys = [c.send('c1', { op: 'create', path: '/q', data: 'v0' })];
    for (let i = 1; i <= 10; i++) {
      keys.push(c.send('c1', { op: 'setData', path: '/q', data: `v${i}` }));
      keys.push(c.send('c1', { op: 'getData', path: '/q' }));
    }
    c.runFor(200);
    const rs = keys.map((k) => c.result(k) as R);
    expect(rs.every((r) => r.rc === 0)).toBe(true);
    for (let i = 1; i <= 10; i++) expect(rs[2 * i]!.data).toBe(`v${i}`);
    const zxids = rs.map((r) => r.zxid);
    for (let i = 1; i < zxids.length; i++) expect(zxids[i]!).toBeGreaterThanOrEqual(zxids[i - 1]!);
    const returns = c.events('client.return').filter((e) => e.node === 'c1').map((e) => e.data['xid'] as number);
    expect(returns).toEqual([...returns].sort((a, b) => a - b));
  });

  it('fails outstanding requests with ConnectionLoss when its server dies, then reconnects', () => {
    const c = settledCluster(1, 42);
    const server = c.client('c1').currentServer!;
    const keys = Array.from({ length: 5 }, (_, i) => c.send('c1', { op: 'create', path: `/x${i}`, data: '' }));
    c.sim.crash(server);
    c.runFor(20_000);
    const rcs = keys.map((k) => (c.result(k) as R).rc);
    expect(rcs.every((rc) => rc === Err.OK || rc === Err.CONNECTIONLOSS)).toBe(true);
    expect(c.client('c1').currentServer).not.toBe(server);
    expect((c.call('c1', { op: 'create', path: '/after', data: '' }) as R).rc).toBe(0);
  });

  it('re-registers watches after a reconnect; a change missed while away fires at once', () => {
    const c = settledCluster(2, 43);
    expect((c.call('c2', { op: 'create', path: '/w', data: 'a' }) as R).rc).toBe(0);
    expect((c.call('c2', { op: 'create', path: '/w2', data: 'a' }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getData', path: '/w', watch: true }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getData', path: '/w2', watch: true }) as R).rc).toBe(0);
    const server = c.client('c1').currentServer!;
    c.sim.crash(server);
    // While c1 is away /w2 changes; after it reconnects, /w changes.
    expect(callOk(c, 'c2', { op: 'setData', path: '/w2', data: 'b' }).rc).toBe(0);
    expect(c.runUntil(() => c.events('client.connected').filter((e) => e.node === 'c1').length >= 2, 30_000)).toBe(true);
    expect(callOk(c, 'c2', { op: 'setData', path: '/w', data: 'b' }).rc).toBe(0);
    c.runFor(100);
    const ev = c.notified('c1').map((n) => n.event);
    expect(ev).toContainEqual({ type: 'NodeDataChanged', state: 'SyncConnected', path: '/w', zxid: expect.any(Number) });
    expect(ev).toContainEqual(expect.objectContaining({ type: 'NodeDataChanged', path: '/w2' }));
    // The application heard of the connection loss and the reconnect, then the missed change.
    const states = ev.filter((e) => e.type === 'None').map((e) => e.state);
    expect(states[0]).toBe('SyncConnected');
    expect(states).toContain('Disconnected');
    expect(states[states.length - 1]).toBe('SyncConnected');
    // The SetWatches exchange leaves the connection in order: later requests still work.
    const reconnects = c.events('client.disconnected').filter((e) => e.node === 'c1').length;
    expect((c.call('c1', { op: 'getData', path: '/w' }) as R).data).toBe('b');
    expect(c.events('client.disconnected').filter((e) => e.node === 'c1')).toHaveLength(reconnects);
  });

  it('keeps an idle session alive with pings; learns of expiry after a long partition', () => {
    const c = settledCluster(1, 44, 4000);
    expect((c.call('c1', { op: 'create', path: '/e', data: '', flags: 1 }) as R).rc).toBe(0);
    c.runFor(30_000);
    expect((c.call('c1', { op: 'exists', path: '/e' }) as R).rc).toBe(0);
    expect(c.events('client.disconnected').filter((e) => e.node === 'c1')).toHaveLength(0);
    c.sim.isolate('c1');
    c.runFor(15_000);
    c.sim.heal();
    expect(c.runUntil(() => c.events('client.expired').some((e) => e.node === 'c1'), 20_000)).toBe(true);
    expect((c.call('c1', { op: 'getData', path: '/e' }) as R).rc).toBe(Err.SESSIONEXPIRED);
  });

  it('pings as ClientCnxn does: every readTimeout/2 when idle, 1 s sooner once woken after 1 s idle', () => {
    const c = settledCluster(2, 47, 9000); // readTimeout 6000 ms: pings after 3000 ms of send-idleness
    expect((c.call('c1', { op: 'getData', path: '/', watch: true }) as R).rc).toBe(0);
    const pingTimesMs = (): number[] =>
      c.sim.trace.records
        .filter((r) => r.ev === 'send' && r.node === 'c1' && (r['msg'] as { type: string }).type === 'ZK_PING')
        .map((r) => r.t / 1000);
    const lastSendMs = (): number =>
      Math.max(...c.sim.trace.records.filter((r) => r.ev === 'send' && r.node === 'c1').map((r) => r.t / 1000));
    // Idle: the next ping comes readTimeout/2 after the last send, and so on.
    let base = lastSendMs();
    c.runFor(7_000);
    const idle = pingTimesMs().filter((t) => t > base);
    expect(Math.abs(idle[0]! - base - 3000)).toBeLessThan(10); // local clocks drift a little
    expect(Math.abs(idle[1]! - idle[0]! - 3000)).toBeLessThan(10);
    // A watch event arriving 1.5 s after c1's last send wakes its loop: the next ping is due 1 s sooner.
    base = lastSendMs();
    c.runUntil(() => c.sim.now / 1000 >= base + 1500, 5_000);
    expect((c.call('c2', { op: 'setData', path: '/', data: 'x' }) as R).rc).toBe(0);
    c.runFor(3_000);
    const woken = pingTimesMs().filter((t) => t > base);
    expect(Math.abs(woken[0]! - base - 2000)).toBeLessThan(10);
  });

  it('an unknown auth scheme fails the handle for good (AUTH_FAILED)', () => {
    const c = settledCluster(1, 46);
    expect((c.call('c1', { op: 'addAuth', scheme: 'nope', auth: 'x' }) as R).rc).toBe(Err.AUTHFAILED);
    expect((c.call('c1', { op: 'getData', path: '/' }) as R).rc).toBe(Err.AUTHFAILED);
    expect((c.call('c1', { op: 'addAuth', scheme: 'digest', auth: 'u:p' }) as R).rc).toBe(Err.AUTHFAILED);
  });

  it('answers a malformed call with BadArguments instead of throwing', () => {
    const c = settledCluster(1, 45);
    expect((c.call('c1', { op: 'frobnicate' }) as R).rc).toBe(Err.BADARGUMENTS);
    expect((c.call('c1', { op: 'create' }) as R).rc).toBe(Err.BADARGUMENTS);
    expect((c.call('c1', 42) as R).rc).toBe(Err.BADARGUMENTS);
  });
});

describe('client randomness comes from the run seed', () => {
  /** The server c1 first connects to, and when c1 reconnects after its server is crashed. */
  function draws(seed: number): string {
    const c = Ensemble.simulate({ servers: 5, clients: 1, seed });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const first = c.client('c1').currentServer!;
    const t0 = c.sim.now;
    c.sim.crash(first);
    expect(c.runUntil(() => c.client('c1').currentServer !== null && c.client('c1').currentServer !== first, 20_000)).toBe(true);
    return `${first}+${Math.round((c.sim.now - t0) / 1000)}ms`;
  }

  it('different run seeds shuffle the hosts and draw the reconnect back-off differently; a seed repeats', () => {
    const runs = [1, 2, 3, 4, 5, 6].map(draws);
    // The host shuffle: with the client's id as its only seed every run would start on one server.
    expect(new Set(runs.map((r) => r.split('+')[0])).size).toBeGreaterThan(1);
    expect(new Set(runs).size).toBeGreaterThan(3);
    expect(draws(3)).toBe(draws(3));
  });
});
