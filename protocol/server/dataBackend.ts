/**
 * The real data model behind a server: the DataTree (replicated state, O(1) snapshots), the prep
 * step (leader), read processing and this server's WatchManager — all the DataTree engineer's code;
 * this file only adapts it to the serving layer. The one piece written here is SetWatches (a
 * reconnecting client re-registers its watches relative to its last zxid), which the standalone
 * model has no use for.
 */
import { DataTree } from '../datatree/tree.ts';
import type { ApplyResult, TreeSnapshot } from '../datatree/tree.ts';
import { findExpired } from '../datatree/expiry.ts';
import { authenticate, checkAcl } from '../request/acl.ts';
import type { AuthId } from '../request/acl.ts';
import { Prep as TreePrep } from '../request/prep.ts';
import type { SessionCheck } from '../request/prep.ts';
import { processRead } from '../request/read.ts';
import { buildWriteReply } from '../request/reply.ts';
import { DEFAULT_JUTE_MAXBUFFER, requestPacketSize } from '../request/size.ts';
import type { Txn } from '../request/txn.ts';
import { EventType, Perms } from '../request/types.ts';
import type { Reply, Request, SessionId, WatchEvent } from '../request/types.ts';
import { WatchManager, WatchMode } from '../watches/manager.ts';
import type { WatchModeCode } from '../watches/manager.ts';
import type { SetWatchesRequest } from '../client/wire.ts';
import type { TxnEntry } from '../zab/messages.ts';
import type { Backend, BackendFactory, ConnInfo, Prep } from './backend.ts';
import type { StateMachine } from './database.ts';

/** The replicated state: a DataTree (its session table included). */
export class TreeState implements StateMachine {
  readonly tree: DataTree;

  constructor(image: TreeSnapshot | null) {
    this.tree = image ? DataTree.fromSnapshot(image) : DataTree.create();
  }

  applyTxn(entry: TxnEntry): ApplyResult {
    return this.tree.applyTxn(entry.txn as Txn);
  }

  losePzxids(): void {
    this.tree.losePzxids();
  }

  sessionIds(): string[] {
    return this.tree.sessions().map(([id]) => id);
  }

  serialize(): TreeSnapshot {
    return this.tree.snapshot();
  }

  digest(): number {
    return this.tree.digest;
  }

  setLastProcessedZxid(zxid: number): void {
    this.tree.setLastZxid(zxid);
  }

  /** A canonical description of the content (for comparing servers in tests). */
  fingerprint(): string {
    const nodes: string[] = [];
    this.tree.forEachNode((path, n) => nodes.push(`${path}|${n.data}|${n.version}|${n.cversion}|${n.aversion}|${n.mzxid}|${n.owner}`));
    nodes.sort();
    return JSON.stringify({ nodes, sessions: this.tree.sessions().sort() });
  }
}

export interface DataBackendOptions {
  readonly juteMaxBuffer?: number;
  readonly maxNeverUsedIntervalMs?: number;
  readonly superDigest?: string;
}

class TreePrepAdapter implements Prep {
  private readonly inner: TreePrep;
  constructor(sm: TreeState, sessions: SessionCheck, extendedTypesEnabled: boolean) {
    this.inner = new TreePrep(sm.tree, sessions, { extendedTypesEnabled });
  }
  prep(req: Request, sessionId: SessionId, cxid: number, zxid: number, time: number, auth: readonly AuthId[]): Txn {
    return this.inner.prepRequest(req, { sessionId, cxid, zxid, time, auth });
  }
  prepDeleteContainer(path: string, zxid: number, time: number): Txn {
    return this.inner.prepDeleteContainer(path, zxid, time);
  }
  onCommitted(zxid: number): void {
    this.inner.onCommitted(zxid);
  }
}

/** A WatchManager that remembers whether any watch was ever set, so that a server whose clients
 *  never watch skips firing altogether (the common case in benches). */
class TrackedWatches extends WatchManager {
  used = false;
  override addDataWatch(path: string, session: SessionId): void {
    this.used = true;
    super.addDataWatch(path, session);
  }
  override addChildWatch(path: string, session: SessionId): void {
    this.used = true;
    super.addChildWatch(path, session);
  }
  override addWatch(path: string, session: SessionId, mode: WatchModeCode): void {
    this.used = true;
    super.addWatch(path, session, mode);
  }
}

class DataBackend implements Backend {
  private readonly watches = new TrackedWatches();

  constructor(private readonly opts: DataBackendOptions) {}

  readonly stateMachine = (image: unknown | null): StateMachine => new TreeState(image as TreeSnapshot | null);

  newPrep(sm: StateMachine, sessions: SessionCheck, extendedTypesEnabled: boolean): Prep {
    return new TreePrepAdapter(sm as TreeState, sessions, extendedTypesEnabled);
  }

  read(sm: StateMachine, conn: ConnInfo, req: Request | SetWatchesRequest, zxid: number, emit: (ev: WatchEvent) => void): Reply {
    const tree = (sm as TreeState).tree;
    if (req.op === 'setWatches') {
      this.setWatches(tree, conn.sessionId, req, emit);
      return { op: 'sync', rc: 0, zxid };
    }
    return processRead(tree, req, { sessionId: conn.sessionId, auth: conn.authIds, watches: this.watches });
  }

  /**
   * DataTree.setWatches: a watch whose event already happened after `relativeZxid` fires at once;
   * the others are registered again.
   */
  private setWatches(tree: DataTree, session: SessionId, r: SetWatchesRequest, emit: (ev: WatchEvent) => void): void {
    const rel = r.relativeZxid;
    const fire = (type: number, path: string) => emit({ sessionId: session, type: type as WatchEvent['type'], path });
    for (const path of r.dataWatches) {
      const n = tree.getNode(path);
      if (!n) fire(EventType.NodeDeleted, path);
      else if (n.mzxid > rel) fire(EventType.NodeDataChanged, path);
      else this.watches.addDataWatch(path, session);
    }
    for (const path of r.existWatches) {
      if (tree.getNode(path)) fire(EventType.NodeCreated, path);
      else this.watches.addDataWatch(path, session);
    }
    for (const path of r.childWatches) {
      const n = tree.getNode(path);
      if (!n) fire(EventType.NodeDeleted, path);
      else if (n.pzxid > rel) fire(EventType.NodeChildrenChanged, path);
      else this.watches.addChildWatch(path, session);
    }
    for (const path of r.persistentWatches) this.watches.addWatch(path, session, WatchMode.PERSISTENT);
    for (const path of r.persistentRecursiveWatches) this.watches.addWatch(path, session, WatchMode.PERSISTENT_RECURSIVE);
  }

  replyFor(result: unknown, req: Request, zxid: number): Reply {
    return buildWriteReply(req, result as ApplyResult, zxid);
  }

  fire(result: unknown, authOf: (sessionId: SessionId) => readonly AuthId[] | undefined): readonly WatchEvent[] {
    const r = result as ApplyResult;
    if (r.triggers.length === 0 || !this.watches.used) return [];
    return this.watches.fire(r.triggers, (s, acl) => {
      const auth = authOf(s);
      return auth !== undefined && checkAcl(acl, Perms.READ, auth);
    });
  }

  forget(sessionId: SessionId): void {
    this.watches.removeSession(sessionId);
  }

  sessions(sm: StateMachine): [SessionId, number][] {
    return (sm as TreeState).tree.sessions();
  }

  expiredNodes(sm: StateMachine, now: number): string[] {
    return findExpired((sm as TreeState).tree, now, { maxNeverUsedIntervalMs: this.opts.maxNeverUsedIntervalMs ?? 0 });
  }

  authenticate(scheme: string, auth: string, clientAddr: string): AuthId[] | undefined {
    return authenticate(scheme, auth, { clientAddr, ...(this.opts.superDigest === undefined ? {} : { superDigest: this.opts.superDigest }) });
  }

  fits(req: Request): boolean {
    return requestPacketSize(req) <= (this.opts.juteMaxBuffer ?? DEFAULT_JUTE_MAXBUFFER);
  }
}

/** One DataBackend per server process (each holds its own watches). */
export function dataBackend(opts: DataBackendOptions = {}): BackendFactory {
  return () => new DataBackend(opts);
}
