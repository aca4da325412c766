import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

describe('observers', () => {
  it('get every commit (INFORM), never ack, never count in a quorum', () => {
    const c = Ensemble.simulate({ servers: 3, observers: 2, clients: 2, seed: 31 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    const observers = ['s4', 's5'];
    for (const o of observers) expect(c.server(o).state).toBe('OBSERVING');
    const start = c.sim.now;
    connectAll(c);
    expect(createMany(c, 'c1', 'o', 10)).toBe(10);
    expect(createMany(c, 'c2', 'p', 5)).toBe(5);
    expect(converge(c)).toBe(true);
    const committed = c.events('commit').filter((e) => e.t > start).map((e) => e.data['zxid'] as number);
    expect(committed.length).toBeGreaterThanOrEqual(17);
    for (const o of observers) {
      const applied = new Set(c.events('apply').filter((e) => e.node === o).map((e) => e.data['zxid'] as number));
      for (const z of committed) expect(applied.has(z)).toBe(true);
    }
    expect(c.events('ack').some((e) => observers.includes(`s${String(e.data['from'])}`))).toBe(false);
    for (const e of c.events('leader.established')) {
      for (const sid of e.data['quorum'] as number[]) expect(sid).toBeLessThanOrEqual(3);
    }
    // Two voters down: the observers cannot make a quorum, so no leader and no commits.
    c.sim.crash('s1');
    c.sim.crash('s2');
    c.runFor(30_000);
    expect(c.leader()).toBeNull();
    expect(allViolations(c)).toEqual([]);
  });
});

describe('rolling restart', () => {
  it('restarting every server in turn under load loses nothing acknowledged', () => {
    const c = Ensemble.simulate({ servers: 5, clients: 3, seed: 32 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    let round = 0;
    for (const s of c.serverIds) {
      // Writes in flight while the server goes down.
      const keys = [0, 1, 2].map((i) => c.send(`c${i + 1}`, { op: 'create', path: `/r${round}-${i}`, data: 'v' }));
      c.runFor(2);
      c.sim.crash(s);
      c.runFor(500);
      c.sim.restart(s);
      expect(converge(c)).toBe(true);
      c.runUntil(() => keys.every((k) => c.result(k) !== undefined), 30_000);
      expect(createMany(c, 'c1', `after${round}`, 2)).toBe(2);
      round++;
    }
    expect(converge(c)).toBe(true);
    const acked = c.events('client.return').filter((e) => e.data['rc'] === 0).length;
    expect(acked).toBeGreaterThan(15);
    expect(allViolations(c)).toEqual([]);
  });
});

describe('the durability check catches a planted bug', () => {
  /** Slow fsyncs, acked writes, then every server dies at once. */
  function run(ackBeforeFsync: boolean, seed: number): string[] {
    const c = Ensemble.simulate({
      servers: 5,
      clients: 1,
      seed,
      cfg: { bugs: { ackBeforeFsync } },
    });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    for (const s of c.serverIds) c.sim.setDisk(s, { fsync: { minUs: 3_000_000, tailMeanUs: 0, tailMaxUs: 0 } });
    const keys = Array.from({ length: 6 }, (_, i) => c.send('c1', { op: 'create', path: `/d${i}`, data: 'v' }));
    c.runFor(100);
    for (const s of c.serverIds) c.sim.crash(s);
    for (const s of c.serverIds) c.sim.setDisk(s, { fsync: { minUs: 400, tailMeanUs: 400, tailMaxUs: 10_000 } });
    for (const s of c.serverIds) c.sim.restart(s);
    expect(converge(c)).toBe(true);
    void keys;
    return allViolations(c);
  }

  it('acking before fsync loses acknowledged writes; the fixed order does not', () => {
    const caught = [1, 2, 3, 4].map((seed) => run(true, seed));
    expect(caught.some((v) => v.some((m) => m.includes('lost acknowledged')))).toBe(true);
    for (const seed of [1, 2, 3, 4]) expect(run(false, seed)).toEqual([]);
  });
});
