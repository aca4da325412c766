import { describe, expect, it } from 'vitest';
import { randomFaults, scheduleFaults } from '../sim/index.ts';
import type { EpisodeKind } from '../sim/index.ts';
import { Ensemble } from './ensemble.ts';
import { connectAll, converge } from './testing/workload.ts';
import { allViolations } from './testing/violations.ts';

/**
 * ZooKeeper runs on TCP: no message loss, duplication or reordering within a connection, so those
 * episodes are left out; every other fault of the kernel is drawn.
 */
const KINDS: EpisodeKind[] = ['crash', 'pause', 'partition', 'isolate', 'oneWay', 'clog', 'skew', 'jump', 'slowDisk'];

interface FuzzOptions {
  readonly observers?: number;
  readonly episodes?: number;
  readonly seconds?: number;
  readonly intervalMs?: number;
}

function fuzz(servers: number, seed: number, o: FuzzOptions = {}): { violations: string[]; acked: number; settled: boolean } {
  const observers = o.observers ?? 0;
  const durationUs = (o.seconds ?? 40) * 1_000_000;
  const c = Ensemble.simulate({ servers, observers, clients: 3, seed });
  c.runUntil(() => c.settled(), 5_000);
  connectAll(c);
  let n = 0;
  let acked = 0;
  const loop = (client: string) => {
    c.request(client, { op: 'create', path: `/f-${client}-${n++}`, data: 'v' }, (r) => {
      if ((r as { rc?: number }).rc === 0) acked++;
    });
    if (c.sim.now < durationUs) c.sim.after((o.intervalMs ?? 25) * 1000, () => loop(client));
  };
  for (const id of c.clientIds) c.sim.after(0, () => loop(id));
  const rng = c.sim.rng.stream('workload');
  // Observers take faults too (and count against maxDown: conservative).
  const faults = randomFaults(rng, c.serverIds, {
    durationUs,
    episodes: o.episodes ?? 8,
    maxLengthUs: o.seconds ? 10_000_000 : 8_000_000,
    kinds: KINDS,
    maxDown: Math.floor((servers - 1) / 2),
  }).map((f) => ({ ...f, at: f.at + c.sim.now }));
  scheduleFaults(c.sim, faults);
  c.runFor(durationUs / 1000 + 5_000);
  const settled = converge(c, 90_000);
  return { violations: allViolations(c), acked, settled };
}

describe('random faults (TCP-like network)', () => {
  it('regression: a leader expiring sessions as it steps down keeps disk and tree in step (3 servers, seed 125)', () => {
    // Found by a sweep: the closeSession txns proposed in the leader's last tick were queued for the
    // log but not yet appended when it reloaded its tree, so its disk and memory disagreed.
    const r = fuzz(3, 125, { episodes: 12, seconds: 60, intervalMs: 20 });
    expect(r.violations).toEqual([]);
    expect(r.settled).toBe(true);
  });
  for (const seed of [7, 8, 9]) {
    it(`3 servers + 2 observers, seed ${seed}: invariants hold and the ensemble recovers`, () => {
      const r = fuzz(3, seed, { observers: 2 });
      expect(r.violations).toEqual([]);
      expect(r.settled).toBe(true);
      expect(r.acked).toBeGreaterThan(50);
    });
  }
  for (const servers of [3, 5]) {
    for (const seed of [1, 2, 3, 4, 5]) {
      it(`${servers} servers, seed ${seed}: invariants hold and the ensemble recovers`, () => {
        const r = fuzz(servers, seed);
        expect(r.violations).toEqual([]);
        expect(r.settled).toBe(true);
        expect(r.acked).toBeGreaterThan(50);
      });
    }
  }
});

describe('random faults, mixed workload', () => {
  for (const seed of [501, 502]) {
    it(`creates, ephemerals, sequentials, multi, watches, sync and an abandoned session (seed ${seed})`, () => {
      const c = Ensemble.simulate({ servers: 3, observers: seed % 2, clients: 4, seed, client: { sessionTimeoutMs: 4000 } });
      c.runUntil(() => c.settled(), 5_000);
      connectAll(c);
      let n = 0;
      const loop = (client: string) => {
        const k = n++;
        const ops = [
          { op: 'create', path: `/p-${k}`, data: 'v' },
          { op: 'create', path: `/e-${client}-${k}`, data: '', flags: 1 },
          { op: 'setData', path: '/hot', data: String(k) },
          { op: 'multi', ops: [{ op: 'create', path: `/m-${k}`, data: '' }, { op: 'delete', path: `/m-${k}` }] },
          { op: 'getData', path: '/hot', watch: true },
          { op: 'sync', path: '/' },
          { op: 'create', path: '/s-', data: '', flags: 2 },
        ];
        c.sim.request(client, ops[k % ops.length]);
        if (c.sim.now < 40_000_000) c.sim.after(15_000, () => loop(client));
      };
      c.sim.request('c1', { op: 'create', path: '/hot', data: '' });
      for (const id of c.clientIds) c.sim.after(0, () => loop(id));
      c.sim.after(15_000_000, (s) => void s.request('c4', { op: 'abandon' }));
      const faults = randomFaults(c.sim.rng.stream('workload'), c.serverIds, {
        durationUs: 40_000_000,
        episodes: 10,
        maxLengthUs: 8_000_000,
        kinds: KINDS,
        maxDown: 1,
      }).map((f) => ({ ...f, at: f.at + c.sim.now }));
      scheduleFaults(c.sim, faults);
      c.runFor(45_000);
      expect(converge(c, 90_000)).toBe(true);
      expect(allViolations(c)).toEqual([]);
      // c4's ephemerals died with its session on every server.
      for (const s of c.serverIds) {
        const sm = c.server(s).db.sm as unknown as { tree: { ephemeralsOf(id: string): string[] } };
        expect(sm.tree.ephemeralsOf(c.client('c4').sessionId)).toEqual([]);
      }
    });
  }
});
