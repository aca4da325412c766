/**
 * Which container and TTL nodes the leader's ContainerManager would ask to delete at `now`
 * (ContainerManager.getCandidates). Pure: the caller preps a deleteContainer for each, each its own
 * txn (which may still fail, e.g. NotEmpty, and then consumes a zxid as an error txn).
 *
 * - container: no children and (stored cversion > 0, i.e. it ever had a child, or
 *   maxNeverUsedIntervalMs != 0 and now - mtime > maxNeverUsedIntervalMs);
 * - TTL: no children and now - mtime > ttl.
 * Candidates are read from the tree as it is at `now`, so nested empty containers go one level per
 * pass. ZooKeeper spaces the deletes by 60000 / maxPerMinute ms; we issue them at once (shortcut).
 */
import type { DataTree } from './tree.ts';
import { NodeKind } from './znode.ts';

export interface ExpiryConfig {
  /** znode.container.maxNeverUsedIntervalMs (default 0 = never-used containers stay). */
  readonly maxNeverUsedIntervalMs: number;
}

/** Paths to delete, sorted (ZooKeeper iterates a HashSet; any fixed order will do). */
export function findExpired(tree: DataTree, now: number, config: ExpiryConfig): string[] {
  const out: string[] = [];
  for (const path of tree.containers()) {
    const n = tree.getNode(path);
    if (n === undefined || n.numChildren !== 0) continue;
    if (n.cversion > 0) out.push(path);
    else if (config.maxNeverUsedIntervalMs !== 0 && now - n.mtime > config.maxNeverUsedIntervalMs) out.push(path);
  }
  for (const path of tree.ttlNodes()) {
    const n = tree.getNode(path);
    if (n === undefined || n.numChildren !== 0 || n.kind !== NodeKind.TTL) continue;
    if (n.ttl !== 0 && now - n.mtime > n.ttl) out.push(path);
  }
  return out.sort();
}
