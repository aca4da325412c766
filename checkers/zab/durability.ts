/**
 * CommittedLogDurability: a committed txn is never lost.
 *
 * (a) TLA+ system spec: a log truncation (TRUNC during sync) never removes a committed txn the
 *     server held.
 * (b) End to end: a server never skips a txn a client was told succeeded — when it delivers y
 *     right after x, no client-acknowledged zxid lies strictly between x and y.
 * (c) Every leader established after the acknowledgement, in a later epoch, holds that txn.
 *
 * Shortcut: (b) sees an acknowledgement only once the client's reply is in the trace; a server
 * that skips the txn before the reply is recorded is caught by (c) or PrefixConsistency instead.
 */
import { epochOf, makeZxid, zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../events.ts';
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
  for (const d of decode(records)) {
    const e = d.e;
    committed.feed(d);
    if (e.k === 'logTruncate') {
      const h = hist.get(d.node);
      const last = h.last;
      for (let j = committed.firstAtOrAbove(e.zxid + 1); j < committed.sorted.length; j++) {
        const c = committed.sorted[j]!;
        if (c > last) break;
        if (h.has(c)) {
          v.add(d.t, d.node, `truncated its log to ${zxidHex(e.zxid)}, dropping committed ${zxidHex(c)}`, [d.i, committed.where.get(c)!]);
          break;
        }
      }
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
