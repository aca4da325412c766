/**
 * Leadership (TLA+ Zab: Leadership1/Leadership2): at most one server establishes leadership of a
 * given epoch. "Established" is the `leader.established` event (the leader got its quorum of
 * NEWLEADER acks), the point where the spec puts the server into `epochLeader[epoch]`.
 */
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';

export function leadership(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('Leadership', options);
  const first = new Map<number, { node: string; i: number }>();
  for (const d of decode(records)) {
    if (d.e.k !== 'established') continue;
    const prev = first.get(d.e.epoch);
    if (prev === undefined) first.set(d.e.epoch, { node: d.node, i: d.i });
    else if (prev.node !== d.node)
      v.add(d.t, d.node, `two leaders established in epoch ${d.e.epoch}: ${prev.node} and ${d.node}`, [d.i, prev.i]);
  }
  return v.result();
}
