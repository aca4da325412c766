import { describe, expect, it } from 'vitest';
import { WatchManager, WatchMode } from './manager.ts';
import { EventType, OPEN_ACL_UNSAFE, type Acl, type WatchTrigger } from '../request/types.ts';

const anyone = (): boolean => true;
const t = (path: string, type: number, acl: readonly Acl[] = OPEN_ACL_UNSAFE): WatchTrigger => ({ path, type: type as WatchTrigger['type'], acl });
// What the tree emits per op (see DataTree): create, delete, setData
const created = (p: string, parent: string) => [t(p, EventType.NodeCreated), t(parent, EventType.NodeChildrenChanged)];
const deleted = (p: string, parent: string) => [t(p, EventType.NodeDeleted), t(parent, EventType.NodeChildrenChanged)];
const changed = (p: string) => [t(p, EventType.NodeDataChanged)];
const brief = (evs: { sessionId: string; type: number; path: string }[]) => evs.map((e) => `${e.sessionId} ${e.type} ${e.path}`);

describe('WatchManager', () => {
  it('standard watches are one-shot and de-duplicated per session', () => {
    const w = new WatchManager();
    w.addDataWatch('/a', 's1'); // exists
    w.addDataWatch('/a', 's1'); // getData: same (session, path) -> one registration
    w.addDataWatch('/a', 's2');
    expect(brief(w.fire(changed('/a'), anyone))).toEqual(['s1 3 /a', 's2 3 /a']);
    expect(w.fire(changed('/a'), anyone)).toEqual([]);
  });

  it('delete fires NodeDeleted once even with data and child watches, plus the parent NodeChildrenChanged', () => {
    const w = new WatchManager();
    w.addDataWatch('/a/b', 's1');
    w.addChildWatch('/a/b', 's1');
    w.addChildWatch('/a/b', 's2');
    w.addChildWatch('/a', 's3');
    expect(brief(w.fire(deleted('/a/b', '/a'), anyone))).toEqual(['s1 2 /a/b', 's2 2 /a/b', 's3 4 /a']);
    expect(w.child.count + w.data.count).toBe(0);
  });

  it("a child's data change does not fire the parent's child watch", () => {
    const w = new WatchManager();
    w.addChildWatch('/a', 's1');
    expect(w.fire(changed('/a/b'), anyone)).toEqual([]);
    expect(brief(w.fire(created('/a/c', '/a'), anyone))).toEqual(['s1 4 /a']);
  });

  it('persistent: node events and NodeChildrenChanged for direct children only; survives deletion', () => {
    const w = new WatchManager();
    w.addWatch('/p', 's1', WatchMode.PERSISTENT);
    expect(brief(w.fire(created('/p', '/'), anyone))).toEqual(['s1 1 /p']);
    expect(brief(w.fire(created('/p/c', '/p'), anyone))).toEqual(['s1 4 /p']);
    expect(w.fire(created('/p/c/d', '/p/c'), anyone)).toEqual([]);
    expect(brief(w.fire(changed('/p'), anyone))).toEqual(['s1 3 /p']);
    expect(brief(w.fire(deleted('/p', '/'), anyone))).toEqual(['s1 2 /p']);
    expect(brief(w.fire(created('/p', '/'), anyone))).toEqual(['s1 1 /p']);
  });

  it('persistent-recursive: the node and every descendant, never NodeChildrenChanged; one event per session', () => {
    const w = new WatchManager();
    w.addWatch('/r', 's1', WatchMode.PERSISTENT_RECURSIVE);
    w.addWatch('/r/x', 's1', WatchMode.PERSISTENT_RECURSIVE); // overlapping: still one event
    expect(brief(w.fire(created('/r/x/y', '/r/x'), anyone))).toEqual(['s1 1 /r/x/y']);
    expect(brief(w.fire(changed('/r/x/y'), anyone))).toEqual(['s1 3 /r/x/y']);
    expect(brief(w.fire(deleted('/r', '/'), anyone))).toEqual(['s1 2 /r']);
    expect(w.fire(created('/other', '/'), anyone)).toEqual([]);
  });

  it('a standard watch set where a persistent one was turns it one-shot (3.8 mode overwrite)', () => {
    const w = new WatchManager();
    w.addWatch('/a', 's1', WatchMode.PERSISTENT);
    w.addDataWatch('/a', 's1');
    expect(w.fire(changed('/a'), anyone)).toHaveLength(1);
    expect(w.fire(changed('/a'), anyone)).toHaveLength(0);
  });

  it('events go only to sessions that may READ the node; a filtered one-shot watch is used up', () => {
    const w = new WatchManager();
    const secret: Acl[] = [{ scheme: 'digest', id: 'u:x', perms: 31 }];
    w.addDataWatch('/s', 'reader');
    w.addDataWatch('/s', 'outsider');
    const canRead = (s: string, acl: readonly Acl[]) => s === 'reader' || acl.some((a) => a.scheme === 'world');
    expect(brief(w.fire([t('/s', EventType.NodeDataChanged, secret)], canRead))).toEqual(['reader 3 /s']);
    expect(w.data.has('/s', 'outsider')).toBe(false);
  });

  it('removeWatches / checkWatches by type; checkWatches sees any session (3.8 containsWatcher)', () => {
    const w = new WatchManager();
    w.addDataWatch('/a', 's1');
    w.addChildWatch('/a', 's1');
    expect(w.checkWatches('/a', 2)).toBe(true);
    expect(w.removeWatches('/a', 1, 's2')).toBe(false);
    expect(w.removeWatches('/a', 1, 's1')).toBe(true);
    expect(w.removeWatches('/a', 1, 's1')).toBe(false);
    expect(w.checkWatches('/a', 1)).toBe(false);
    expect(w.removeWatches('/a', 3, 's1')).toBe(true);
    expect(w.checkWatches('/a', 3)).toBe(false);
    w.addWatch('/b', 's1', WatchMode.PERSISTENT_RECURSIVE);
    w.removeSession('s1');
    expect(w.fire(created('/b/c', '/b'), anyone)).toEqual([]);
  });

  it('checkWatches on a path without a slash fails like 3.8 (MarshallingError) unless nothing is walked', () => {
    const w = new WatchManager();
    w.addDataWatch('a', 's1'); // exists("a", watch) registers fine
    expect(w.checkWatches('a', 2)).toBeUndefined();
    expect(w.checkWatches('', 2)).toBe(false);
    expect(w.checkWatches('a/b', 2)).toBe(false); // only the path itself is walked...
    w.addWatch('/r', 's1', WatchMode.PERSISTENT_RECURSIVE);
    expect(w.checkWatches('a/b', 2)).toBeUndefined(); // ...until a recursive watch exists
    expect(w.checkWatches('/x/y', 3)).toBe(false);
    expect(w.removeWatches('a', 2, 's1')).toBe(true);
  });
});
