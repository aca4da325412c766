/**
 * ProcessConsistency (TLA+ system spec): once a follower has taken NEWLEADER (it sets its
 * currentEpoch to the leader's epoch: `epoch.current`), its log is a prefix of its leader's log —
 * no entry the leader lacks, no hole, not longer. The follower's leader is the server whose
 * `sync.send` to it came last since its last `state` change.
 *
 * Cost: per sync, the follower's log entries above the leader's snapshot base (binary searches).
 */
import { zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../events.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Histories } from './history.ts';

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
    let prevPos = -2;
    for (let j = f.sorted ? f.firstAbove(l.base) : 0; j < f.entries.length; j++) {
      const x = f.entries[j]!;
      if (x <= l.base) continue;
      const pos = l.indexOf(x);
      if (pos < 0) {
        v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} it holds ${zxidHex(x)}, which leader ${lead.node} does not`, w);
        break;
      }
      if (prevPos >= -1 && pos !== prevPos + 1) {
        v.add(d.t, d.node, `after NEWLEADER of epoch ${e.epoch} its log skips ${zxidHex(l.entries[prevPos + 1]!)} of leader ${lead.node}'s log`, w);
        break;
      }
      prevPos = pos;
    }
  }
  return v.result();
}
