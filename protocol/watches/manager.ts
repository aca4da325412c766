/**
 * A server's watch registry (ZooKeeper 3.8 WatchManager x2: data watches and child watches).
 *
 * Watchers are sessions (ZooKeeper: the connection). Per manager and (path, session) there is one
 * mode, and a later registration overwrites it (WatcherModeManager.setWatcherMode): a standard watch
 * set where a persistent one was turns it back into a one-shot watch, as in 3.8.
 *
 * Firing (WatchManager.triggerWatch): for the changed path, every watcher there fires (standard
 * ones are removed); for each ancestor, persistent-recursive watchers fire unless the event is
 * NodeChildrenChanged. One event per session per trigger. NodeDeleted fires data watches, then
 * child watches of the same path except sessions that already got it. An event is delivered only
 * if the session may READ the node (CVE-2024-23944 fix); a filtered one-shot watch is still used up.
 */
import { EventType, type Acl, type SessionId, type WatchEvent, type WatchTrigger, type EventTypeCode } from '../request/types.ts';

export const WatchMode = { STANDARD: 0, PERSISTENT: 1, PERSISTENT_RECURSIVE: 2 } as const;
export type WatchModeCode = (typeof WatchMode)[keyof typeof WatchMode];

/** One ZooKeeper WatchManager. Maps keep insertion order, so firing order is deterministic. */
export class WatchTable {
  private readonly table = new Map<string, Map<SessionId, WatchModeCode>>();
  private readonly bySession = new Map<SessionId, Set<string>>();
  private recursive = 0;

  add(path: string, session: SessionId, mode: WatchModeCode): void {
    let m = this.table.get(path);
    if (m === undefined) this.table.set(path, (m = new Map()));
    const old = m.get(session);
    if (old === WatchMode.PERSISTENT_RECURSIVE) this.recursive--;
    if (mode === WatchMode.PERSISTENT_RECURSIVE) this.recursive++;
    m.set(session, mode);
    let s = this.bySession.get(session);
    if (s === undefined) this.bySession.set(session, (s = new Set()));
    s.add(path);
  }

  /** Removes the session's watch on path (any mode); false if it had none. */
  remove(path: string, session: SessionId): boolean {
    const m = this.table.get(path);
    const mode = m?.get(session);
    if (m === undefined || mode === undefined) return false;
    this.drop(m, path, session, mode);
    return true;
  }

  private drop(m: Map<SessionId, WatchModeCode>, path: string, session: SessionId, mode: WatchModeCode): void {
    m.delete(session);
    if (m.size === 0) this.table.delete(path);
    if (mode === WatchMode.PERSISTENT_RECURSIVE) this.recursive--;
    const s = this.bySession.get(session);
    if (s !== undefined) {
      s.delete(path);
      if (s.size === 0) this.bySession.delete(session);
    }
  }

  /**
   * WatchManager.containsWatcher as shipped in 3.8: true when ANY watcher is registered on exactly
   * this path (the session is not consulted at the leaf). It walks the path with PathParentIterator
   * (only the path itself unless some recursive watch exists), which computes each parent eagerly
   * and throws on a segment without '/': undefined then (the server answers MarshallingError).
   * Reproduced, not fixed.
   */
  containsAny(path: string): boolean | undefined {
    const maxLevel = this.recursive === 0 ? 1 : Infinity;
    let p = path;
    let level = 0;
    while (p !== '' && level < maxLevel) {
      const local = p;
      level++;
      if (p === '/') p = '';
      else {
        const i = p.lastIndexOf('/');
        if (i < 0) return undefined;
        p = p.slice(0, i) || '/';
      }
      if (level === 1 && this.table.has(local)) return true;
    }
    return false;
  }

  has(path: string, session: SessionId): boolean {
    return this.table.get(path)?.has(session) ?? false;
  }

  modeOf(path: string, session: SessionId): WatchModeCode | undefined {
    return this.table.get(path)?.get(session);
  }

  /** The sessions a change of `path` of `type` fires, consuming one-shot watches. */
  trigger(path: string, type: EventTypeCode): Set<SessionId> {
    const out = new Set<SessionId>();
    let p: string | undefined = path;
    let atParent = false;
    while (p !== undefined) {
      const m = this.table.get(p);
      if (m !== undefined) {
        for (const [session, mode] of [...m]) {
          if (mode === WatchMode.PERSISTENT_RECURSIVE) {
            if (type !== EventType.NodeChildrenChanged) out.add(session);
          } else if (!atParent) {
            out.add(session);
            if (mode === WatchMode.STANDARD) this.drop(m, p, session, mode);
          }
        }
      }
      if (this.recursive === 0 || p === '/') break;
      const i = p.lastIndexOf('/');
      p = i <= 0 ? '/' : p.slice(0, i);
      atParent = true;
    }
    return out;
  }

  removeSession(session: SessionId): void {
    const paths = this.bySession.get(session);
    if (paths === undefined) return;
    for (const p of [...paths]) this.remove(p, session);
  }

  /** Number of (path, session) registrations (for tests and metrics). */
  get count(): number {
    let n = 0;
    for (const m of this.table.values()) n += m.size;
    return n;
  }
}

/** May this session read a node with this ACL? (the server's checkACL for READ). */
export type CanRead = (session: SessionId, acl: readonly Acl[]) => boolean;

export class WatchManager {
  readonly data = new WatchTable();
  readonly child = new WatchTable();

  /** getData / exists with watch=true. */
  addDataWatch(path: string, session: SessionId): void {
    this.data.add(path, session, WatchMode.STANDARD);
  }

  /** getChildren with watch=true. */
  addChildWatch(path: string, session: SessionId): void {
    this.child.add(path, session, WatchMode.STANDARD);
  }

  /** addWatch: registers in both tables, as DataTree.addWatch does. */
  addWatch(path: string, session: SessionId, mode: WatchModeCode): void {
    this.data.add(path, session, mode);
    this.child.add(path, session, mode);
  }

  /** Fires the triggers of one applied txn, in order; returns the notifications to send. */
  fire(triggers: readonly WatchTrigger[], canRead: CanRead): WatchEvent[] {
    const events: WatchEvent[] = [];
    const deliver = (sessions: Set<SessionId>, t: WatchTrigger, skip?: Set<SessionId>): void => {
      for (const s of sessions) {
        if (skip?.has(s)) continue;
        if (!canRead(s, t.acl)) continue;
        events.push({ sessionId: s, type: t.type, path: t.path });
      }
    };
    for (const t of triggers) {
      switch (t.type) {
        case EventType.NodeCreated:
        case EventType.NodeDataChanged:
          deliver(this.data.trigger(t.path, t.type), t);
          break;
        case EventType.NodeChildrenChanged:
          deliver(this.child.trigger(t.path, t.type), t);
          break;
        case EventType.NodeDeleted: {
          const first = this.data.trigger(t.path, t.type);
          deliver(first, t);
          deliver(this.child.trigger(t.path, t.type), t, first);
          break;
        }
      }
    }
    return events;
  }

  /** removeWatches; watcherType 1 children, 2 data, 3 any. False when nothing was removed. */
  removeWatches(path: string, watcherType: number, session: SessionId): boolean {
    if (watcherType === 1) return this.child.remove(path, session);
    if (watcherType === 2) return this.data.remove(path, session);
    const c = this.child.remove(path, session);
    const d = this.data.remove(path, session);
    return c || d;
  }

  /**
   * checkWatches, with 3.8's containsWatcher semantics (see WatchTable.containsAny); undefined
   * when the server would fail with MarshallingError.
   */
  checkWatches(path: string, watcherType: number): boolean | undefined {
    if (watcherType === 1) return this.child.containsAny(path);
    if (watcherType === 2) return this.data.containsAny(path);
    const c = this.child.containsAny(path);
    if (c === undefined) return undefined;
    const d = this.data.containsAny(path);
    if (d === undefined) return undefined;
    return c || d;
  }

  /** The connection of a session closed: all its watches go (ZooKeeper removeCnxn). */
  removeSession(session: SessionId): void {
    this.data.removeSession(session);
    this.child.removeSession(session);
  }
}
