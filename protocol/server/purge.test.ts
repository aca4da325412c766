/**
 * Autopurge (protocol/server/purge.ts, PurgeTxnLog's rule): what one purge deletes, and ensembles
 * that purge while they run — every checker passes, a restarted server loads from its newest
 * snapshot and what is left of its log, and a learner far behind the purged log gets a SNAP.
 */
import { describe, expect, it } from 'vitest';
import { makeZxid } from '../zxid.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations } from '../../ensemble/testing/violations.ts';
import { ZkDatabase, type LogRecord, type SnapshotFile } from './database.ts';
import { planPurge } from './purge.ts';

const z = (n: number) => makeZxid(1, n);

/** A database whose log has files starting at the given counters (records 1..last) and snapshots at `snaps`. */
function db(fileStarts: number[], last: number, snaps: number[]): ZkDatabase {
  const d = new ZkDatabase(() => ({ applyTxn: () => null, serialize: () => null, digest: () => 0 }), 500);
  const log: LogRecord[] = [];
  for (let i = 1; i <= last; i++) log.push(fileStarts.includes(i) ? { zxid: z(i), txn: null, file: true } : { zxid: z(i), txn: null });
  d.log = log;
  d.snapshots = snaps.map((n): SnapshotFile => ({ zxid: z(n), image: null }));
  return d;
}

describe('planPurge (PurgeTxnLog.purge)', () => {
  it('keeps the newest 3 snapshots and the log file that holds the txns right after the oldest of them', () => {
    // Files start at 1, 6, 11, 16; snapshots at 5, 9, 12, 17: keep 9, 12, 17; the file starting at 6
    // (at or before 9) stays with every later one.
    const d = db([1, 6, 11, 16], 20, [5, 9, 12, 17]);
    expect(planPurge(d, 4, 3, z(20))).toEqual({ clearTruncMark: false, snapshots: 1, log: 5, zxid: z(9) });
  });

  it('a snapshot at a file start keeps that file, not the one before', () => {
    expect(planPurge(db([1, 6, 11], 15, [3, 6, 7, 8]), 4, 3, z(15))).toEqual({ clearTruncMark: false, snapshots: 1, log: 5, zxid: z(6) });
    expect(planPurge(db([1, 6, 11], 15, [3, 4, 6, 7]), 4, 3, z(15))).toEqual({ clearTruncMark: false, snapshots: 1, log: 0, zxid: z(4) });
  });

  it('fewer snapshots than the retain count: the oldest valid one bounds the purge (findNValidSnapshots)', () => {
    expect(planPurge(db([1, 6], 10, [7]), 1, 3, z(10))).toEqual({ clearTruncMark: false, snapshots: 0, log: 5, zxid: z(7) });
    expect(planPurge(db([1], 10, [3, 7]), 2, 3, z(10))).toBeNull(); // nothing older to delete
    expect(planPurge(db([1], 10, []), 0, 3, z(10))).toBeNull();
  });

  it('snapshots still being written do not count; log records not seen durable are not deleted', () => {
    const d = db([1, 6, 11, 16], 20, [5, 9, 12, 17]);
    expect(planPurge(d, 3, 3, z(20))).toBeNull(); // 17 is in flight: 5, 9, 12 are the newest three
    expect(planPurge(d, 4, 3, z(4))).toEqual({ clearTruncMark: false, snapshots: 1, log: 0, zxid: z(9) });
  });

  it('a TRUNC mark: voided snapshots are not valid; the mark is cleared first when they all go, else no snapshot is deleted', () => {
    // Snapshots 5, 9, 12 were taken before a TRUNC to 8 (12 and 9 are void), then 10, 11, 13 after it.
    const d = db([1, 6, 11], 13, [5, 9, 12, 10, 11, 13]);
    d.trunc = { zxid: z(8), snapshots: 3 };
    expect(planPurge(d, 6, 3, z(13))).toEqual({ clearTruncMark: true, snapshots: 0, log: 0, zxid: z(10) });
    d.trunc = { zxid: z(8), snapshots: 0 };
    expect(planPurge(d, 6, 3, z(13))).toEqual({ clearTruncMark: false, snapshots: 3, log: 5, zxid: z(10) });
    // Only two valid snapshots after the TRUNC: the oldest kept (5) precedes voided ones, which stay.
    const e = db([1, 6], 11, [5, 9, 10, 11]);
    e.trunc = { zxid: z(8), snapshots: 2 };
    expect(planPurge(e, 4, 3, z(11))).toBeNull();
  });
});

describe('autopurge in a running ensemble', () => {
  const cfg = { snapCount: 10, autopurgeIntervalMs: 500, commitLogCount: 10 };

  it('purges as it runs: at most 3 snapshots plus one in flight, every checker passes, a restart loads what is left', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 11, cfg, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'p', 80)).toBe(80);
    c.runFor(1_000);
    const purges = c.events('log.purge');
    expect(purges.length).toBeGreaterThan(0);
    for (const id of c.serverIds) {
      const d = c.sim.disk(id).durableState();
      expect(d.snapshots.length, id).toBeLessThanOrEqual(4);
      expect(d.log.length, id).toBeLessThan(80);
    }
    const victim = c.serverIds.find((s) => c.leader()?.id !== s)!;
    const before = c.server(victim).db.sm.digest();
    c.sim.crash(victim);
    c.sim.restart(victim);
    expect(c.runUntil(() => c.server(victim).isServing(), 20_000)).toBe(true);
    expect(c.server(victim).db.sm.digest()).toBe(before);
    expect(createMany(c, 'c1', 'q', 5)).toBe(5);
    expect(converge(c)).toBe(true);
    expect(allViolations(c)).toEqual([]);
  });

  it('a learner far behind the purged log gets a SNAP', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 12, cfg, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const lag = c.serverIds.find((s) => c.leader()?.id !== s && c.server(s).id !== 's1') ?? 's2';
    c.sim.isolate(lag);
    expect(c.runUntil(() => c.server(lag).state === 'LOOKING', 20_000)).toBe(true);
    const behind = c.server(lag).db.lastProcessedZxid;
    expect(createMany(c, 'c1', 'f', 60)).toBe(60);
    c.runFor(1_000);
    const leader = c.leader()!;
    expect(c.events('log.purge').some((e) => e.node === leader.id)).toBe(true);
    expect(leader.db.log[0]!.zxid).toBeGreaterThan(behind); // the log no longer reaches back
    const t = c.sim.now;
    c.sim.heal();
    expect(converge(c)).toBe(true);
    const modes = c.events('sync.send').filter((e) => e.t > t && e.data['peer'] === c.server(lag).sid).map((e) => e.data['mode']);
    expect(modes).toEqual(['SNAP']);
    expect(allViolations(c)).toEqual([]);
  });

  it('off by default: no purge timer, every snapshot kept', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 11, cfg: { snapCount: 10 }, client: { noShuffle: true } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'p', 80)).toBe(80);
    expect(c.events('log.purge')).toEqual([]);
    expect(Math.max(...c.serverIds.map((s) => c.sim.disk(s).durableState().snapshots.length))).toBeGreaterThan(4);
  });
});
