import { describe, expect, it } from 'vitest';
import type { WatchedEvent } from '../contract.ts';
import { Err } from '../request/errors.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll } from '../../ensemble/testing/workload.ts';

type R = { rc: number };

function settled(clients: number, seed: number, timeoutMs?: number): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients, seed, client: timeoutMs ? { sessionTimeoutMs: timeoutMs } : {} });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  return c;
}

const events = (c: Ensemble, client: string): WatchedEvent[] => c.notified(client).map((n) => n.event);
const states = (c: Ensemble, client: string): string[] => events(c, client).filter((e) => e.type === 'None').map((e) => e.state);
const none = (state: WatchedEvent['state']): WatchedEvent => ({ type: 'None', state, path: null, zxid: -1 });

describe('notify: watch events and connection states reach the application unasked', () => {
  it('SyncConnected at connect; a fired watch once, with the zxid of the change; the kernel traces each', () => {
    const c = settled(2, 51);
    expect(events(c, 'c1')).toEqual([none('SyncConnected')]);
    expect((c.call('c1', { op: 'create', path: '/w', data: 'a' }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getData', path: '/w', watch: true }) as R).rc).toBe(0);
    const set = c.call('c2', { op: 'setData', path: '/w', data: 'b' }) as R & { zxid: number };
    expect(set.rc).toBe(0);
    expect(c.runUntil(() => events(c, 'c1').length === 2, 1_000)).toBe(true);
    expect(events(c, 'c1')[1]).toEqual({ type: 'NodeDataChanged', state: 'SyncConnected', path: '/w', zxid: set.zxid });
    // One-shot: a second change fires nothing.
    expect((c.call('c2', { op: 'setData', path: '/w', data: 'c' }) as R).rc).toBe(0);
    c.runFor(200);
    expect(events(c, 'c1')).toHaveLength(2);
    const recs = c.sim.trace.records.flatMap((r) => (r.ev === 'notify' && r.node === 'c1' ? [r] : []));
    expect(recs.map((r) => ({ type: r.type, state: r.state, path: r.path, zxid: r.zxid }))).toEqual(events(c, 'c1'));
  });

  it('Disconnected when its server dies (and per failed attempt), SyncConnected again on reconnect', () => {
    const c = settled(1, 52);
    const server = c.client('c1').currentServer!;
    c.sim.crash(server);
    expect(c.runUntil(() => c.client('c1').currentServer !== null && states(c, 'c1').length >= 3, 30_000)).toBe(true);
    const s = states(c, 'c1');
    expect(s[0]).toBe('SyncConnected');
    expect(s[1]).toBe('Disconnected');
    expect(s[s.length - 1]).toBe('SyncConnected');
    expect(s.slice(1, -1).every((x) => x === 'Disconnected')).toBe(true);
  });

  it('Expired when it reconnects after its session expired', () => {
    const c = settled(1, 53, 4000);
    c.sim.isolate('c1');
    c.runFor(15_000);
    c.sim.heal();
    expect(c.runUntil(() => states(c, 'c1').includes('Expired'), 20_000)).toBe(true);
    const s = states(c, 'c1');
    expect(s[s.length - 1]).toBe('Expired');
    expect(s).toContain('Disconnected');
  });

  it('AuthFailed on an unknown auth scheme; Closed after closeSession', () => {
    const c = settled(2, 54);
    expect((c.call('c1', { op: 'addAuth', scheme: 'nope', auth: 'x' }) as R).rc).toBe(Err.AUTHFAILED);
    expect(states(c, 'c1')).toEqual(['SyncConnected', 'AuthFailed']);
    expect((c.call('c2', { op: 'closeSession' }) as R).rc).toBe(0);
    expect(states(c, 'c2')).toEqual(['SyncConnected', 'Closed']);
  });

  it('a removeWatches tells the removed watches (DataWatchRemoved, ChildWatchRemoved)', () => {
    const c = settled(1, 55);
    expect((c.call('c1', { op: 'create', path: '/r', data: '' }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getData', path: '/r', watch: true }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getChildren', path: '/r', watch: true }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'removeWatches', path: '/r', watcherType: 3 }) as R).rc).toBe(0);
    expect(events(c, 'c1').slice(1)).toEqual([
      { type: 'DataWatchRemoved', state: 'SyncConnected', path: '/r', zxid: -1 },
      { type: 'ChildWatchRemoved', state: 'SyncConnected', path: '/r', zxid: -1 },
    ]);
  });

  it('the events op is gone: a client answers it as an unknown call', () => {
    const c = settled(1, 56);
    expect((c.call('c1', { op: 'events' }) as R).rc).toBe(Err.BADARGUMENTS);
  });
});
