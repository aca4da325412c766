/**
 * CommittedLogDurability: a committed txn is never lost.
 *
 * (a) TLA+ system spec: a log truncation (TRUNC during sync) never removes a committed txn the
 *     server held. "Committed" is judged when the leader decided the TRUNC (its `sync.send`), as
 *     ZooKeeper 3.8 does: LearnerHandler.syncFollower sends TRUNC to maxCommittedLog and then
 *     Leader.startForwarding queues, in the same stream, every outstanding proposal above it. One
 *     of those may get its quorum (from other servers) while the TRUNC is in flight; the follower
 *     then cuts a txn that is committed by now, but the sync hands it back before NEWLEADER. Such
 *     a txn must be in the follower's log again when it takes the new epoch (`epoch.current`),
 *     unless the sync is abandoned (crash, LOOKING): the follower's copy was not in its quorum.
 *     A truncation with no TRUNC from a leader in the trace is judged at the truncation itself.
 * (b) End to end: a server never skips a txn a client was told succeeded — when it delivers y
 *     right after x, no client-acknowledged zxid lies strictly between x and y.
 * (c) Every leader established after the acknowledgement, in a later epoch, holds that txn.
 *
 * Shortcut: (b) sees an acknowledgement only once the client's reply is in the trace; a server
 * that skips the txn before the reply is recorded is caught by (c) or PrefixConsistency instead.
 */
import { epochOf, makeZxid, zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Applied } from './applied.ts';
import { Committed, lowerBound } from './committed.ts';
import { Histories } from './history.ts';

export function committedLogDurability(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('CommittedLogDurability', options);
  const hist = new Histories();
  const committed = new Committed();
  const applied = new Applied(hist);
  /** Per leader: every acknowledged zxid <= this was verified present (see leader-completeness.ts). */
  const verified = new Map<string, number>();
  /** Per follower: record index of the leader's latest TRUNC `sync.send` to it, not yet acted on. */
  const truncSent = new Map<string, number>();
  /** Per follower: committed txns its TRUNC cut that the same sync must hand back (see (a)). */
  const owed = new Map<string, { zxid: number; cut: number; committedAt: number }[]>();
  for (const d of decode(records)) {
    const e = d.e;
    committed.feed(d);
    if (e.k === 'syncSend') {
      if (e.mode === 'TRUNC') truncSent.set(e.peer, d.i);
    } else if (e.k === 'logTruncate') {
      const h = hist.get(d.node);
      const last = h.last;
      const decidedAt = truncSent.get(d.node);
      truncSent.delete(d.node);
      for (let j = committed.firstAtOrAbove(e.zxid + 1); j < committed.sorted.length; j++) {
        const c = committed.sorted[j]!;
        if (c > last) break;
        if (!h.has(c)) continue;
        const at = committed.where.get(c)!;
        if (decidedAt !== undefined && at > decidedAt) {
          // Committed after the leader chose this TRUNC point: the sync forwards it again.
          let list = owed.get(d.node);
          if (list === undefined) owed.set(d.node, (list = []));
          list.push({ zxid: c, cut: d.i, committedAt: at });
          continue;
        }
        v.add(d.t, d.node, `truncated its log to ${zxidHex(e.zxid)}, dropping committed ${zxidHex(c)}`, [d.i, at]);
        break;
      }
    } else if (e.k === 'epochCurrent') {
      const list = owed.get(d.node);
      if (list !== undefined) {
        owed.delete(d.node);
        const h = hist.get(d.node);
        const lost = list.find((o) => !h.has(o.zxid));
        if (lost !== undefined)
          v.add(d.t, d.node, `took epoch ${e.epoch} without committed ${zxidHex(lost.zxid)}, which its TRUNC cut and the sync never handed back`, [
            d.i,
            lost.cut,
            lost.committedAt,
          ]);
      }
    } else if (e.k === 'boot' || e.k === 'crash' || (e.k === 'state' && e.state === 'LOOKING')) {
      // The sync was abandoned: nothing is owed to this incarnation any more.
      owed.delete(d.node);
      truncSent.delete(d.node);
    } else if (e.k === 'apply') {
      const before = applied.lastOf(d.node);
      if (before !== undefined && e.zxid > before) {
        const a = committed.ackedBetween(before, e.zxid);
        if (a !== undefined)
          v.add(d.t, d.node, `delivered ${zxidHex(e.zxid)} right after ${zxidHex(before)}, skipping client-acknowledged ${zxidHex(a)}`, [
            d.i,
            committed.where.get(a)!,
          ]);
      }
    } else if (e.k === 'established') {
      const h = hist.get(d.node);
      const acked = committed.acked;
      const end = lowerBound(acked, makeZxid(e.epoch, 0));
      const from = Math.max(h.base, Math.min(verified.get(d.node) ?? 0, h.takeCutFloor()));
      let ok = true;
      for (let j = lowerBound(acked, from + 1); j < end; j++) {
        const a = acked[j]!;
        if (!h.has(a)) {
          ok = false;
          v.add(d.t, d.node, `leader of epoch ${e.epoch} lacks client-acknowledged ${zxidHex(a)} (epoch ${epochOf(a)})`, [
            d.i,
            committed.where.get(a)!,
          ]);
          break;
        }
      }
      if (ok && end > 0) verified.set(d.node, acked[end - 1]!);
    }
    hist.feed(d.node, e);
    applied.feed(d.node, e);
  }
  return v.result();
}
