/**
 * The client's record of its registered watches (ZKWatchManager), kept so that they can be
 * re-registered with SetWatches after a reconnect. One-shot watches are dropped when their event
 * arrives; persistent ones stay until removed.
 */
import type { Request } from '../request/types.ts';
import { Err } from '../request/errors.ts';
import type { SetWatchesRequest } from './wire.ts';

export class WatchTable {
  readonly data = new Set<string>();
  readonly exist = new Set<string>();
  readonly child = new Set<string>();
  readonly persistent = new Set<string>();
  readonly recursive = new Set<string>();

  /** Register the watch a successful (or NoNode exists) read asked for. */
  onReply(req: Request, rc: number): void {
    switch (req.op) {
      case 'getData':
        if (req.watch && rc === Err.OK) this.data.add(req.path);
        return;
      case 'exists':
        if (!req.watch) return;
        if (rc === Err.OK) this.data.add(req.path);
        else if (rc === Err.NONODE) this.exist.add(req.path);
        return;
      case 'getChildren':
        if (req.watch && rc === Err.OK) this.child.add(req.path);
        return;
      case 'addWatch':
        if (rc !== Err.OK) return;
        if (req.mode === 1) this.recursive.add(req.path);
        else this.persistent.add(req.path);
        return;
      case 'removeWatches':
        if (rc !== Err.OK) return;
        if (req.watcherType === 1 || req.watcherType === 3) this.child.delete(req.path);
        if (req.watcherType === 2 || req.watcherType === 3) {
          this.data.delete(req.path);
          this.exist.delete(req.path);
        }
        if (req.watcherType === 3 || req.watcherType === 4) this.persistent.delete(req.path);
        if (req.watcherType === 3 || req.watcherType === 5) this.recursive.delete(req.path);
        return;
      default:
        return;
    }
  }

  /** A notification arrived: one-shot watches of that kind on that path are used up. */
  onEvent(type: number, path: string): void {
    if (type === 1 || type === 3) {
      this.data.delete(path);
      this.exist.delete(path);
    } else if (type === 4) {
      this.child.delete(path);
    } else if (type === 2) {
      this.data.delete(path);
      this.exist.delete(path);
      this.child.delete(path);
    }
  }

  setWatchesRequest(relativeZxid: number): SetWatchesRequest | null {
    const sorted = (s: Set<string>) => [...s].sort();
    const total = this.data.size + this.exist.size + this.child.size + this.persistent.size + this.recursive.size;
    if (total === 0) return null;
    return {
      op: 'setWatches',
      relativeZxid,
      dataWatches: sorted(this.data),
      existWatches: sorted(this.exist),
      childWatches: sorted(this.child),
      persistentWatches: sorted(this.persistent),
      persistentRecursiveWatches: sorted(this.recursive),
    };
  }
}
