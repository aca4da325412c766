import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';
import { totalOrderPredicate } from '../election/order.ts';

/** The server FLE must elect among `ids`: the greatest (currentEpoch, last zxid, myid). */
function best(c: Ensemble, ids: readonly string[]): string {
  const vote = (s: string) => {
    const p = c.server(s);
    return [p.sid, p.db.lastProcessedZxid, p.currentEpoch] as const;
  };
  return ids.reduce((b, s) => (totalOrderPredicate(...vote(s), ...vote(b)) ? s : b));
}

describe('leader election on a fresh ensemble', () => {
  for (const n of [3, 5]) {
    it(`${n} servers elect the highest myid and all serve`, () => {
      const c = Ensemble.simulate({ servers: n, seed: n });
      expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
      expect(c.leader()!.id).toBe(`s${n}`);
      const established = c.events('leader.established');
      expect(established).toHaveLength(1);
      expect(established[0]!.data['epoch']).toBe(1);
      expect(allViolations(c)).toEqual([]);
    });
  }
});

describe('leader election after history', () => {
  for (const n of [3, 5]) {
    it(`${n} servers: after a full restart the server with the greatest (epoch, zxid, myid) leads`, () => {
      const c = Ensemble.simulate({ servers: n, clients: 1, seed: 10 + n, client: { noShuffle: true } });
      expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
      connectAll(c);
      createMany(c, 'c1', 'a', 3);
      // The highest myid falls behind: it misses the next writes.
      const top = `s${n}`;
      c.sim.isolate(top);
      expect(c.runUntil(() => c.leader() !== null && c.leader()!.id !== top, 30_000)).toBe(true);
      expect(createMany(c, 'c1', 'b', 3)).toBe(3);
      for (const s of c.serverIds) c.sim.crash(s);
      c.sim.heal();
      const behind = c.server(top).db.lastProcessedZxid;
      for (const s of c.serverIds) c.sim.restart(s);
      c.sim.run({ until: c.sim.now }); // boot: every server reloads its disk
      const expected = best(c, c.serverIds);
      expect(c.runUntil(() => c.settled(), 10_000)).toBe(true);
      const leader = c.leader()!;
      expect(leader.id).toBe(expected);
      expect(leader.id).not.toBe(top);
      expect(behind).toBeLessThan(leader.db.lastProcessedZxid);
      expect(converge(c)).toBe(true);
      expect(allViolations(c)).toEqual([]);
    });
  }

  it('observers follow but never lead, even with the highest myid and zxid', () => {
    const c = Ensemble.simulate({ servers: 3, observers: 2, clients: 1, seed: 4 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    expect(c.leader()!.id).toBe('s3');
    for (const o of ['s4', 's5']) expect(c.server(o).state).toBe('OBSERVING');
    connectAll(c);
    createMany(c, 'c1', 'x', 2);
    c.sim.crash('s3');
    expect(c.runUntil(() => c.leader() !== null, 10_000)).toBe(true);
    expect(['s1', 's2']).toContain(c.leader()!.id);
  });
});
