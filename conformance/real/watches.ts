/**
 * What a ZooKeeper Java client remembers about one session, so the recorder can restore it on a
 * new connection the way the Java client does (ClientCnxn.primeConnection): re-send every addAuth,
 * then a SetWatches2 listing the watches the client believes are registered.
 *
 * Watch bookkeeping follows the Java client's ZKWatchManager: getData/exists/getChildren with
 * watch=true register on success (exists on a missing node registers an exist watch), a
 * notification consumes the one-shot watches it fires, addWatch adds a persistent (recursive)
 * watch, and a successful removeWatches drops the watches of its type.
 */
import type { ScriptOp } from '../script.ts';
import type { JuteWriter } from './jute.ts';
import { addWatchMode, watcherType } from './encode.ts';
import type { WatcherEvent } from './wire.ts';

const NODE_CREATED = 1;
const NODE_DELETED = 2;
const NODE_DATA_CHANGED = 3;
const NODE_CHILDREN_CHANGED = 4;

export class ClientMemory {
  readonly auths: Array<{ scheme: string; auth: Buffer }> = [];
  readonly data = new Set<string>();
  readonly exist = new Set<string>();
  readonly child = new Set<string>();
  readonly persistent = new Set<string>();
  readonly recursive = new Set<string>();

  /** Updates the bookkeeping after `op` was answered with error code `err`. */
  afterOp(op: ScriptOp, err: number): void {
    const ok = err === 0;
    switch (op.op) {
      case 'get':
        if (op.watch && ok) this.data.add(op.path);
        break;
      case 'exists':
        if (op.watch && ok) this.data.add(op.path);
        else if (op.watch && err === -101) this.exist.add(op.path);
        break;
      case 'children':
        if (op.watch && ok) this.child.add(op.path);
        break;
      case 'add_watch':
        if (ok) (addWatchMode(op) === 1 ? this.recursive : this.persistent).add(op.path);
        break;
      case 'remove_watches': {
        if (!ok) break;
        const t = watcherType(op);
        if (t === 1 || t === 3) this.child.delete(op.path);
        if (t === 2 || t === 3) {
          this.data.delete(op.path);
          this.exist.delete(op.path);
        }
        if (t === 3 || t === 4) this.persistent.delete(op.path);
        if (t === 3 || t === 5) this.recursive.delete(op.path);
        break;
      }
      default:
        break;
    }
  }

  /** A notification arrived: the one-shot watches it fired are used up. */
  onEvent(e: WatcherEvent): void {
    if (e.type === NODE_CREATED || e.type === NODE_DATA_CHANGED || e.type === NODE_DELETED) {
      this.data.delete(e.path);
      this.exist.delete(e.path);
    }
    if (e.type === NODE_CHILDREN_CHANGED || e.type === NODE_DELETED) this.child.delete(e.path);
  }

  hasWatches(): boolean {
    return this.data.size + this.exist.size + this.child.size + this.persistent.size + this.recursive.size > 0;
  }

  /** SetWatches2 body: relativeZxid, then data, exist, child, persistent, persistentRecursive paths. */
  writeSetWatches2(w: JuteWriter, relativeZxid: bigint): JuteWriter {
    w.long(relativeZxid);
    for (const set of [this.data, this.exist, this.child, this.persistent, this.recursive]) {
      w.vector([...set].sort(), (x, p) => x.ustring(p));
    }
    return w;
  }
}
