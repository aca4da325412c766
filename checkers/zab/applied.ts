/**
 * What each server has applied to its data tree: the last applied zxid, or `undefined` when it is
 * unknown (just after a crash or restart, until the server loads a snapshot or applies again).
 *
 * - first boot: 0 (empty tree);
 * - `snapshot.load {zxid}`: the tree is the snapshot, so the last applied is its zxid;
 * - `log.truncate {zxid}` below the last applied: ZooKeeper's follower reloads its database from
 *   disk after TRUNC (ZKDatabase.truncateLog), so the tree ends exactly at the truncation point.
 */
import type { ZEvent } from '../events.ts';

export class Applied {
  private readonly last = new Map<string, number | undefined>();
  private readonly max = new Map<string, number>();

  /** The last applied zxid of `node`, or undefined when unknown. */
  lastOf(node: string): number | undefined {
    return this.last.get(node);
  }

  /** The greatest zxid `node` ever applied (in any incarnation). */
  maxOf(node: string): number {
    return this.max.get(node) ?? 0;
  }

  /** Feeds one event; for `apply` call `applied` instead (the checks need the previous value). */
  feed(node: string, e: ZEvent): void {
    switch (e.k) {
      case 'boot':
        this.last.set(node, e.restart ? undefined : 0);
        return;
      case 'crash':
        this.last.set(node, undefined);
        return;
      case 'snapshotLoad':
        this.last.set(node, e.zxid);
        return;
      case 'logTruncate': {
        const l = this.last.get(node);
        if (l !== undefined && l > e.zxid) this.last.set(node, e.zxid);
        return;
      }
      case 'apply':
        this.applied(node, e.zxid);
        return;
      default:
        return;
    }
  }

  applied(node: string, zxid: number): void {
    this.last.set(node, zxid);
    if (zxid > (this.max.get(node) ?? 0)) this.max.set(node, zxid);
  }
}
