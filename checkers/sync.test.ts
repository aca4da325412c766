/**
 * The checkers on simulated ensembles through every sync mode (DIFF, SNAP, TRUNC): the fixed 3.8
 * behaviour passes every checker; ZOOKEEPER-1154 switched back on (DIFF instead of TRUNC) is caught.
 */
import { describe, expect, it } from 'vitest';
import type { BugFlags } from '../protocol/config.ts';
import { Ensemble } from '../ensemble/ensemble.ts';
import { connectAll, converge, createMany, restartOldLeaderWithUncommittedTxn } from '../ensemble/testing/workload.ts';
import { failures, runAll } from './index.ts';

function modes(c: Ensemble): string[] {
  return c.events('sync.send').map((e) => String(e.data['mode']));
}

/** A follower is cut off while the others take writes, then comes back. */
function lagging(seed: number, cfg?: { commitLogCount: number; snapCount: number }): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients: 1, seed, client: { noShuffle: true }, ...(cfg ? { cfg } : {}) });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  c.sim.isolate('s2');
  expect(c.runUntil(() => c.server('s2').state === 'LOOKING', 20_000)).toBe(true);
  expect(createMany(c, 'c1', 'd', 25)).toBe(25);
  c.sim.heal();
  expect(converge(c)).toBe(true);
  expect(createMany(c, 'c1', 'e', 2)).toBe(2);
  expect(converge(c)).toBe(true);
  return c;
}

/** The old leader logs a txn nobody else has, crashes, and comes back to a new leader. */
function uncommittedOnOldLeader(bugs: BugFlags): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 7, cfg: { bugs } });
  restartOldLeaderWithUncommittedTxn(c);
  // With ZOOKEEPER-1154 back the old leader never matches the others' zxid: no convergence here.
  const settled = converge(c);
  if (bugs.diffInsteadOfTrunc !== true) expect(settled).toBe(true);
  connectAll(c, ['c2']);
  expect(createMany(c, 'c2', 'after', 1)).toBe(1);
  expect(converge(c)).toBe(true);
  return c;
}

describe('checkers across sync modes', () => {
  it('DIFF: a lagging follower catches up; every checker passes', () => {
    const c = lagging(5);
    expect(modes(c)).toContain('DIFF');
    expect(failures(runAll(c.sim.trace.records, { ensembleSize: 3 }))).toEqual([]);
  });

  it('SNAP: a far-behind follower gets a snapshot; every checker passes', () => {
    // Older than the 10-txn window, and the leader's log rolled (snapCount 10) since: SNAP, as 3.8.
    const c = lagging(6, { commitLogCount: 10, snapCount: 10 });
    expect(modes(c)).toContain('SNAP');
    expect(failures(runAll(c.sim.trace.records, { ensembleSize: 3 }))).toEqual([]);
  });

  it('TRUNC: the old leader drops its uncommitted txn; every checker passes', () => {
    const c = uncommittedOnOldLeader({});
    expect(modes(c)).toContain('TRUNC');
    expect(failures(runAll(c.sim.trace.records, { ensembleSize: 3 }))).toEqual([]);
  });

  it('ZOOKEEPER-1154 (DIFF instead of TRUNC) is caught', () => {
    const c = uncommittedOnOldLeader({ diffInsteadOfTrunc: true });
    expect(modes(c)).not.toContain('TRUNC');
    const failed = failures(runAll(c.sim.trace.records, { ensembleSize: 3 }));
    expect(failed).toContain('PrefixConsistency');
    expect(failed).toContain('ProcessConsistency');
  });
});
