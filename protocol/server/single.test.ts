import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, createMany } from '../../ensemble/testing/workload.ts';

describe('a 1-server ensemble (what `--servers 1` runs)', () => {
  it('the lone voter is its own epoch quorum: it leads, serves and commits', () => {
    const c = Ensemble.simulate({ servers: 1, clients: 1, seed: 1 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'one', 3)).toBe(3);
    const st = c.server('s1').status();
    expect(st).toMatchObject({ role: 'LEADING', serving: true, currentEpoch: 1, acceptedEpoch: 1 });
    expect(st.lastProcessedZxid).toBeGreaterThan(2 ** 32);
  });
});
