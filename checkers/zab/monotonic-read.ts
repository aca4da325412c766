/**
 * MonotonicRead (the TLA+ system spec's CommittedLogMonotonicity): the committed log the leader
 * exposes only grows.
 * - A leader commits in strictly increasing zxid order during one leadership.
 * - A leader commits only txns it proposed in this leadership or holds in its history. (Not "only
 *   txns it has logged": ZooKeeper's leader logs its own proposal asynchronously, and a quorum of
 *   follower acks may commit it first.)
 * - A txn committed after a leader of a later epoch established is held by that leader (else the
 *   committed log seen through the new leader would have shrunk).
 */
import { epochOf, zxidHex } from '../../protocol/zxid.ts';
import { decode } from '../../trace/view.ts';
import { Verdict } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Histories } from './history.ts';

export function monotonicRead(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('MonotonicRead', options);
  const hist = new Histories();
  const lastCommit = new Map<string, { zxid: number; i: number }>();
  /** Per leader: the last zxid it proposed (proposals are consecutive within its epoch). */
  const lastProposed = new Map<string, number>();
  let newest: { node: string; epoch: number; i: number } | undefined;
  for (const d of decode(records)) {
    const e = d.e;
    hist.feed(d.node, e);
    switch (e.k) {
      case 'boot':
      case 'crash':
        lastCommit.delete(d.node);
        lastProposed.delete(d.node);
        break;
      case 'state':
        if (e.state !== 'LEADING') {
          lastCommit.delete(d.node);
          lastProposed.delete(d.node);
        }
        break;
      case 'propose':
        lastProposed.set(d.node, e.zxid);
        break;
      case 'established':
        lastCommit.delete(d.node);
        if (newest === undefined || e.epoch > newest.epoch) newest = { node: d.node, epoch: e.epoch, i: d.i };
        break;
      case 'commit': {
        const prev = lastCommit.get(d.node);
        if (prev !== undefined && e.zxid <= prev.zxid)
          v.add(d.t, d.node, `committed ${zxidHex(e.zxid)} after ${zxidHex(prev.zxid)}`, [d.i, prev.i]);
        lastCommit.set(d.node, { zxid: e.zxid, i: d.i });
        const p = lastProposed.get(d.node);
        const proposedIt = p !== undefined && e.zxid <= p && epochOf(e.zxid) === epochOf(p);
        if (!proposedIt && !hist.get(d.node).has(e.zxid))
          v.add(d.t, d.node, `committed ${zxidHex(e.zxid)}, which it neither proposed nor holds`, [d.i]);
        if (newest !== undefined && newest.node !== d.node && newest.epoch > epochOf(e.zxid) && !hist.get(newest.node).has(e.zxid))
          v.add(d.t, d.node, `committed ${zxidHex(e.zxid)} after ${newest.node} established epoch ${newest.epoch} without it`, [d.i, newest.i]);
        break;
      }
      default:
        break;
    }
  }
  return v.result();
}
