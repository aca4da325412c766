/**
 * Transactions: what the leader's prep step turns a write request into, what Zab replicates and what
 * every server applies to its DataTree (`DataTree.applyTxn`). Plain JSON data only: data is a
 * base64 string or null (see `types.ts`), session ids are hex strings, zxids are numbers.
 *
 * As in ZooKeeper, a failed write still becomes a txn (type `error`, carrying the error code) and
 * consumes a zxid; a multi whose sub-op failed is a `multi` whose sub-txns are all `error`
 * (OK for the ones before the failure, the real code for the failing one, RuntimeInconsistency after).
 */
import type { Acl, Data, SessionId } from './types.ts';

export interface CreateTxn {
  /** `create` for opcode create, `create2` for create2 (same effect; the reply differs). */
  readonly type: 'create' | 'create2';
  readonly path: string;
  readonly data: Data;
  readonly acl: readonly Acl[];
  readonly ephemeral: boolean;
  /** The parent's stored cversion after this create (ZooKeeper's CreateTxn.parentCVersion). */
  readonly parentCVersion: number;
}
export interface CreateContainerTxn {
  readonly type: 'createContainer';
  readonly path: string;
  readonly data: Data;
  readonly acl: readonly Acl[];
  readonly parentCVersion: number;
}
export interface CreateTtlTxn {
  readonly type: 'createTTL';
  readonly path: string;
  readonly data: Data;
  readonly acl: readonly Acl[];
  readonly parentCVersion: number;
  readonly ttl: number;
}
/** `deleteContainer` is what the container/TTL sweeper sends; applied like a delete. */
export interface DeleteTxn { readonly type: 'delete' | 'deleteContainer'; readonly path: string }
/** `version` is the node's NEW version. */
export interface SetDataTxn { readonly type: 'setData'; readonly path: string; readonly data: Data; readonly version: number }
/** `version` is the node's NEW aversion. */
export interface SetAclTxn { readonly type: 'setACL'; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
/** Only inside a multi; applies nothing. */
export interface CheckTxn { readonly type: 'check'; readonly path: string; readonly version: number }
export interface ErrorTxn { readonly type: 'error'; readonly err: number }
export interface CreateSessionTxn { readonly type: 'createSession'; readonly timeoutMs: number }
/** The session's ephemerals at prep time (ZooKeeper 3.8 CloseSessionTxn.paths2Delete). */
export interface CloseSessionTxn { readonly type: 'closeSession'; readonly paths: readonly string[] }

export type MultiSubTxn =
  | CreateTxn
  | CreateContainerTxn
  | CreateTtlTxn
  | DeleteTxn
  | SetDataTxn
  | CheckTxn
  | ErrorTxn;

export interface MultiTxn { readonly type: 'multi'; readonly txns: readonly MultiSubTxn[] }

export type TxnBody =
  | CreateTxn
  | CreateContainerTxn
  | CreateTtlTxn
  | DeleteTxn
  | SetDataTxn
  | SetAclTxn
  | CheckTxn
  | ErrorTxn
  | MultiTxn
  | CreateSessionTxn
  | CloseSessionTxn;

export type TxnType = TxnBody['type'];

export interface TxnHeader {
  readonly sessionId: SessionId;
  /** The client's request counter (xid); 0 for server-generated txns (expiry, container sweeps). */
  readonly cxid: number;
  readonly zxid: number;
  /** The leader's clock when it prepped the txn: becomes ctime/mtime. */
  readonly time: number;
  /** Equals `body.type`. */
  readonly type: TxnType;
}

export interface Txn {
  readonly hdr: TxnHeader;
  readonly body: TxnBody;
}

export function makeTxn(
  sessionId: SessionId,
  cxid: number,
  zxid: number,
  time: number,
  body: TxnBody,
): Txn {
  return { hdr: { sessionId, cxid, zxid, time, type: body.type }, body };
}
