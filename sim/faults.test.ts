import { describe, expect, it } from 'vitest';
import { randomFaults, scheduleFaults, type RandomFaultOptions } from './faults.ts';
import { puppets } from './puppet.ts';
import { RngStreams } from './rng.ts';
import { Simulation } from './simulation.ts';
import { ms } from './time.ts';

const NODES = ['s1', 's2', 's3', 's4', 's5'];

/** Peak number of nodes crashed, paused or isolated at once, replayed from the trace. */
function peakOutOfService(seed: number, opts: RandomFaultOptions): number {
  const sim = new Simulation({ seed, nodes: NODES, factory: puppets().factory });
  scheduleFaults(sim, randomFaults(sim.rng.stream('faults'), NODES, opts));
  sim.run({ until: opts.durationUs + ms(1) });
  const crashed = new Set<string>();
  const paused = new Set<string>();
  const isolated = new Set<string>();
  let peak = 0;
  for (const r of sim.trace.records) {
    if (r.ev === 'crash') (crashed.add(r.node), paused.delete(r.node));
    if (r.ev === 'restart') crashed.delete(r.node);
    if (r.ev === 'pause') paused.add(r.node);
    if (r.ev === 'resume') paused.delete(r.node);
    if (r.ev === 'fault' && r['fault'] === 'isolate') isolated.add(r['target'] as string);
    if (r.ev === 'fault' && r['fault'] === 'heal') isolated.clear();
    const out = new Set([...crashed, ...paused, ...isolated]);
    peak = Math.max(peak, out.size);
  }
  // Every episode is undone by the end.
  expect(crashed.size + paused.size).toBe(0);
  expect(isolated.size).toBe(0);
  return peak;
}

describe('randomFaults', () => {
  const base = { durationUs: ms(100), episodes: 12, maxLengthUs: ms(50), kinds: ['crash', 'pause', 'isolate'] } as const;

  it('maxDown bounds how many nodes are out of service at once', () => {
    let unboundedPeak = 0;
    for (let seed = 0; seed < 40; seed++) {
      expect(peakOutOfService(seed, { ...base, maxDown: 1 }), `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(peakOutOfService(seed, { ...base, maxDown: 2 }), `seed ${seed}`).toBeLessThanOrEqual(2);
      unboundedPeak = Math.max(unboundedPeak, peakOutOfService(seed, base));
    }
    expect(unboundedPeak).toBeGreaterThan(2); // the bound is doing something
  });

  it('is a pure function of the stream: same seed, same schedule; sorted by time', () => {
    const all = { durationUs: base.durationUs, episodes: 30, maxLengthUs: base.maxLengthUs };
    const a = randomFaults(new RngStreams(9).stream('faults'), NODES, all);
    const b = randomFaults(new RngStreams(9).stream('faults'), NODES, all);
    expect(b).toEqual(a);
    expect(a.map((f) => f.at)).toEqual([...a.map((f) => f.at)].sort((x, y) => x - y));
    expect(a.every((f) => f.at >= 0 && f.at < base.durationUs)).toBe(true);
  });
});
