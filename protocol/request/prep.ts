/**
 * The leader's prep step (ZooKeeper PrepRequestProcessor): turns a write request into a txn, or an
 * error txn, against the tree as it WILL be once every txn already prepped has applied.
 *
 * ZooKeeper keeps "outstanding changes" (per-path change records) on top of the committed tree. We
 * keep a speculative tree instead: a fork of the committed tree (O(1), persistent structure) to
 * which each prepped txn is applied at once. It answers exactly what the change records answer
 * (existence, stat, ACL, children count, a session's ephemerals) for every path. When every prepped
 * txn has committed, the fork is re-taken from the committed tree so the two share structure again.
 *
 * Check order per op follows PrepRequestProcessor (see the reference, section 2). Quotas and
 * reconfig are not modelled.
 */
import { DataTree } from '../datatree/tree.ts';
import { isSpecialPath, parentOf, pathProblem } from '../datatree/path.ts';
import { NodeKind } from '../datatree/znode.ts';
import { Err, KeeperError } from './errors.ts';
import { fixupAcl, requireAcl, type AuthId } from './acl.ts';
import { makeTxn, type MultiSubTxn, type Txn, type TxnBody } from './txn.ts';
import { Perms, createModeOf, type CreateRequest, type MultiSubRequest, type Request, type SessionId } from './types.ts';

/** What prep needs from the session tracker. */
export interface SessionCheck {
  checkSession(id: SessionId): number;
  checkGlobalSession(id: SessionId): number;
  setSessionClosing(id: SessionId): void;
}

export interface PrepConfig {
  /** extendedTypesEnabled (TTL nodes). ZooKeeper's default is false. */
  readonly extendedTypesEnabled: boolean;
}

export interface PrepContext {
  readonly sessionId: SessionId;
  readonly cxid: number;
  /** The zxid this txn gets (the leader's next zxid). */
  readonly zxid: number;
  /** The leader's wall clock (Time.currentWallTime, epoch ms): becomes ctime/mtime. */
  readonly time: number;
  /** The identities of the connection the request came on. */
  readonly auth: readonly AuthId[];
}

/** Largest TTL (EphemeralType.TTL.maxValue(): 40 bits of ms). */
export const MAX_TTL = 2 ** 40 - 1;

/** `%010d` as Java formats it (the sign counts towards the width). */
export function sequenceSuffix(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
}

/**
 * How the server sees a create inside a multi (MultiOperationRecord.deserialize + Op.create): the
 * opcode on the wire only selects the record layout; the op's opcode is re-derived from the flags
 * (unknown flags read as persistent): createTTL for TTL modes, createContainer for container,
 * else plain `create`, whose result carries no Stat even if the client sent create2. A TTL mode
 * sent without a TTL record cannot be prepped: undefined (MarshallingError).
 */
export function multiCreateAsDecoded(req: CreateRequest): CreateRequest | undefined {
  const mode = createModeOf(req.flags);
  if (mode?.ttl) return req.opcode === 'createTTL' ? req : undefined;
  const { ttl: _ttl, ...rest } = req;
  return { ...rest, opcode: mode?.container ? 'createContainer' : 'create' };
}

function validatePath(path: string): void {
  if (pathProblem(path) !== undefined) throw new KeeperError(Err.BADARGUMENTS, path);
}

function check(code: number, path?: string): void {
  if (code !== 0) throw new KeeperError(code, path);
}

export class Prep {
  private committed: DataTree;
  private spec: DataTree;
  private lastPrepped = -1;

  constructor(
    committed: DataTree,
    private readonly sessions: SessionCheck,
    private readonly config: PrepConfig,
  ) {
    this.committed = committed;
    this.spec = committed.fork();
  }

  /** The speculative tree (committed + outstanding). Read-only for callers. */
  view(): DataTree {
    return this.spec;
  }

  /** Call after the txn with this zxid was applied to the committed tree. */
  onCommitted(zxid: number): void {
    if (zxid >= this.lastPrepped) this.spec = this.committed.fork();
  }

  /** Drops all outstanding changes (new leadership, or a new committed tree). */
  reset(committed?: DataTree): void {
    if (committed !== undefined) this.committed = committed;
    this.lastPrepped = -1;
    this.spec = this.committed.fork();
  }

  /** Prep one write request (create, delete, setData, check, multi, setACL, create/closeSession). */
  prepRequest(req: Request, ctx: PrepContext): Txn {
    this.lastPrepped = ctx.zxid;
    let body: TxnBody;
    if (req.op === 'multi') {
      body = this.prepMulti(req.ops, ctx);
      return makeTxn(ctx.sessionId, ctx.cxid, ctx.zxid, ctx.time, body);
    }
    try {
      body = this.prepOne(req, ctx);
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      body = { type: 'error', err: e.code };
    }
    const txn = makeTxn(ctx.sessionId, ctx.cxid, ctx.zxid, ctx.time, body);
    if (body.type !== 'error') this.spec.applyTxn(txn);
    return txn;
  }

  /**
   * The container manager's request (opcode deleteContainer, session 0): NotEmpty if it has
   * children, BadVersion if it is a plain ephemeral; otherwise a deleteContainer txn.
   */
  prepDeleteContainer(path: string, zxid: number, time: number): Txn {
    this.lastPrepped = zxid;
    let body: TxnBody;
    try {
      const parent = parentOf(path);
      if (parent === undefined || path.includes('\0') || isSpecialPath(path)) throw new KeeperError(Err.BADARGUMENTS, path);
      const node = this.node(path);
      if (node.numChildren > 0) throw new KeeperError(Err.NOTEMPTY, path);
      if (node.kind === NodeKind.EPHEMERAL) throw new KeeperError(Err.BADVERSION, path);
      this.node(parent);
      body = { type: 'deleteContainer', path };
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      body = { type: 'error', err: e.code };
    }
    const txn = makeTxn('0x0', 0, zxid, time, body);
    if (body.type !== 'error') this.spec.applyTxn(txn);
    return txn;
  }

  private node(path: string) {
    const n = this.spec.getNode(path);
    if (n === undefined) throw new KeeperError(Err.NONODE, path);
    return n;
  }

  private prepMulti(ops: readonly MultiSubRequest[], ctx: PrepContext): TxnBody {
    const before = this.spec.snapshot();
    const txns: MultiSubTxn[] = [];
    let failed = false;
    for (const raw of ops) {
      if (failed) {
        txns.push({ type: 'error', err: Err.RUNTIMEINCONSISTENCY });
        continue;
      }
      const op = raw.op === 'create' ? multiCreateAsDecoded(raw) : raw;
      if (op === undefined) {
        // ZooKeeper throws a ClassCastException here (a TTL mode without a TTL record): not a
        // KeeperException, so the whole request becomes a MarshallingError error txn.
        this.spec = DataTree.fromSnapshot(before);
        return { type: 'error', err: Err.MARSHALLINGERROR };
      }
      try {
        const sub = this.prepOne(op, ctx) as MultiSubTxn;
        txns.push(sub);
        // Later sub-ops must see this one: apply it to the speculative tree now.
        this.spec.applyTxn(makeTxn(ctx.sessionId, ctx.cxid, ctx.zxid, ctx.time, sub));
      } catch (e) {
        if (!(e instanceof KeeperError)) throw e;
        txns.push({ type: 'error', err: e.code });
        failed = true;
        this.spec = DataTree.fromSnapshot(before); // roll back the multi's earlier sub-ops
      }
    }
    return { type: 'multi', txns };
  }

  private prepOne(req: Request, ctx: PrepContext): TxnBody {
    switch (req.op) {
      case 'create':
        return this.prepCreate(req, ctx);
      case 'delete': {
        check(this.sessions.checkSession(ctx.sessionId));
        const path = req.path;
        const parentPath = parentOf(path);
        if (parentPath === undefined || path.includes('\0') || isSpecialPath(path)) throw new KeeperError(Err.BADARGUMENTS, path);
        const parent = this.node(parentPath);
        requireAcl(parent.acl, Perms.DELETE, ctx.auth, path);
        const node = this.node(path);
        if (req.version !== -1 && req.version !== node.version) throw new KeeperError(Err.BADVERSION, path);
        if (node.numChildren > 0) throw new KeeperError(Err.NOTEMPTY, path);
        return { type: 'delete', path };
      }
      case 'setData': {
        check(this.sessions.checkSession(ctx.sessionId));
        validatePath(req.path);
        const node = this.node(req.path);
        requireAcl(node.acl, Perms.WRITE, ctx.auth, req.path);
        if (req.version !== -1 && req.version !== node.version) throw new KeeperError(Err.BADVERSION, req.path);
        return { type: 'setData', path: req.path, data: req.data, version: node.version + 1 };
      }
      case 'setACL': {
        check(this.sessions.checkSession(ctx.sessionId));
        validatePath(req.path);
        const acl = fixupAcl(req.acl, ctx.auth, req.path);
        const node = this.node(req.path);
        requireAcl(node.acl, Perms.ADMIN, ctx.auth, req.path);
        if (req.version !== -1 && req.version !== node.aversion) throw new KeeperError(Err.BADVERSION, req.path);
        return { type: 'setACL', path: req.path, acl, version: node.aversion + 1 };
      }
      case 'check': {
        check(this.sessions.checkSession(ctx.sessionId));
        validatePath(req.path);
        const node = this.node(req.path);
        requireAcl(node.acl, Perms.READ, ctx.auth, req.path);
        if (req.version !== -1 && req.version !== node.version) throw new KeeperError(Err.BADVERSION, req.path);
        return { type: 'check', path: req.path, version: node.version + 1 };
      }
      case 'createSession':
        // The caller has already tracked the session (SessionTracker.createSession on the server
        // the client connected to; trackSession on the leader), as ZooKeeper does before prep.
        return { type: 'createSession', timeoutMs: req.timeoutMs };
      case 'closeSession': {
        // The session's ephemerals including those still outstanding (the speculative tree holds
        // them); marking the session closing makes any create pipelined behind this fail.
        const paths = this.spec.ephemeralsOf(ctx.sessionId);
        this.sessions.setSessionClosing(ctx.sessionId);
        return { type: 'closeSession', paths };
      }
      default:
        throw new Error(`prep: ${req.op} is not a write request`);
    }
  }

  private prepCreate(req: CreateRequest, ctx: PrepContext): TxnBody {
    const mode = createModeOf(req.flags);
    if (mode === undefined) throw new KeeperError(Err.BADARGUMENTS, req.path);
    const ttl = req.opcode === 'createTTL' ? (req.ttl ?? -1) : -1;
    // validateCreateRequest
    if (mode.ttl && !this.config.extendedTypesEnabled) throw new KeeperError(Err.UNIMPLEMENTED, req.path);
    if (mode.ttl ? !(ttl > 0 && ttl <= MAX_TTL) : ttl >= 0) throw new KeeperError(Err.BADARGUMENTS, req.path);
    check(mode.ephemeral ? this.sessions.checkGlobalSession(ctx.sessionId) : this.sessions.checkSession(ctx.sessionId));
    // validatePathForCreate: only "has a slash, no NUL" before the parent lookup
    let path = req.path;
    const parentPath = parentOf(path);
    if (parentPath === undefined || path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, path);
    const acl = fixupAcl(req.acl, ctx.auth, path);
    const parent = this.node(parentPath);
    requireAcl(parent.acl, Perms.CREATE, ctx.auth, path);
    if (mode.sequential) path = path + sequenceSuffix(parent.cversion);
    validatePath(path);
    if (this.spec.getNode(path) !== undefined) throw new KeeperError(Err.NODEEXISTS, path);
    if (parent.kind === NodeKind.EPHEMERAL) throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS, path);
    const parentCVersion = parent.cversion + 1;
    switch (req.opcode) {
      case 'createContainer':
        return { type: 'createContainer', path, data: req.data, acl, parentCVersion };
      case 'createTTL':
        return { type: 'createTTL', path, data: req.data, acl, parentCVersion, ttl };
      default:
        return { type: req.opcode, path, data: req.data, acl, ephemeral: mode.ephemeral, parentCVersion };
    }
  }
}
