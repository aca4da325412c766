import { describe, expect, it } from 'vitest';
import type { Effect } from '../protocol/contract.ts';
import { puppets } from './puppet.ts';
import { Simulation } from './simulation.ts';
import { ms } from './time.ts';

describe('timers', () => {
  it('setTimer replaces a pending timer of the same name; cancelTimer stops it', () => {
    const p = puppets();
    const sim = new Simulation({ seed: 1, nodes: ['a'], factory: p.factory });
    sim.run();
    const t0 = sim.now;
    const arm = (name: string, afterMs: number): Effect => ({ kind: 'setTimer', timer: name, afterMs });
    sim.request('a', { effects: [arm('x', 10), arm('y', 20), arm('z', 30)] });
    sim.runFor(ms(5));
    sim.request('a', { effects: [arm('x', 50), { kind: 'cancelTimer', timer: 'y' }] });
    sim.run();
    const fired = sim.trace.records.filter((r) => r.ev === 'timer').map((r) => [r['timer'], r.t - t0]);
    expect(fired).toEqual([
      ['z', ms(30)],
      ['x', ms(55)],
    ]);
  });

  it('a node re-arming a long timer on every step does not grow the queue without bound', () => {
    // Two nodes ping-pong; each step re-arms a 1-hour timer. Without sweeping, the heap would hold
    // one dead timer per step.
    const p = puppets((id, input) => {
      // b also arms a timer once, which must survive every sweep.
      if (input.kind === 'start' && id === 'b') return [{ kind: 'setTimer', timer: 'once', afterMs: 7_200_000 }];
      if (input.kind === 'message' || (input.kind === 'start' && id === 'a')) {
        return [
          { kind: 'setTimer', timer: 'idle', afterMs: 3_600_000 },
          { kind: 'send', to: id === 'a' ? 'b' : 'a', msg: { type: 'p' } },
        ];
      }
      return [];
    });
    const sim = new Simulation({ seed: 1, nodes: ['a', 'b'], factory: p.factory, trace: { off: true } });
    let peak = 0;
    for (let i = 0; i < 100; i++) {
      sim.run({ maxEvents: 1000 });
      peak = Math.max(peak, sim.pending);
    }
    expect(sim.stats.delivered).toBeGreaterThan(90_000);
    expect(peak).toBeLessThan(10_000);
    // The live timers still fire, at their last arming.
    sim.crash('a');
    sim.run({ until: ms(7_200_001) });
    expect(p.of('b', 'timer').map((s) => (s.input as { timer: string }).timer)).toEqual(['idle', 'once']);
  });
});
