/**
 * PrefixConsistency and a tree labelled (e, 0). ZooKeeper 3.8's new leader relabels the tree it
 * loaded — every txn it had logged, committed or not — as (e, 0) (Leader.startZkServer), and a SNAP
 * it sends carries that label. The label stands for the leader's tree, not for "whatever any
 * server delivered last before epoch e".
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from '../testing/trace-builder.ts';
import { prefixConsistency } from './delivery.ts';

/**
 * s2 leads epoch 2 and logs 2:1 (never committed, never applied), goes LOOKING (its tree is
 * reloaded from disk: it holds 2:1) and leads epoch 3; s3 restarts empty and gets a SNAP labelled
 * (3,0); s1 logged 2:1 too. Then s3 and s1 apply 3:1. With `leaderLacks`, s2's log never had 2:1,
 * but s1 delivered it: s3's snapshot (s2's tree) lacks 2:1, so s1 and s3 disagree on what precedes
 * 3:1 (the old "last delivered before epoch 3" inference took the label for 2:1 and missed it).
 */
function trace(leaderLacks: boolean) {
  const b = new TraceBuilder().boot('s1', 's2', 's3');
  b.establish('s2', 2, ['s1', 's3']);
  b.propose('s2', z(2, 1), ['s1'], 'create');
  if (!leaderLacks) b.ev('s2', 'log.append', { zxid: z(2, 1) });
  b.ev('s1', 'log.append', { zxid: z(2, 1) });
  if (leaderLacks) b.ev('s1', 'apply', { zxid: z(2, 1), type: 'create', digest: 0 });
  // Both reload their trees from disk on going LOOKING.
  b.ev('s2', 'state', { state: 'LOOKING' });
  b.ev('s1', 'state', { state: 'LOOKING' });
  b.host('s3', 'crash', { lost: 0, kept: 0 });
  b.host('s3', 'restart', { log: 0, snapshots: 0, meta: 0 });
  b.ev('s2', 'state', { state: 'LEADING' });
  b.ev('s2', 'epoch.accepted', { epoch: 3 });
  b.ev('s2', 'epoch.current', { epoch: 3 });
  b.ev('s2', 'leader.established', { epoch: 3, zxid: z(3, 0), quorum: [2, 3] });
  b.ev('s3', 'state', { state: 'FOLLOWING' });
  b.ev('s2', 'sync.send', { peer: 3, mode: 'SNAP', from: 0, to: z(3, 0) });
  b.ev('s3', 'sync.snap', { zxid: z(3, 0), digest: 0 });
  b.ev('s3', 'epoch.current', { epoch: 3 });
  b.propose('s2', z(3, 1), ['s1', 's3'], 'create');
  // (The leader's own apply is left out: s3's predecessor must come from the label alone.)
  for (const s of ['s3', 's1']) b.ev(s, 'apply', { zxid: z(3, 1), type: 'create', digest: 0 });
  return b.records;
}

describe('PrefixConsistency and (e,0) labels', () => {
  it("takes a SNAP labelled (3,0) to hold the leader's uncommitted-but-logged txn", () => {
    expect(prefixConsistency(trace(false)).violations).toEqual([]);
  });

  it("catches a follower whose SNAP lacks a txn another server delivered before the epoch", () => {
    const r = prefixConsistency(trace(true));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/delivered 0x300000001 right after/);
  });
});
