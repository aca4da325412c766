import { describe, expect, it } from 'vitest';
import { MAX_COUNTER, epochOf } from '../zxid.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

type R = { rc: number; zxid: number; data?: string | null };

describe('requests through the ensemble', () => {
  it('sync() on a lagging follower waits for the leader, then reads are current', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 51 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    const leader = c.leader()!.id;
    const [f1, f2] = c.serverIds.filter((s) => s !== leader);
    expect((c.call('c1', { op: 'connect', server: f1 }) as R).rc).toBe(0);
    expect((c.call('c2', { op: 'connect', server: f2 }) as R).rc).toBe(0);
    expect((c.call('c2', { op: 'create', path: '/s', data: 'old' }) as R).rc).toBe(0);
    c.runFor(50);
    c.sim.clog(leader, f1!);
    expect((c.call('c2', { op: 'setData', path: '/s', data: 'new' }) as R).rc).toBe(0);
    expect((c.call('c1', { op: 'getData', path: '/s' }) as R).data).toBe('old');
    const sync = c.send('c1', { op: 'sync', path: '/s' });
    const read = c.send('c1', { op: 'getData', path: '/s' });
    c.runFor(1_000);
    expect(c.result(sync)).toBeUndefined();
    expect(c.result(read)).toBeUndefined();
    c.sim.unclog(leader, f1!);
    c.runFor(50);
    expect((c.result(sync) as R).rc).toBe(0);
    expect((c.result(read) as R).data).toBe('new');
  });

  it('a zxid counter about to roll over forces a new election and epoch', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 52, cfg: { initialCounter: MAX_COUNTER - 4 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const epoch = c.leader()!.leader!.epoch;
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      const r = c.call('c1', { op: 'create', path: `/r${i}`, data: '' }) as R;
      if (r.rc === 0) ok++;
      else c.runFor(1_000);
    }
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(c.events('zab.abandon').some((e) => String(e.data['reason']).includes('rolled over'))).toBe(true);
    expect(converge(c)).toBe(true);
    expect(c.leader()!.leader!.epoch).toBeGreaterThan(epoch);
    const epochs = new Set(c.events('commit').map((e) => epochOf(e.data['zxid'] as number)));
    expect(epochs.size).toBeGreaterThanOrEqual(2);
    expect(allViolations(c)).toEqual([]);
  });

  it("the leader's container sweep removes an emptied container on every server", () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 53, cfg: { containerCheckIntervalMs: 500 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect((c.call('c1', { op: 'create', path: '/ctr', data: '', flags: 4, opcode: 'createContainer' }) as R).rc).toBe(0);
    expect(createMany(c, 'c1', 'ctr/child', 1)).toBe(1);
    c.runFor(1_500);
    const has = (s: string, p: string) => c.has(s, p);
    expect(c.serverIds.every((s) => has(s, '/ctr'))).toBe(true);
    expect((c.call('c1', { op: 'delete', path: '/ctr/child-0' }) as R).rc).toBe(0);
    expect(c.runUntil(() => c.serverIds.every((s) => !has(s, '/ctr')), 3_000)).toBe(true);
    expect(c.events('apply').some((e) => e.data['type'] === 'deleteContainer')).toBe(true);
  });
});

describe('a read pipelined behind the session\'s own write', () => {
  /** c1 pipelines create, getData, setData, getData on one connection (no waiting). */
  function run(readAheadOfPendingWrite: boolean): { replies: R[]; violations: string[] } {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 52, cfg: { bugs: { readAheadOfPendingWrite } } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const keys = [
      c.send('c1', { op: 'create', path: '/p', data: 'a' }),
      c.send('c1', { op: 'getData', path: '/p' }),
      c.send('c1', { op: 'setData', path: '/p', data: 'b' }),
      c.send('c1', { op: 'getData', path: '/p' }),
    ];
    c.runFor(200);
    expect(converge(c)).toBe(true);
    return { replies: keys.map((k) => c.result(k) as R), violations: allViolations(c) };
  }

  it('3.8: is answered after the write, with its data and a zxid no older', () => {
    const { replies, violations } = run(false);
    expect(replies.map((r) => r.rc)).toEqual([0, 0, 0, 0]);
    expect([replies[1]!.data, replies[3]!.data]).toEqual(['a', 'b']);
    for (let i = 1; i < 4; i++) expect(replies[i]!.zxid).toBeGreaterThanOrEqual(replies[i - 1]!.zxid);
    expect(violations).toEqual([]);
  });

  it('planted readAheadOfPendingWrite: the read goes back in time and SessionMonotonicRead names it', () => {
    const { replies, violations } = run(true);
    expect(replies[1]!.rc).not.toBe(0); // read before the create applied: NONODE
    expect(replies[1]!.zxid).toBeLessThan(replies[0]!.zxid);
    expect(violations.some((v) => v.startsWith('SessionMonotonicRead:'))).toBe(true);
  });
});
