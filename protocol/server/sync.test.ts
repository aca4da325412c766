import { describe, expect, it } from 'vitest';
import { counterOf } from '../zxid.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany, restartOldLeaderWithUncommittedTxn } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';

function syncModes(c: Ensemble, peer: number, after: number): string[] {
  return c.events('sync.send').filter((e) => e.t > after && e.data['peer'] === peer).map((e) => String(e.data['mode']));
}

/** Committed logs must be prefixes of one another: compare each server's log over the zxids it holds. */
function logsAgree(c: Ensemble): boolean {
  const logs = c.serverIds.map((s) => c.server(s).db.log.map((e) => e.zxid));
  for (const a of logs) {
    for (const b of logs) {
      const common = a.filter((z) => b.includes(z));
      const inA = a.filter((z) => z >= Math.min(...common) && z <= Math.max(...common));
      if (common.length > 0 && inA.length !== common.length) return false;
    }
  }
  return true;
}

describe('synchronization', () => {
  it('a lagging follower is brought up by DIFF', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 5, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c); // c1 on s1
    const lag = 's2';
    c.sim.isolate(lag);
    expect(c.runUntil(() => c.server(lag).state === 'LOOKING', 20_000)).toBe(true);
    const before = c.server(lag).db.lastProcessedZxid;
    expect(createMany(c, 'c1', 'd', 20)).toBe(20);
    const t = c.sim.now;
    c.sim.heal();
    expect(converge(c)).toBe(true);
    expect(syncModes(c, 2, t)).toEqual(['DIFF']);
    const diff = c.events('sync.send').find((e) => e.t > t && e.data['peer'] === 2)!;
    expect(diff.data['from']).toBe(before);
    expect(counterOf(diff.data['to'] as number)).toBeGreaterThanOrEqual(20);
    expect(logsAgree(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  /** s2 falls `n` txns behind a leader whose committed-log window is 10 txns. */
  function farBehind(seed: number, n: number, cfg: Record<string, number> = {}): { c: Ensemble; t: number; behind: number } {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed, cfg: { commitLogCount: 10, ...cfg }, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    c.sim.isolate('s2');
    expect(c.runUntil(() => c.server('s2').state === 'LOOKING', 20_000)).toBe(true);
    const behind = c.server('s2').db.lastProcessedZxid;
    expect(createMany(c, 'c1', 's', n)).toBe(n);
    const t = c.sim.now;
    c.sim.heal();
    expect(converge(c)).toBe(true);
    return { c, t, behind };
  }

  it('a follower older than the window DIFFs from the leader\'s on-disk log when one log file reaches back to it', () => {
    const { c, t, behind } = farBehind(6, 25);
    const leader = c.leader()!;
    expect(leader.db.window()[0]!.zxid).toBeGreaterThan(behind); // older than the window
    expect(leader.db.logFileStarts()).toEqual([0]); // one (preallocated) log file since start
    expect(syncModes(c, 2, t)).toEqual(['DIFF']);
    const sync = c.events('sync.send').find((e) => e.t > t && e.data['peer'] === 2)!;
    expect(sync.data['from']).toBe(behind);
    expect(sync.data['to']).toBe(leader.db.lastProcessedZxid);
    expect(logsAgree(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it('a log rollover (snapCount) between the follower and the head of the log makes it SNAP', () => {
    // snapCount 10: the log rolls after 5 + randRoll (0..4) txns, so 25 writes cross a rollover.
    const { c, t } = farBehind(6, 25, { snapCount: 10 });
    expect(c.leader()!.db.logFileStarts().length).toBeGreaterThan(1);
    expect(syncModes(c, 2, t)).toEqual(['SNAP']);
    expect(allViolations(c)).toEqual([]);
  });

  it('txnLogSyncEnabled off (snapshotSizeFactor < 0): a follower older than the window gets SNAP', () => {
    const { c, t } = farBehind(6, 25, { snapshotSizeFactor: -1 });
    expect(syncModes(c, 2, t)).toEqual(['SNAP']);
    expect(allViolations(c)).toEqual([]);
  });

  it('a restarted old leader with an uncommitted txn is cut back by TRUNC', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 7 });
    const old = restartOldLeaderWithUncommittedTxn(c);
    expect(converge(c)).toBe(true);
    expect(syncModes(c, old.sid, old.restartedAfter)).toEqual(['TRUNC']);
    expect(c.events('log.truncate').some((e) => e.node === old.id)).toBe(true);
    expect(logsAgree(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });
});
