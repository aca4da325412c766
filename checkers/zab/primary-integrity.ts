/**
 * PrimaryIntegrity (TLA+): if primary p broadcasts a and a follower of p has delivered b from an
 * older epoch, then p held b before broadcasting a. Checked at p's first proposal of each epoch,
 * against every server whose currentEpoch is that epoch (its followers) and the last txn each of
 * them delivered.
 *
 * A follower whose tree is labelled (e, 0) (a SNAP from a new leader) delivered the txn the label
 * stands for (`labels.ts`), not a txn named (e, 0).
 *
 * Shortcut: "p delivered b" is checked as "b is in p's history": a leader loads its whole log into
 * its tree when it starts leading, and the trace need not show that load as `apply` records.
 */
import { epochOf, makeZxid, zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Applied } from './applied.ts';
import { Histories } from './history.ts';
import { Labels } from './labels.ts';

export function primaryIntegrity(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('PrimaryIntegrity', options);
  const hist = new Histories();
  const applied = new Applied(hist);
  const labels = new Labels(applied);
  /** currentEpoch per server (durable: survives crashes). */
  const current = new Map<string, number>();
  const lastApplyIdx = new Map<string, number>();
  const checked = new Set<string>();
  for (const d of decode(records)) {
    const e = d.e;
    hist.feed(d.node, e);
    if (e.k === 'established') labels.label(makeZxid(e.epoch, 0), d.node);
    else if (e.k === 'syncSend' && e.mode === 'SNAP' && e.to !== undefined) labels.label(e.to, d.node);
    applied.feed(d.node, e);
    if (e.k === 'apply') {
      lastApplyIdx.set(d.node, d.i);
      labels.noteDelivered(e.zxid);
    }
    if (e.k === 'epochCurrent') current.set(d.node, e.epoch);
    if (e.k !== 'propose') continue;
    const epoch = epochOf(e.zxid);
    const key = d.node + '@' + epoch;
    if (checked.has(key)) continue;
    checked.add(key);
    const h = hist.get(d.node);
    for (const [f, ce] of current) {
      if (f === d.node || ce !== epoch) continue;
      // A tree label (e, 0) names no txn: the follower holds the txn it stands for (labels.ts).
      const l = applied.lastOf(f);
      const b = l === undefined ? undefined : labels.real(l);
      if (b === undefined || b === 0 || epochOf(b) >= epoch) continue;
      if (!h.has(b))
        v.add(d.t, d.node, `primary of epoch ${epoch} broadcast ${zxidHex(e.zxid)} without ${zxidHex(b)}, delivered by its follower ${f}`, [
          d.i,
          lastApplyIdx.get(f) ?? d.i,
        ]);
    }
  }
  return v.result();
}
