/**
 * ProcessConsistency (TLA+ system spec): once a follower has taken NEWLEADER (it sets its
 * currentEpoch to the leader's epoch: `epoch.current`), its log is a prefix of its leader's log —
 * no entry the leader lacks, no hole, not longer. The follower's leader is the server whose
 * `sync.send` to it came last since its last `state` change.
 *
 * Cost: O(log n) per sync (see `divergence`).
 */
import { zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../events.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Histories, type NodeHistory } from './history.ts';

/**
 * Is f's log (above both snapshot bases) a prefix of l's? In O(log n) when both are sorted: f's
 * last entry must be in l, and l must hold exactly as many entries as f up to it — then an entry
 * l lacks, or a hole, shows up as a count mismatch. Only then is the log walked, to name the
 * first difference.
 */
function divergence(f: NodeHistory, l: NodeHistory): string | undefined {
  const b = Math.max(f.base, l.base);
  const fi = f.sorted ? f.firstAbove(b) : 0;
  const fLast = f.entries.length > 0 ? f.entries[f.entries.length - 1]! : 0;
  if (fLast <= b) return undefined;
  if (f.sorted && l.sorted) {
    const fCount = f.entries.length - fi;
    const li = l.firstAbove(b);
    const lCount = l.firstAbove(fLast) - li;
    if (fCount === lCount && l.indexOf(fLast) >= 0) return undefined;
  }
  // Name the first difference.
  let j = l.sorted ? l.firstAbove(b) : 0;
  for (let k = fi; k < f.entries.length; k++) {
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
  for (const d of decode(records)) {
    const e = d.e;
    hist.feed(d.node, e);
    if (e.k === 'syncSend') {
      leaderOf.set(e.peer, { node: d.node, i: d.i });
      continue;
    }
    if (e.k === 'boot' || e.k === 'crash' || e.k === 'state') {
      // A new role: the leader it synced with before is history (and a leader has none).
      leaderOf.delete(d.node);
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
    if (fLast > l.last) {
      v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} its log ends at ${zxidHex(fLast)}, beyond leader ${lead.node}'s ${zxidHex(l.last)}`, w);
      continue;
    }
    const bad = divergence(f, l);
    if (bad !== undefined) v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} ${bad} (leader ${lead.node})`, w);
  }
  return v.result();
}
