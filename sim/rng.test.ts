import { describe, expect, it } from 'vitest';
import { RngStreams } from './rng.ts';

describe('RngStreams', () => {
  it('same seed and name give the same draws; streams are independent of each other', () => {
    const a = new RngStreams(42);
    const b = new RngStreams(42);
    const drawsA = Array.from({ length: 5 }, () => a.stream('workload').next());
    // b draws heavily from another stream first: workload must not notice.
    for (let i = 0; i < 1000; i++) b.stream('faults').next();
    const drawsB = Array.from({ length: 5 }, () => b.stream('workload').next());
    expect(drawsB).toEqual(drawsA);
    expect(a.stream('network').next()).not.toBe(a.stream('disk').next());
    expect(new RngStreams(43).stream('workload').next()).not.toBe(drawsA[0]);
  });

  it('helpers stay in range', () => {
    const r = new RngStreams('x').stream('t');
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(k >= 0 && k < 7 && Number.isInteger(k)).toBe(true);
      const j = r.range(-3, 3);
      expect(j >= -3 && j <= 3).toBe(true);
      expect(r.exp(10)).toBeGreaterThanOrEqual(0);
    }
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});
