/**
 * Reads, answered by any server from its own committed tree (ZooKeeper FinalRequestProcessor),
 * registering watches in that server's WatchManager. No txn, no zxid consumed: the reply carries the
 * server's last processed zxid.
 *
 * Checks as 3.8 does them: getData / getChildren / getAllChildrenNumber: NoNode then READ; getACL:
 * NoNode then READ or ADMIN (digest ids masked as `user:x` without ADMIN); exists: only a NUL check,
 * no ACL check, and it leaves a watch even when the node is missing. Paths are not validated on
 * reads (a malformed path is simply not found).
 */
import type { DataTree } from '../datatree/tree.ts';
import { statOf } from '../datatree/znode.ts';
import { checkAcl, requireAcl, type AuthId } from './acl.ts';
import { Err, KeeperError } from './errors.ts';
import { WatchMode, type WatchManager } from '../watches/manager.ts';
import { AddWatchMode, Perms, type Acl, type Reply, type Request, type SessionId } from './types.ts';

export interface ReadContext {
  readonly sessionId: SessionId;
  readonly auth: readonly AuthId[];
  /** Where watches are registered (omit to ignore watch flags). */
  readonly watches?: WatchManager;
}

export function isReadRequest(req: Request): boolean {
  switch (req.op) {
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'sync':
    case 'getACL':
    case 'addWatch':
    case 'removeWatches':
    case 'checkWatches':
    case 'getEphemerals':
    case 'getAllChildrenNumber':
      return true;
    default:
      return false;
  }
}

function nodeOrThrow(tree: DataTree, path: string) {
  const n = tree.getNode(path);
  if (n === undefined) throw new KeeperError(Err.NONODE, path);
  return n;
}

/** Answers a read request. Errors come back as `rc`; never throws a KeeperError. */
export function processRead(tree: DataTree, req: Request, ctx: ReadContext): Reply {
  const zxid = tree.lastZxid;
  try {
    switch (req.op) {
      case 'getData': {
        const n = nodeOrThrow(tree, req.path);
        requireAcl(n.acl, Perms.READ, ctx.auth, req.path);
        if (req.watch) ctx.watches?.addDataWatch(req.path, ctx.sessionId);
        return { op: req.op, rc: 0, zxid, data: n.data, stat: statOf(n) };
      }
      case 'exists': {
        if (req.path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, req.path);
        // DataTree.statNode registers the watch before looking the node up.
        if (req.watch) ctx.watches?.addDataWatch(req.path, ctx.sessionId);
        const n = tree.getNode(req.path);
        if (n === undefined) return { op: req.op, rc: Err.NONODE, zxid, stat: null };
        return { op: req.op, rc: 0, zxid, stat: statOf(n) };
      }
      case 'getChildren': {
        const n = nodeOrThrow(tree, req.path);
        requireAcl(n.acl, Perms.READ, ctx.auth, req.path);
        if (req.watch) ctx.watches?.addChildWatch(req.path, ctx.sessionId);
        const children = tree.children(n);
        return req.withStat ? { op: req.op, rc: 0, zxid, children, stat: statOf(n) } : { op: req.op, rc: 0, zxid, children };
      }
      case 'sync':
        return { op: req.op, rc: 0, zxid, path: req.path };
      case 'getACL': {
        const n = nodeOrThrow(tree, req.path);
        requireAcl(n.acl, Perms.READ | Perms.ADMIN, ctx.auth, req.path);
        let acl: readonly Acl[] = n.acl;
        if (!checkAcl(n.acl, Perms.ADMIN, ctx.auth)) {
          acl = acl.map((a) => (a.scheme === 'digest' ? { ...a, id: a.id.replace(/:.*/s, ':x') } : a));
        }
        return { op: req.op, rc: 0, zxid, acl, stat: statOf(n) };
      }
      case 'getAllChildrenNumber': {
        const n = nodeOrThrow(tree, req.path);
        requireAcl(n.acl, Perms.READ, ctx.auth, req.path);
        return { op: req.op, rc: 0, zxid, totalNumber: tree.allChildrenNumber(req.path) };
      }
      case 'getEphemerals': {
        const all = tree.ephemeralsOf(ctx.sessionId);
        const p = req.prefix.trim();
        const ephemerals = p === '' || p === '/' ? all : all.filter((x) => x.startsWith(req.prefix));
        return { op: req.op, rc: 0, zxid, ephemerals };
      }
      case 'addWatch': {
        // WatcherMode.fromZooDef: anything but 0/1 is an IllegalArgumentException -> MarshallingError.
        if (req.mode !== AddWatchMode.PERSISTENT && req.mode !== AddWatchMode.PERSISTENT_RECURSIVE)
          return { op: req.op, rc: Err.MARSHALLINGERROR, zxid };
        ctx.watches?.addWatch(req.path, ctx.sessionId, req.mode === 0 ? WatchMode.PERSISTENT : WatchMode.PERSISTENT_RECURSIVE);
        return { op: req.op, rc: 0, zxid };
      }
      case 'removeWatches':
      case 'checkWatches': {
        // 3.8's WatcherType knows 1..3 only; other values fail to convert -> MarshallingError.
        if (req.watcherType < 1 || req.watcherType > 3) return { op: req.op, rc: Err.MARSHALLINGERROR, zxid };
        const w = ctx.watches;
        const ok =
          w === undefined
            ? false
            : req.op === 'removeWatches'
              ? w.removeWatches(req.path, req.watcherType, ctx.sessionId)
              : w.checkWatches(req.path, req.watcherType);
        if (ok === undefined) return { op: req.op, rc: Err.MARSHALLINGERROR, zxid };
        return { op: req.op, rc: ok ? 0 : Err.NOWATCHER, zxid };
      }
      default:
        throw new Error(`processRead: ${req.op} is not a read request`);
    }
  } catch (e) {
    if (e instanceof KeeperError) return { op: req.op, rc: e.code, zxid };
    throw e;
  }
}
