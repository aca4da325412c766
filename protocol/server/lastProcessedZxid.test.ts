/**
 * One last processed zxid per server, as in ZooKeeper 3.8 (it lives in the DataTree; ZKDatabase
 * only delegates). Read replies carry the tree's value and sync replies the database's: when a new
 * leader set only the database's to (epoch, 0) (Leader.startZkServer), a client could sync and see
 * (2,0), then read on the same leader and see (1,n) — a SessionMonotonicRead failure with no bug
 * planted (explore --runs 1 --seed 429354, harness/findings/sessionmonotonicread-new-epoch-zxid).
 */
import { describe, expect, it } from 'vitest';
import { makeZxid } from '../zxid.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import type { TreeState } from './dataBackend.ts';
import { connectAll, createMany } from '../../ensemble/testing/workload.ts';

describe('last processed zxid', () => {
  it('a new leader answers reads and syncs with the same (epoch, 0); every server keeps one value', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 31 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'a', 3)).toBe(3);
    const old = c.leader()!;
    c.sim.crash(old.id);
    expect(c.runUntil(() => c.settled() && c.leader() !== null && c.leader()!.id !== old.id, 60_000)).toBe(true);
    const l = c.leader()!;
    const treeZxid = (p: typeof l): number => (p.db.sm as TreeState).tree.lastZxid;
    expect(l.db.lastProcessedZxid).toBe(makeZxid(l.leader!.epoch, 0));
    expect(treeZxid(l)).toBe(l.db.lastProcessedZxid);
    for (const s of c.serverIds.filter((s: string) => c.sim.isUp(s))) expect(treeZxid(c.server(s))).toBe(c.server(s).db.lastProcessedZxid);
  });
});
