import { describe, expect, it } from 'vitest';
import type { Effect } from '../protocol/contract.ts';
import type { FaultPointConfig } from './faultpoints.ts';
import { append, puppets, writeMeta } from './puppet.ts';
import { Simulation } from './simulation.ts';

const point = (name: string): Effect => ({ kind: 'point', name });
const send = (to: string, type: string): Effect => ({ kind: 'send', to, msg: { type } });
const meta = (id: number, value: number): Effect => writeMeta(id, value);

/** Node a, asked by request, emits: writeMeta, point p, send to b, point q, send to b. */
function setup(faultPoints?: FaultPointConfig, seed = 1) {
  const p = puppets();
  const sim = new Simulation({ seed, nodes: ['a', 'b'], factory: p.factory, ...(faultPoints ? { faultPoints } : {}) });
  sim.run();
  const step = () => {
    sim.request('a', { effects: [meta(1, 7), point('p'), send('b', 'M1'), point('q'), send('b', 'M2')] });
    sim.run();
  };
  const got = () => p.of('b', 'message').map((s) => (s.input as { msg: { type: string } }).msg.type);
  return { sim, p, step, got };
}

describe('fault points in the kernel', () => {
  it('without a config a point does nothing and leaves no trace record', () => {
    const { sim, step, got } = setup();
    step();
    expect(got()).toEqual(['M1', 'M2']);
    expect(sim.trace.records.some((r) => r.ev === 'point')).toBe(false);
    expect(sim.isUp('a')).toBe(true);
  });

  it('a scripted crash at a point: the effects before it happen, the rest never do', () => {
    const { sim, step, got } = setup({ script: [{ point: 'q', node: 'a' }] });
    step();
    expect(got()).toEqual(['M1']);
    expect(sim.isUp('a')).toBe(false);
    const i = sim.trace.records.findIndex((r) => r.ev === 'point');
    expect(sim.trace.records[i]).toMatchObject({ node: 'a', point: 'q', action: 'crash' });
    expect(sim.trace.records[i + 1]).toMatchObject({ node: 'a', ev: 'crash' });
  });

  it('nth counts passages of one node from arming, across restarts; restartAfterMs brings it back', () => {
    const { sim, step, got } = setup({ script: [{ point: 'p', node: 'a', nth: 2, restartAfterMs: 5 }] });
    step();
    expect(got()).toEqual(['M1', 'M2']);
    step();
    expect(got()).toEqual(['M1', 'M2']);
    expect(sim.trace.records.filter((r) => r.ev === 'restart' && r.node === 'a')).toHaveLength(1);
    expect(sim.isUp('a')).toBe(true);
    step();
    expect(got()).toEqual(['M1', 'M2', 'M1', 'M2']);
  });

  it('crashAtPoint arms a script during the run', () => {
    const { sim, step, got } = setup();
    step();
    sim.crashAtPoint({ point: 'p', node: 'a' });
    step();
    expect(got()).toEqual(['M1', 'M2']);
    expect(sim.isUp('a')).toBe(false);
    // The writeMeta before the point was issued but had not completed: lost with the crash.
    expect(sim.disk('a').durableState().meta).toEqual({ k: 7 });
  });

  it('BUGGIFY: enableP 1, fireP 1 fires at the first point, maxFires bounds it', () => {
    const { sim, step, got } = setup({ buggify: { enableP: 1, fireP: 1, maxFires: 1, restartAfterMs: 1 } });
    step();
    expect(got()).toEqual([]);
    step();
    expect(got()).toEqual(['M1', 'M2']);
    expect(sim.trace.records.filter((r) => r.ev === 'point')).toHaveLength(1);
  });

  it('BUGGIFY is deterministic per seed and enables a share of the points', () => {
    const fired = (seed: number) => {
      const { sim, step } = setup({ buggify: { enableP: 0.5, fireP: 0.5, maxFires: 100, restartAfterMs: 1 } }, seed);
      for (let i = 0; i < 20; i++) step();
      return { hash: sim.trace.sha256(), enabled: sim.enabledPoints(), n: sim.trace.records.filter((r) => r.ev === 'point').length };
    };
    const runs = Array.from({ length: 12 }, (_, s) => fired(s));
    expect(fired(3)).toEqual(runs[3]);
    expect(new Set(runs.map((r) => r.enabled.join(','))).size).toBeGreaterThan(1);
    expect(runs.some((r) => r.n > 0)).toBe(true);
  });

  it('bad probabilities and nth are one clear error', () => {
    expect(() => setup({ buggify: { enableP: 2, fireP: 0 } })).toThrow(/enableP must be a probability/);
    expect(() => setup({ script: [{ point: 'p', node: 'a', nth: 0 }] })).toThrow(/nth must be an integer >= 1/);
  });
});
