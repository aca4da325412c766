import { describe, expect, it } from 'vitest';
import { makeZxid } from '../zxid.ts';
import type { TxnEntry } from './messages.ts';
import { planSync } from './syncPlan.ts';

const z = makeZxid;
const log = (...zxids: number[]): TxnEntry[] => zxids.map((zxid) => ({ zxid, txn: { zxid } }));

describe('planSync (LearnerHandler.syncFollower)', () => {
  const window = log(z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2));
  const last = z(2, 2);

  it('a peer at my last zxid gets an empty DIFF', () => {
    expect(planSync(last, window, last, false)).toEqual({ mode: 'DIFF', zxid: last, entries: [], upTo: last });
  });

  it('a peer inside the window gets DIFF plus the txns after its zxid', () => {
    const p = planSync(z(1, 2), window, last, false);
    expect(p.mode).toBe('DIFF');
    expect(p.zxid).toBe(last);
    expect(p.entries.map((e) => e.zxid)).toEqual([z(1, 3), z(2, 1), z(2, 2)]);
    expect(p.upTo).toBe(last);
  });

  it('a peer ahead of my committed log in a non-new epoch is truncated to it', () => {
    expect(planSync(z(2, 5), window, last, false)).toEqual({ mode: 'TRUNC', zxid: last, entries: [], upTo: last });
  });

  it('a peer with a txn I never had, in the same epoch, gets TRUNC to the previous txn then DIFF', () => {
    const w = log(z(1, 1), z(1, 2), z(1, 4), z(1, 5));
    const p = planSync(z(1, 3), w, z(1, 5), false);
    expect(p.mode).toBe('TRUNC');
    expect(p.zxid).toBe(z(1, 2));
    expect(p.entries.map((e) => e.zxid)).toEqual([z(1, 4), z(1, 5)]);
  });

  it('a peer with a txn of an epoch that never committed it gets SNAP', () => {
    const p = planSync(z(1, 9), window, last, false);
    expect(p.mode).toBe('SNAP');
    expect(p.zxid).toBe(last);
  });

  it('a peer older than the window gets SNAP', () => {
    expect(planSync(z(1, 0), log(z(1, 5), z(1, 6)), z(1, 6), false).mode).toBe('SNAP');
  });

  it('a peer at the start of a new epoch inside the window gets DIFF', () => {
    const p = planSync(z(2, 0), window, last, false);
    expect(p.mode).toBe('DIFF');
    expect(p.entries.map((e) => e.zxid)).toEqual([z(2, 1), z(2, 2)]);
  });

  it('an empty window compares against lastProcessedZxid', () => {
    expect(planSync(0, [], z(1, 0), false).mode).toBe('SNAP');
    expect(planSync(z(1, 0), [], z(1, 0), false).mode).toBe('DIFF');
  });

  it('forceSnapSync always sends SNAP', () => {
    expect(planSync(last, window, last, true).mode).toBe('SNAP');
  });

  it('the ZOOKEEPER-1154 flag answers DIFF where TRUNC is due', () => {
    expect(planSync(z(2, 5), window, last, false, { diffInsteadOfTrunc: true }).mode).toBe('DIFF');
  });

  describe('from the on-disk txn log (peer older than the window)', () => {
    const w = log(z(2, 5), z(2, 6));
    const disk = log(z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2), z(2, 3), z(2, 4), z(2, 5), z(2, 6));
    const reader = (txns: TxnEntry[] | null) => () => txns;

    it('DIFFs the log up to the window, then the window', () => {
      const p = planSync(z(1, 2), w, z(2, 6), false, {}, reader(disk));
      expect(p.mode).toBe('DIFF');
      expect(p.zxid).toBe(z(2, 6));
      expect(p.entries.map((e) => e.zxid)).toEqual([z(1, 3), z(2, 1), z(2, 2), z(2, 3), z(2, 4), z(2, 5), z(2, 6)]);
      expect(p.upTo).toBe(z(2, 6));
      expect(p.fromTxnLog).toBe(true);
    });

    it('SNAPs when the log reader returns nothing (does not reach back, or a newer file is over the size limit)', () => {
      expect(planSync(z(1, 2), w, z(2, 6), false, {}, reader(null)).mode).toBe('SNAP');
      expect(planSync(z(1, 2), w, z(2, 6), false, {}, reader([])).mode).toBe('SNAP');
    });

    it('SNAPs on a gap between the end of the log and the start of the window', () => {
      const p = planSync(z(1, 2), w, z(2, 6), false, {}, reader(log(z(1, 1), z(1, 2), z(1, 3))));
      expect(p.mode).toBe('SNAP');
    });

    it('TRUNCs (then DIFFs) a peer holding a txn the log does not, in the same epoch', () => {
      const d = log(z(1, 1), z(1, 2), z(1, 4), z(2, 1), z(2, 2), z(2, 3), z(2, 4), z(2, 5), z(2, 6));
      const p = planSync(z(1, 3), w, z(2, 6), false, {}, reader(d));
      expect(p.mode).toBe('TRUNC');
      expect(p.zxid).toBe(z(1, 2));
      expect(p.entries[0]!.zxid).toBe(z(1, 4));
    });

    it('SNAPs a peer whose txn would need a TRUNC across an epoch', () => {
      const d = log(z(1, 1), z(1, 2), z(2, 1), z(2, 2), z(2, 3), z(2, 4), z(2, 5), z(2, 6));
      expect(planSync(z(1, 7), w, z(2, 6), false, {}, reader(d)).mode).toBe('SNAP');
    });

    it('without a reader (txnLogSyncEnabled off) SNAPs', () => {
      expect(planSync(z(1, 2), w, z(2, 6), false).mode).toBe('SNAP');
    });
  });
});
