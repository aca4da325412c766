/**
 * Tree labels: a tree can be labelled (e, 0) — the new leader's lastProcessedZxid at establishment,
 * and so the zxid of a snapshot it sends — which names no txn: it stands for the leader's tree at
 * that point (ZooKeeper 3.8 Leader.startZkServer relabels the tree it loaded, which holds every txn
 * it had logged, committed or not: loadDataBase / fastForwardDataBase). `real` maps a label to the
 * last txn of the leader's tree when it established or sent a SNAP under that label; a label never
 * seen that way falls back to the last txn any server delivered before epoch e. One rule for every
 * checker that compares what servers delivered (delivery.ts, primary-integrity.ts).
 */
import { counterOf } from '../../protocol/zxid.ts';
import type { Applied } from './applied.ts';
import { lowerBound } from './committed.ts';

export class Labels {
  /** Every delivered zxid, sorted (to resolve an epoch-start zxid to the txn it stands after). */
  private readonly delivered: number[] = [];
  private readonly seen = new Set<number>();
  private readonly stands = new Map<number, number>();

  constructor(private readonly applied: Applied) {}

  /** The txn a zxid or tree label stands for (0: the empty tree). */
  real(z: number): number {
    if (z === 0 || counterOf(z) !== 0) return z;
    const s = this.stands.get(z);
    if (s !== undefined) return s;
    const k = lowerBound(this.delivered, z);
    return k > 0 ? this.delivered[k - 1]! : 0;
  }

  /** `node` (a leader) labels its current tree `z` (at establishment, or a SNAP it sends). */
  label(z: number, node: string): void {
    const l = this.applied.lastOf(node);
    if (z !== 0 && counterOf(z) === 0 && l !== undefined && !this.stands.has(z) && l !== z) this.stands.set(z, this.real(l));
  }

  /** A server delivered (applied) txn `x`. */
  noteDelivered(x: number): void {
    if (this.seen.has(x)) return;
    this.seen.add(x);
    const d = this.delivered;
    if (d.length === 0 || d[d.length - 1]! < x) d.push(x);
    else d.splice(lowerBound(d, x), 0, x);
  }
}
