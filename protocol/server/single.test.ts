import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, createMany } from '../../ensemble/testing/workload.ts';

describe('a 1-server ensemble (what `--servers 1 --quorum` runs)', () => {
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

describe('a standalone server (cfg.standalone, what `--servers 1` runs)', () => {
  it('serves at once with no election and no epoch writes; zxids count from epoch 0', () => {
    const c = Ensemble.simulate({ servers: 1, clients: 1, seed: 1, cfg: { standalone: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'one', 3)).toBe(3);
    const st = c.server('s1').status();
    expect(st).toMatchObject({ role: 'LEADING', serving: true, currentEpoch: 0, acceptedEpoch: 0 });
    expect(st.lastProcessedZxid).toBe(4); // createSession, then three creates
    expect(c.server('s1').status().vote).toBeNull();
    expect(c.server('s1').status().acceptedEpoch).toBe(0);
  });
});
