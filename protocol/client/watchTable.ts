/**
 * The client's record of its registered watches (ZKWatchManager), kept so that they can be
 * re-registered with SetWatches after a reconnect. One-shot watches are dropped when their event
 * arrives; persistent ones stay until removed.
 */
import type { Request } from '../request/types.ts';
import { Err } from '../request/errors.ts';
import type { SetWatchesRequest } from './wire.ts';
import type { WatchedEventType } from '../contract.ts';

const NONE: readonly WatchedEventType[] = [];

export class WatchTable {
  readonly data = new Set<string>();
  readonly exist = new Set<string>();
  readonly child = new Set<string>();
  readonly persistent = new Set<string>();
  readonly recursive = new Set<string>();

  /** Register the watch a successful (or NoNode exists) read asked for; forget the watches a
   *  successful removeWatches removed, and return the *WatchRemoved event types their Watchers
   *  get (ZooKeeper's WatchDeregistration: one per kind removed; empty otherwise). */
  onReply(req: Request, rc: number): readonly WatchedEventType[] {
    switch (req.op) {
      case 'getData':
        if (req.watch && rc === Err.OK) this.data.add(req.path);
        return NONE;
      case 'exists':
        if (!req.watch) return NONE;
        if (rc === Err.OK) this.data.add(req.path);
        else if (rc === Err.NONODE) this.exist.add(req.path);
        return NONE;
      case 'getChildren':
        if (req.watch && rc === Err.OK) this.child.add(req.path);
        return NONE;
      case 'addWatch':
        if (rc !== Err.OK) return NONE;
        if (req.mode === 1) this.recursive.add(req.path);
        else this.persistent.add(req.path);
        return NONE;
      case 'removeWatches': {
        if (rc !== Err.OK) return NONE;
        const t = req.watcherType;
        const p = req.path;
        let data = false;
        let child = false;
        let persistent = false;
        if (t === 1 || t === 3) child = this.child.delete(p);
        if (t === 2 || t === 3) {
          const d = this.data.delete(p);
          const e = this.exist.delete(p);
          data = d || e;
        }
        if (t === 3 || t === 4) persistent = this.persistent.delete(p);
        if (t === 3 || t === 5) persistent = this.recursive.delete(p) || persistent;
        const out: WatchedEventType[] = [];
        if (data) out.push('DataWatchRemoved');
        if (child) out.push('ChildWatchRemoved');
        if (persistent) out.push('PersistentWatchRemoved');
        return out;
      }
      default:
        return NONE;
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
