/**
 * ProcessConsistency (TLA+ system spec): once a follower has taken NEWLEADER (it sets its
 * currentEpoch to the leader's epoch: `epoch.current`), its log is a prefix of its leader's log —
 * no entry the leader lacks, no hole, not longer. The follower's leader is the server whose
 * `sync.send` to it came last since its last `state` change.
 *
 * The leader's log, as in the TLA+ spec's `history`, includes what it has proposed: the spec
 * appends a txn to the leader's history when it proposes it. ZooKeeper 3.8's leader logs
 * asynchronously (its SyncRequestProcessor appends and fsyncs behind the PROPOSAL sends), and
 * Leader.startForwarding hands a syncing follower the outstanding proposals, which the follower
 * logs at NEWLEADER — possibly before the leader's own slow disk has appended them. So the
 * follower's entries beyond the leader's logged end must be exactly the leader's next proposals
 * of this leadership, in order.
 *
 * Cost: O(log n) per sync (see `divergence`).
 */
import { zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Histories, type NodeHistory } from './history.ts';

/**
 * Is f's log (above both snapshot bases) a prefix of l's? In O(log n) when both are sorted: f's
 * last entry must be in l, and l must hold exactly as many entries as f up to it — then an entry
 * l lacks, or a hole, shows up as a count mismatch. Only then is the log walked, to name the
 * first difference.
 */
function divergence(f: NodeHistory, l: NodeHistory, fEnd = f.entries.length): string | undefined {
  const b = Math.max(f.base, l.base);
  const fi = f.sorted ? f.firstAbove(b) : 0;
  const fLast = fEnd > 0 ? f.entries[fEnd - 1]! : 0;
  if (fLast <= b) return undefined;
  if (f.sorted && l.sorted) {
    const fCount = fEnd - fi;
    const li = l.firstAbove(b);
    const lCount = l.firstAbove(fLast) - li;
    if (fCount === lCount && l.indexOf(fLast) >= 0) return undefined;
  }
  // Name the first difference.
  let j = l.sorted ? l.firstAbove(b) : 0;
  for (let k = fi; k < fEnd; k++) {
    const x = f.entries[k]!;
    if (x <= b) continue;
    if (l.indexOf(x) < 0) return `it holds ${zxidHex(x)}, which its leader does not`;
    const y = l.entries[j];
    if (y !== undefined && y < x) return `its log skips ${zxidHex(y)} of its leader's log`;
    j = l.indexOf(x) + 1;
  }
  return undefined;
}

export function processConsistency(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('ProcessConsistency', options);
  const hist = new Histories();
  const leaderOf = new Map<string, { node: string; i: number }>();
  /** Per server: the zxids it proposed in its current leadership (in order), from `head` on. */
  const proposed = new Map<string, { zxids: number[]; head: number }>();
  for (const d of decode(records)) {
    const e = d.e;
    hist.feed(d.node, e);
    if (e.k === 'syncSend') {
      leaderOf.set(e.peer, { node: d.node, i: d.i });
      continue;
    }
    if (e.k === 'propose') {
      let p = proposed.get(d.node);
      if (p === undefined) proposed.set(d.node, (p = { zxids: [], head: 0 }));
      p.zxids.push(e.zxid);
      continue;
    }
    if (e.k === 'boot' || e.k === 'crash' || e.k === 'state') {
      // A new role: the leader it synced with before is history (and a leader has none).
      leaderOf.delete(d.node);
      proposed.delete(d.node);
      continue;
    }
    if (e.k !== 'epochCurrent') continue;
    const lead = leaderOf.get(d.node);
    if (lead === undefined || lead.node === d.node) continue;
    const f = hist.get(d.node);
    const l = hist.get(lead.node);
    const w = [d.i, lead.i];
    // Compare logged entries: a snapshot base may be an epoch-start label (e, 0), not a txn.
    const fLast = f.entries.length > 0 ? f.entries[f.entries.length - 1]! : 0;
    let fEnd = f.entries.length;
    if (fLast > l.last) {
      const beyond = beyondLog(f, l.last, proposed.get(lead.node));
      if (beyond.bad !== undefined) {
        v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} its log ends at ${zxidHex(fLast)}, beyond leader ${lead.node}'s ${zxidHex(l.last)}: ${beyond.bad}`, w);
        continue;
      }
      fEnd = beyond.end;
      // Its entries beyond the leader's log follow on from ALL of it: nothing of it skipped.
      const below = fEnd > 0 ? f.entries[fEnd - 1]! : f.base;
      if (below < l.last && l.last > f.base) {
        const skipped = l.sorted ? l.entries[l.firstAbove(below)] : l.entries.find((x) => x > below);
        v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} its log skips ${zxidHex(skipped ?? l.last)} of its leader's log (leader ${lead.node})`, w);
        continue;
      }
    }
    const bad = divergence(f, l, fEnd);
    if (bad !== undefined) v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} ${bad} (leader ${lead.node})`, w);
  }
  return v.result();
}

/**
 * f's entries above the leader's logged end `lLast` must be the leader's next proposals (made in
 * its current leadership and not yet logged by it), in order, none skipped. Returns where those
 * entries start in f (the rest of f is compared with the leader's log), or what is wrong.
 */
function beyondLog(f: NodeHistory, lLast: number, p: { zxids: number[]; head: number } | undefined): { end: number; bad?: string } {
  if (!f.sorted) return { end: f.entries.length, bad: 'its log is out of order' };
  const end = f.firstAbove(lLast);
  if (p === undefined) return { end, bad: `${zxidHex(f.entries[end]!)} was never proposed by it` };
  // Proposals at or below the leader's logged end are in its log now: skip them for good.
  while (p.head < p.zxids.length && p.zxids[p.head]! <= lLast) p.head++;
  for (let k = end, j = p.head; k < f.entries.length; k++, j++) {
    const x = f.entries[k]!;
    const want = p.zxids[j];
    if (want === undefined || x > want) return { end, bad: want === undefined ? `${zxidHex(x)} was never proposed by it` : `it skips proposal ${zxidHex(want)}` };
    if (x < want) return { end, bad: `${zxidHex(x)} was never proposed by it` };
  }
  return { end };
}
