/**
 * LeaderLogCompleteness (TLA+ system spec): a leader, when it establishes its epoch, holds every txn
 * committed in earlier epochs. "Committed" = seen in a `commit` or acknowledged to a client before
 * the `leader.established` record (see `committed.ts`); "holds" = in the leader's history as
 * rebuilt from its log events (see `history.ts`). Also checks the zxid the leader announces in
 * `leader.established` against the greatest such committed zxid, which needs no log events.
 *
 * Cost: each leader re-checks only committed zxids above what it was already verified to hold at
 * its previous establishment (unless its history was cut since): linear overall, not
 * establishments x committed.
 */
import { epochOf, makeZxid, zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Committed } from './committed.ts';
import { Histories } from './history.ts';

export function leaderLogCompleteness(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('LeaderLogCompleteness', options);
  const hist = new Histories();
  const committed = new Committed();
  /** Per leader: every committed zxid <= this was verified present in its history. */
  const verified = new Map<string, number>();
  for (const d of decode(records)) {
    hist.feed(d.node, d.e);
    committed.feed(d);
    if (d.e.k !== 'established') continue;
    const epoch = d.e.epoch;
    const limit = makeZxid(epoch, 0);
    const top = committed.maxBelow(limit);
    if (d.e.zxid !== undefined && d.e.zxid < top)
      v.add(d.t, d.node, `leader of epoch ${epoch} announced last zxid ${zxidHex(d.e.zxid)} but ${zxidHex(top)} was committed`, [
        d.i,
        committed.where.get(top)!,
      ]);
    const h = hist.get(d.node);
    const end = committed.firstAtOrAbove(limit);
    const from = Math.max(h.base, Math.min(verified.get(d.node) ?? 0, h.takeCutFloor()));
    let missing = 0;
    let firstMissing = 0;
    for (let j = committed.firstAtOrAbove(from + 1); j < end; j++) {
      const c = committed.sorted[j]!;
      if (!h.has(c)) {
        if (missing === 0) firstMissing = c;
        missing++;
      }
    }
    if (end > 0 && missing === 0) verified.set(d.node, committed.sorted[end - 1]!);
    if (missing > 0)
      v.add(
        d.t,
        d.node,
        `leader of epoch ${epoch} lacks committed ${zxidHex(firstMissing)} (epoch ${epochOf(firstMissing)})` +
          (missing > 1 ? ` and ${missing - 1} more` : ''),
        [d.i, committed.where.get(firstMissing)!],
      );
  }
  return v.result();
}
