import { describe, expect, it } from 'vitest';
import { ALL_EPISODES, randomFaults, scheduleFaults, type TimedFault } from './faults.ts';
import { pingNodes } from './ping-node.ts';
import { Simulation } from './simulation.ts';
import { ms } from './time.ts';

const NODES = ['s1', 's2', 's3', 's4'];

/** A small workload with one episode of EVERY fault kind plus a few random extra ones; odd seeds
 *  run the ping nodes on connections. */
function runOnce(seed: number): { sha: string; records: number; kinds: Set<string> } {
  const sim = new Simulation({ seed, nodes: NODES, factory: pingNodes(NODES, { periodMs: 5, fsyncEvery: 2, connections: seed % 2 === 1 }) });
  const faults = sim.rng.stream('faults');
  const schedule: TimedFault[] = [];
  for (const kind of ALL_EPISODES) {
    schedule.push(...randomFaults(faults, NODES, { durationUs: ms(80), episodes: 1, maxLengthUs: ms(30), kinds: [kind] }));
  }
  schedule.push(...randomFaults(faults, NODES, { durationUs: ms(80), episodes: 3, maxLengthUs: ms(30) }));
  schedule.sort((x, y) => x.at - y.at); // stable: equal times keep list order
  scheduleFaults(sim, schedule);
  // Workload: durable writes at random times to random nodes.
  const wl = sim.rng.stream('workload');
  for (let i = 0; i < 10; i++) {
    sim.at(wl.int(ms(90)), (s) => s.request(wl.pick(NODES), { cmd: 'write', value: i }));
  }
  sim.run({ until: ms(100) });
  return { sha: sim.trace.sha256(), records: sim.trace.length, kinds: new Set(schedule.map((f) => f.kind)) };
}

describe('determinism', () => {
  it('200 seeds, each run twice with every fault kind: identical traces per seed, distinct across seeds', () => {
    const shas = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const a = runOnce(seed);
      const b = runOnce(seed);
      expect(b.sha, `seed ${seed}`).toBe(a.sha);
      expect(a.records).toBeGreaterThan(100);
      shas.add(a.sha);
      if (seed === 0) {
        for (const k of ['crash', 'restart', 'pause', 'resume', 'partition', 'isolate', 'heal', 'cut', 'uncut', 'clog', 'unclog', 'link', 'clockRate', 'clockJump', 'disk']) {
          expect(a.kinds.has(k), k).toBe(true);
        }
      }
    }
    expect(shas.size).toBe(200);
  });
});
