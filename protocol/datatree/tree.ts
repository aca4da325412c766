/**
 * The DataTree: every server's in-memory copy of the znode hierarchy, and `applyTxn`, the
 * deterministic step every server runs for each committed txn (ZooKeeper DataTree.processTxn).
 *
 * Storage is persistent (see hamt.ts): `snapshot()` is O(1) and returns an immutable value;
 * `DataTree.fromSnapshot(s)` is O(1) too and shares structure. Writes after a snapshot copy only the
 * trie path they touch. A snapshot is plain data (objects, arrays, strings, numbers).
 *
 * Indexes kept beside the nodes, as ZooKeeper does: ephemerals per session, the container set, the
 * TTL set, and the session table (sessionId -> timeout; ZooKeeper keeps it in ZKDatabase and in
 * snapshots).
 */
import * as H from './hamt.ts';
import { emptyPathMap, lastPathMapChange, lastRemoved, pforEach, pget, pkeys, premove, pset, type PathMap } from './pathmap.ts';
import { CONFIG, QUOTA, ROOT, ZOOKEEPER, childNameOf, parentOf } from './path.ts';
import { addDigest, nodeDigest, subDigest } from './digest.ts';
import { NodeKind, newZnode, statOf, withAcl, withChildren, withData, type NodeKindCode, type Znode } from './znode.ts';
import { Err } from '../request/errors.ts';
import type { Txn, TxnBody, TxnHeader, TxnType, MultiSubTxn } from '../request/txn.ts';
import {
  EventType,
  NO_SESSION,
  OPEN_ACL_UNSAFE,
  Perms,
  type Acl,
  type Data,
  type SessionId,
  type Stat,
  type WatchTrigger,
} from '../request/types.ts';

export interface TreeSnapshot {
  /** path -> Znode (see pathmap.ts) */
  readonly nodes: PathMap;
  /** sessionId -> trie set of paths */
  readonly ephemerals: H.Trie;
  readonly containers: H.Trie;
  readonly ttls: H.Trie;
  /** sessionId -> timeout ms */
  readonly sessions: H.Trie;
  readonly lastZxid: number;
  /** The tree digest (digest.ts): sum of the node digests mod 2^32. */
  readonly digest: number;
}

/** What applying one txn did: what the reply needs plus the watch triggers, in firing order. */
export interface ApplyResult {
  readonly zxid: number;
  readonly sessionId: SessionId;
  readonly cxid: number;
  readonly type: TxnType;
  /** 0, or the error code (error txns; or a txn that could not apply). */
  readonly err: number;
  readonly path?: string;
  /** The node's Stat right after the change (create, setData, setACL, check). */
  readonly stat?: Stat;
  readonly multi?: readonly ApplyResult[];
  readonly triggers: readonly WatchTrigger[];
}

const READ_ACL_UNSAFE: readonly Acl[] = Object.freeze([Object.freeze({ perms: Perms.READ, scheme: 'world', id: 'anyone' })]);

/** One literal shape for every result (object spreads are slow on the apply path). */
function result(
  hdr: TxnHeader,
  type: TxnType,
  triggers: WatchTrigger[],
  err: number,
  path?: string,
  node?: Znode,
  multi?: ApplyResult[],
): ApplyResult {
  // The Stat is taken now: live records are edited in place by later writes.
  const stat = node === undefined ? undefined : statOf(node);
  return { zxid: hdr.zxid, sessionId: hdr.sessionId, cxid: hdr.cxid, type, err, path, stat, multi, triggers };
}

/** Thrown internally by the node operations; turned into `err` of the result. */
class ApplyError {
  constructor(readonly code: number) {}
}

export class DataTree {
  private nodes: PathMap;
  private ephemerals: H.Trie;
  private containerSet: H.Trie;
  private ttlSet: H.Trie;
  private sessionTable: H.Trie;
  private lastZxidValue: number;
  /** Running tree digest (digest.ts), kept up to date by every node change. */
  private digestValue: number;
  /** Edit token: trie nodes created under it may be mutated in place (see hamt.ts). */
  private edit: H.Edit = {};

  private constructor(s: TreeSnapshot) {
    this.nodes = s.nodes;
    this.ephemerals = s.ephemerals;
    this.containerSet = s.containers;
    this.ttlSet = s.ttls;
    this.sessionTable = s.sessions;
    this.lastZxidValue = s.lastZxid;
    this.digestValue = s.digest;
  }

  /** A fresh server's tree: `/`, `/zookeeper`, `/zookeeper/quota`, `/zookeeper/config`. */
  static create(): DataTree {
    const t = new DataTree({ nodes: emptyPathMap(), ephemerals: null, containers: null, ttls: null, sessions: null, lastZxid: 0, digest: 0 });
    const base = (acl: readonly Acl[]): Znode => newZnode(t.edit, '', acl, 0, 0, NodeKind.PERSISTENT, NO_SESSION, 0);
    const withKids = (n: Znode, names: string[]): Znode => {
      let c: PathMap | null = null;
      for (const name of names) c = pset(c, name, true, t.edit);
      return withChildren(t.edit, n, c, names.length, n.cversion, n.pzxid);
    };
    t.put(ROOT, withKids(base(OPEN_ACL_UNSAFE), ['zookeeper']));
    t.put(ZOOKEEPER, withKids(base(OPEN_ACL_UNSAFE), ['quota', 'config']));
    t.put(QUOTA, base(OPEN_ACL_UNSAFE));
    // ZooKeeper makes the config node read-only with setACL(..., -1), which leaves aversion -1.
    t.put(CONFIG, withAcl(t.edit, base(READ_ACL_UNSAFE), READ_ACL_UNSAFE, -1));
    let d = 0;
    t.forEachNode((path, n) => (d = addDigest(d, nodeDigest(path, n))));
    t.digestValue = d;
    return t;
  }

  static fromSnapshot(s: TreeSnapshot): DataTree {
    return new DataTree(s);
  }

  /** O(1): freezes the current state (later writes copy what they touch). */
  snapshot(): TreeSnapshot {
    this.edit = {};
    return {
      nodes: this.nodes,
      ephemerals: this.ephemerals,
      containers: this.containerSet,
      ttls: this.ttlSet,
      sessions: this.sessionTable,
      lastZxid: this.lastZxidValue,
      digest: this.digestValue,
    };
  }

  /** An independent copy in O(1) (the speculative view of the leader's prep step uses this). */
  fork(): DataTree {
    return DataTree.fromSnapshot(this.snapshot());
  }

  get lastZxid(): number {
    return this.lastZxidValue;
  }

  /** Sets the last processed zxid (after loading a snapshot of a known zxid). */
  setLastZxid(zxid: number): void {
    this.lastZxidValue = zxid;
  }

  /** The tree digest (digest.ts): equal trees have equal digests; O(1). */
  get digest(): number {
    return this.digestValue;
  }

  /** Recomputes the digest by walking every node (tests: the running value must equal it). */
  walkDigest(): number {
    let d = 0;
    this.forEachNode((path, n) => (d = addDigest(d, nodeDigest(path, n))));
    return d;
  }

  /** Planted bug `pzxidNotRestoredFromSnapshot` only: every znode's pzxid becomes its czxid, as a
   *  snapshot loader that does not read the field back would leave it; the digest is recomputed
   *  from the nodes, as loading a snapshot does. */
  losePzxids(): void {
    const changed: [string, Znode][] = [];
    this.forEachNode((path, n) => {
      if (n.pzxid !== n.czxid) changed.push([path, n]);
    });
    for (const [path, n] of changed) this.put(path, withChildren(this.edit, n, n.children, n.numChildren, n.cversion, n.czxid));
    this.digestValue = this.walkDigest();
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The node at path. Valid until the next write to this tree (records are edited in place). */
  getNode(path: string, h?: number): Znode | undefined {
    return pget<Znode>(this.nodes, path, h);
  }

  stat(path: string): Stat | undefined {
    const n = this.getNode(path);
    return n === undefined ? undefined : statOf(n);
  }

  /** Child names, sorted (ZooKeeper returns HashSet order; clients must not rely on any order). */
  children(node: Znode): string[] {
    return pkeys(node.children).sort();
  }

  /** The session's ephemeral paths, sorted. */
  ephemeralsOf(sessionId: SessionId): string[] {
    return H.keys(H.get<H.Trie>(this.ephemerals, sessionId) ?? null).sort();
  }

  containers(): string[] {
    return H.keys(this.containerSet).sort();
  }

  ttlNodes(): string[] {
    return H.keys(this.ttlSet).sort();
  }

  /** Sessions recorded by committed createSession txns: [id, timeout], sorted by id. */
  sessions(): [SessionId, number][] {
    const out: [SessionId, number][] = [];
    H.forEach<number>(this.sessionTable, (k, v) => out.push([k, v]));
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  hasSession(sessionId: SessionId): boolean {
    return H.get(this.sessionTable, sessionId) !== undefined;
  }

  /** DataTree.getAllChildrenNumber: every descendant (for "/": every node but the root). */
  allChildrenNumber(path: string): number {
    if (path === ROOT) return this.nodes.size - 1;
    const prefix = path + '/';
    let n = 0;
    pforEach(this.nodes, (k) => {
      if (k.startsWith(prefix)) n++;
    });
    return n;
  }

  /** Every (path, node), in hash order. O(n): for tests, checkers and dumps. */
  forEachNode(fn: (path: string, node: Znode) => void): void {
    pforEach<Znode>(this.nodes, fn);
  }

  // -------------------------------------------------------------------------------------------
  // applyTxn
  // -------------------------------------------------------------------------------------------

  applyTxn(txn: Txn): ApplyResult {
    const r = this.applyBody(txn.hdr, txn.body);
    if (txn.hdr.zxid > this.lastZxidValue) this.lastZxidValue = txn.hdr.zxid;
    return r;
  }

  private applyBody(hdr: TxnHeader, body: TxnBody): ApplyResult {
    const triggers: WatchTrigger[] = [];
    if (body.type === 'multi') {
      const failed = body.txns.some((t) => t.type === 'error');
      const results: ApplyResult[] = [];
      let err = 0;
      let postFailed = false;
      for (const sub of body.txns) {
        let s: MultiSubTxn = sub;
        if (failed && sub.type !== 'error') {
          // ZooKeeper rewrites stray non-error sub-txns of a failed multi into error results.
          s = { type: 'error', err: postFailed ? Err.RUNTIMEINCONSISTENCY : Err.OK };
        }
        if (s.type === 'error' && s.err !== 0) postFailed = true;
        const r = this.applyBody(hdr, s);
        results.push(r);
        if (r.err !== 0 && err === 0) err = r.err;
        for (const t of r.triggers) triggers.push(t);
      }
      return result(hdr, body.type, triggers, err, undefined, undefined, results);
    }
    try {
      switch (body.type) {
        case 'create':
        case 'create2': {
          const kind = body.ephemeral ? NodeKind.EPHEMERAL : NodeKind.PERSISTENT;
          const owner = body.ephemeral ? hdr.sessionId : NO_SESSION;
          const n = this.createNode(body.path, body.data, body.acl, kind, owner, 0, body.parentCVersion, hdr.zxid, hdr.time, triggers);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'createContainer': {
          const n = this.createNode(body.path, body.data, body.acl, NodeKind.CONTAINER, NO_SESSION, 0, body.parentCVersion, hdr.zxid, hdr.time, triggers);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'createTTL': {
          const n = this.createNode(body.path, body.data, body.acl, NodeKind.TTL, NO_SESSION, body.ttl, body.parentCVersion, hdr.zxid, hdr.time, triggers);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'delete':
        case 'deleteContainer':
          this.deleteNode(body.path, hdr.zxid, triggers);
          return result(hdr, body.type, triggers, 0, body.path);
        case 'setData': {
          const n = this.setData(body.path, body.data, body.version, hdr.zxid, hdr.time, triggers);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'setACL': {
          const n = this.setAcl(body.path, body.acl, body.version);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'check': {
          // CheckVersionTxn applies nothing; ZooKeeper reports the node's stat if it exists.
          const n = this.getNode(body.path);
          return result(hdr, body.type, triggers, 0, body.path, n);
        }
        case 'error':
          return result(hdr, body.type, triggers, body.err);
        case 'createSession':
          this.sessionTable = H.set(this.sessionTable, hdr.sessionId, body.timeoutMs, this.edit);
          return result(hdr, body.type, triggers, 0);
        case 'closeSession':
          this.killSession(hdr.sessionId, hdr.zxid, body.paths, triggers);
          return result(hdr, body.type, triggers, 0);
      }
    } catch (e) {
      if (e instanceof ApplyError) return result(hdr, body.type, triggers, e.code);
      throw e;
    }
  }

  private put(path: string, n: Znode, h?: number): void {
    this.nodes = pset(this.nodes, path, n, this.edit, h);
  }

  /**
   * Stores `next`, the edited version of `prev` (stored at path). When the record was edited in
   * place (`next === prev`) it is already in the trie and the trie path to it belongs to the current
   * edit token (records and trie nodes change tokens together, at a snapshot): no second walk.
   */
  private replace(path: string, prev: Znode, next: Znode, h?: number): void {
    if (next !== prev) this.put(path, next, h);
  }

  private createNode(
    path: string,
    data: Data,
    acl: readonly Acl[],
    kind: NodeKindCode,
    owner: SessionId,
    ttl: number,
    parentCVersion: number,
    zxid: number,
    time: number,
    triggers: WatchTrigger[],
  ): Znode {
    const parentKey = parentOf(path);
    const ph = parentKey === undefined ? 0 : H.hashString(parentKey);
    const parent = parentKey === undefined ? undefined : this.getNode(parentKey, ph);
    if (parentKey === undefined || parent === undefined) throw new ApplyError(Err.NONODE);
    const name = childNameOf(path);
    const kids = pset(parent.children, name, true, this.edit);
    if (lastPathMapChange() === 0) throw new ApplyError(Err.NODEEXISTS);
    const pcv = parentCVersion === -1 ? parent.cversion + 1 : parentCVersion;
    // Replaying a fuzzy snapshot may see an older cversion: only move it (and pzxid) forward.
    const advance = pcv > parent.cversion;
    const parentBefore = nodeDigest(parentKey, parent);
    const nextParent = withChildren(this.edit, parent, kids, parent.numChildren + 1, advance ? pcv : parent.cversion, advance ? zxid : parent.pzxid);
    this.replace(parentKey, parent, nextParent, ph);
    const node = newZnode(this.edit, data, acl, zxid, time, kind, owner, ttl);
    this.put(path, node);
    const parentAfter = nodeDigest(parentKey, nextParent);
    this.digestValue = addDigest(subDigest(addDigest(this.digestValue, parentAfter), parentBefore), nodeDigest(path, node));
    if (kind === NodeKind.CONTAINER) this.containerSet = H.set(this.containerSet, path, true, this.edit);
    else if (kind === NodeKind.TTL) this.ttlSet = H.set(this.ttlSet, path, true, this.edit);
    else if (kind === NodeKind.EPHEMERAL) {
      const mine = H.get<H.Trie>(this.ephemerals, owner) ?? null;
      this.ephemerals = H.set(this.ephemerals, owner, H.set(mine, path, true, this.edit), this.edit);
    }
    triggers.push({ path, type: EventType.NodeCreated, acl: node.acl });
    triggers.push({ path: parentKey, type: EventType.NodeChildrenChanged, acl: parent.acl });
    return node;
  }

  private deleteNode(path: string, zxid: number, triggers: WatchTrigger[]): void {
    const parentKey = parentOf(path);
    const ph = parentKey === undefined ? 0 : H.hashString(parentKey);
    const parent = parentKey === undefined ? undefined : this.getNode(parentKey, ph);
    if (parentKey === undefined || parent === undefined) throw new ApplyError(Err.NONODE);
    const name = childNameOf(path);
    // As ZooKeeper: the parent is updated (pzxid forward) before the child's existence is known.
    const kids = premove(parent.children, name, this.edit);
    const removed = lastPathMapChange() === -1;
    if (removed || zxid > parent.pzxid) {
      const before = nodeDigest(parentKey, parent);
      const next = withChildren(this.edit, parent, kids, parent.numChildren - (removed ? 1 : 0), parent.cversion, zxid > parent.pzxid ? zxid : parent.pzxid);
      this.replace(parentKey, parent, next, ph);
      this.digestValue = subDigest(addDigest(this.digestValue, nodeDigest(parentKey, next)), before);
    }
    const rest = premove(this.nodes, path, this.edit);
    const node = lastRemoved<Znode>();
    if (node === undefined || rest === null) throw new ApplyError(Err.NONODE); // (never empty: "/" stays)
    this.nodes = rest;
    this.digestValue = subDigest(this.digestValue, nodeDigest(path, node));
    if (node.kind === NodeKind.CONTAINER) this.containerSet = H.remove(this.containerSet, path, this.edit);
    else if (node.kind === NodeKind.TTL) this.ttlSet = H.remove(this.ttlSet, path, this.edit);
    else if (node.kind === NodeKind.EPHEMERAL) {
      const mine = H.get<H.Trie>(this.ephemerals, node.owner);
      if (mine !== undefined) {
        const left = H.remove(mine, path, this.edit);
        this.ephemerals = left === null ? H.remove(this.ephemerals, node.owner, this.edit) : H.set(this.ephemerals, node.owner, left, this.edit);
      }
    }
    triggers.push({ path, type: EventType.NodeDeleted, acl: node.acl });
    triggers.push({ path: parentKey, type: EventType.NodeChildrenChanged, acl: parent.acl });
  }

  private setData(path: string, data: Data, version: number, zxid: number, time: number, triggers: WatchTrigger[]): Znode {
    const h = H.hashString(path);
    const n = this.getNode(path, h);
    if (n === undefined) throw new ApplyError(Err.NONODE);
    const before = nodeDigest(path, n);
    const m = withData(this.edit, n, data, time, zxid, version);
    this.replace(path, n, m, h);
    this.digestValue = subDigest(addDigest(this.digestValue, nodeDigest(path, m)), before);
    triggers.push({ path, type: EventType.NodeDataChanged, acl: m.acl });
    return m;
  }

  private setAcl(path: string, acl: readonly Acl[], version: number): Znode {
    const h = H.hashString(path);
    const n = this.getNode(path, h);
    if (n === undefined) throw new ApplyError(Err.NONODE);
    const before = nodeDigest(path, n);
    const m = withAcl(this.edit, n, acl, version);
    this.replace(path, n, m, h);
    this.digestValue = subDigest(addDigest(this.digestValue, nodeDigest(path, m)), before);
    return m;
  }

  /** ZooKeeper 3.8 killSession: the txn's paths, then any ephemeral of the session still here. */
  private killSession(sessionId: SessionId, zxid: number, paths: readonly string[], triggers: WatchTrigger[]): void {
    const local = H.get<H.Trie>(this.ephemerals, sessionId);
    this.ephemerals = H.remove(this.ephemerals, sessionId, this.edit);
    this.sessionTable = H.remove(this.sessionTable, sessionId, this.edit);
    const done = new Set<string>();
    for (const p of paths) {
      done.add(p);
      this.tryDelete(p, zxid, triggers);
    }
    if (local !== undefined) {
      for (const p of H.keys(local).sort()) if (!done.has(p)) this.tryDelete(p, zxid, triggers);
    }
  }

  private tryDelete(path: string, zxid: number, triggers: WatchTrigger[]): void {
    try {
      this.deleteNode(path, zxid, triggers);
    } catch (e) {
      if (!(e instanceof ApplyError)) throw e; // NoNode is ignored, as ZooKeeper does
    }
  }
}
