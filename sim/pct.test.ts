/**
 * PCT scheduling (sim/pct.ts): deterministic (same seed → same trace; it draws only from its own
 * stream), lanes FIFO, and it reaches an ordering that uniform latencies never do: a message held
 * back behind a chain of six round trips on another lane of the same link.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../protocol/contract.ts';
import { puppets } from './puppet.ts';
import { Pct } from './pct.ts';
import { Rng } from './rng.ts';
import { Simulation } from './simulation.ts';
import type { PctConfig } from './pct.ts';

const ROUNDS = 6;
const lane = (m: Message): string => (m.type === 'x' ? 'slow' : 'chat');

/** a sends `x` to b and starts a ping-pong of ROUNDS round trips with it, on another lane. Returns
 *  how many pings b had got when `x` arrived, and the trace hash. */
function race(seed: number, pct?: PctConfig): { pingsBeforeX: number; hash: string } {
  let pings = 0;
  let before = -1;
  const p = puppets((id, input) => {
    if (input.kind === 'start' && id === 'a') return [{ kind: 'send', to: 'b', msg: { type: 'x' } }, { kind: 'send', to: 'b', msg: { type: 'ping', n: 1 } }];
    if (input.kind !== 'message') return undefined;
    const m = input.msg as { type: string; n?: number };
    if (id === 'b' && m.type === 'x') before = pings;
    if (id === 'b' && m.type === 'ping') {
      pings++;
      return [{ kind: 'send', to: 'a', msg: { type: 'pong', n: m.n } }];
    }
    if (id === 'a' && m.type === 'pong' && m.n! < ROUNDS) return [{ kind: 'send', to: 'b', msg: { type: 'ping', n: m.n! + 1 } }];
    return undefined;
  });
  const sim = new Simulation({ seed, nodes: ['a', 'b'], factory: p.factory, ...(pct ? { pct } : {}) });
  sim.run({ until: 1_000_000 });
  return { pingsBeforeX: before, hash: sim.trace.sha256() };
}

describe('PCT scheduling', () => {
  it('same seed, same trace; PCT changes the trace and plain runs draw nothing new', () => {
    const cfg: PctConfig = { depth: 3, horizon: 14, lane };
    expect(race(7, cfg).hash).toBe(race(7, cfg).hash);
    expect(race(7, cfg).hash).not.toBe(race(7).hash);
    expect(race(7).hash).toBe(race(7).hash);
  });

  it(`holds a message back behind ${ROUNDS} round trips on another lane, which uniform latencies never do`, () => {
    const SEEDS = 400;
    let uniform = 0;
    let pct = 0;
    for (let s = 0; s < SEEDS; s++) {
      if (race(s).pingsBeforeX >= ROUNDS) uniform++;
      if (race(s, { depth: 2, horizon: 2 * ROUNDS + 1, lane }).pingsBeforeX >= ROUNDS) pct++;
    }
    // Uniform: x arrives within 1 ms (0.1 ms + a tail capped at 0.9 ms); the 6th ping needs 11
    // hops of at least 0.1 ms each. PCT: x's lane may get a low priority (or a change point):
    // 28 of these 400 seeds, 0 uniform.
    expect(uniform).toBe(0);
    expect(pct).toBeGreaterThan(0);
  });

  it('keeps each lane FIFO and lets different lanes of one link overtake each other', () => {
    const pct = new Pct({ depth: 1, spreadUs: 10_000 }, new Rng('t'));
    const a = pct.arrival(0, 500, 'l1', false);
    expect(pct.arrival(10, 100, 'l1', false)).toBeGreaterThanOrEqual(a);
    const other = new Pct({ depth: 1, spreadUs: 10_000, lane: (m) => m.type }, new Rng('t'));
    expect(other.laneOf('a', 'b', { type: 'x' })).toBe('a>b:x');
  });

  it('drops the priority of the lane a change point hits below every other', () => {
    const pct = new Pct({ depth: 3, horizon: 5 }, new Rng('cp'));
    expect(pct.changePoints).toHaveLength(2);
    for (let i = 1; i <= 5; i++) pct.arrival(0, 0, `l${i}`, true);
    const lowered = [1, 2, 3, 4, 5].filter((i) => pct.priority(`l${i}`) < 0);
    expect(lowered.length).toBeGreaterThanOrEqual(1);
    expect(() => new Pct({ depth: 0 }, new Rng('x'))).toThrow(/depth/);
  });
});
