/**
 * What each server has applied to its data tree: the last applied zxid, or `undefined` when it is
 * unknown (just after a crash or restart, until the server loads a snapshot or applies again).
 *
 * A server rebuilds its tree from disk — newest snapshot, then every logged txn, committed or not
 * (ZooKeeper's loadDataBase) — without `apply` records. So:
 * - first boot: 0 (empty tree);
 * - restart, and going LOOKING (the ZOOKEEPER-2845 fix reloads the tree from disk): the last entry
 *   of the server's history as `history.ts` rebuilds it (feed the history first);
 * - `log.truncate {zxid}`: ZooKeeper's follower reloads its database after TRUNC
 *   (ZKDatabase.truncateLog), so the tree ends exactly at the truncation point;
 * - `snapshot.load` / `sync.snap {zxid}`: the tree is the snapshot.
 * - `db.load {zxid}`: the server says what its reload from disk gave, which wins over the rebuilt
 *   history (a SNAP received during sync is in memory only until the snapshot at NEWLEADER: a role
 *   left before it reloads an older tree, as 3.8 does, and delivers the txns again);
 * - `crash`: unknown until the restart.
 */
import type { ZEvent } from '../../trace/view.ts';
import type { Histories } from './history.ts';

export class Applied {
  private readonly last = new Map<string, number | undefined>();
  private readonly max = new Map<string, number>();
  /** Nodes whose tree was set by a `db.load` not followed yet by an apply or a crash. */
  private readonly loaded = new Set<string>();

  constructor(private readonly hist: Histories) {}

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
        this.loaded.delete(node);
        this.last.set(node, e.restart ? this.hist.get(node).last : 0);
        return;
      case 'dbLoad':
        this.loaded.add(node);
        this.last.set(node, e.zxid);
        return;
      case 'state':
        if (e.state === 'LOOKING' && !this.loaded.has(node)) this.last.set(node, this.hist.get(node).last);
        return;
      case 'crash':
        this.loaded.delete(node);
        this.last.set(node, undefined);
        return;
      case 'snapshotLoad':
        this.loaded.delete(node);
        this.last.set(node, e.zxid);
        return;
      case 'logTruncate':
        this.loaded.delete(node);
        this.last.set(node, e.zxid);
        return;
      case 'apply':
        this.applied(node, e.zxid);
        return;
      default:
        return;
    }
  }

  applied(node: string, zxid: number): void {
    this.loaded.delete(node);
    this.last.set(node, zxid);
    if (zxid > (this.max.get(node) ?? 0)) this.max.set(node, zxid);
  }
}
