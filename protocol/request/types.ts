/**
 * Client requests, server replies, Stat, ACLs and watch events of ZooKeeper 3.8, as plain JSON data.
 *
 * Representation choices (shared by requests, replies, txns and the tree):
 * - Node data is `Data` = a base64 string, or `null` for a null byte[] (ZooKeeper distinguishes a
 *   null array from an empty one: get returns null vs ""). `''` is the empty byte array.
 * - Session ids are `SessionId` = `'0x'` + lower-case hex without leading zeros (as Long.toHexString
 *   prints them), e.g. `'0x1000a3f2c0000'`. ZooKeeper ids use all 64 bits (the server id sits in the
 *   top byte), which JS numbers cannot hold exactly; a hex string is exact, JSON-safe and a good Map
 *   key. `NO_SESSION` (`'0x0'`) is ZooKeeper's 0 (no owner).
 * - zxids are numbers (see `protocol/zxid.ts`); times are the leader's clock in ms.
 */

export type Data = string | null;
export type SessionId = string;
export const NO_SESSION: SessionId = '0x0';

/** ZooKeeper OpCode values (ZooDefs.OpCode). */
export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;

/** Permission bits (ZooDefs.Perms). */
export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export interface Acl {
  readonly perms: number;
  readonly scheme: string;
  readonly id: string;
}

/** `world:anyone:cdrwa`, ZooKeeper's OPEN_ACL_UNSAFE. */
export const OPEN_ACL_UNSAFE: readonly Acl[] = Object.freeze([
  Object.freeze({ perms: Perms.ALL, scheme: 'world', id: 'anyone' }),
]);

/** What every read returns about a node. `cversion` is the visible value (see datatree). */
export interface Stat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: SessionId;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: number;
}

/** CreateMode flag values (CreateMode.toFlag). */
export const CreateFlag = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

export interface CreateModeInfo {
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  readonly ttl: boolean;
}

/** CreateMode.fromFlag; `undefined` for an unknown flag (the server answers BadArguments). */
export function createModeOf(flags: number): CreateModeInfo | undefined {
  switch (flags) {
    case 0: return { ephemeral: false, sequential: false, container: false, ttl: false };
    case 1: return { ephemeral: true, sequential: false, container: false, ttl: false };
    case 2: return { ephemeral: false, sequential: true, container: false, ttl: false };
    case 3: return { ephemeral: true, sequential: true, container: false, ttl: false };
    case 4: return { ephemeral: false, sequential: false, container: true, ttl: false };
    case 5: return { ephemeral: false, sequential: false, container: false, ttl: true };
    case 6: return { ephemeral: false, sequential: true, container: false, ttl: true };
    default: return undefined;
  }
}

/** The create opcodes: `create` replies with the path only, the others with path + stat. */
export type CreateOpcode = 'create' | 'create2' | 'createContainer' | 'createTTL';

/** AddWatchMode. */
export const AddWatchMode = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;

/** WatcherType for removeWatches / checkWatches. */
export const WatcherType = { Children: 1, Data: 2, Any: 3, Persistent: 4, PersistentRecursive: 5 } as const;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export interface CreateRequest {
  readonly op: 'create';
  readonly opcode: CreateOpcode;
  readonly path: string;
  readonly data: Data;
  readonly acl: readonly Acl[];
  /** Raw CreateMode flags (see CreateFlag); unknown values are answered BadArguments. */
  readonly flags: number;
  /** Only with opcode createTTL (ZooKeeper sends -1 otherwise). */
  readonly ttl?: number;
}
export interface DeleteRequest { readonly op: 'delete'; readonly path: string; readonly version: number }
export interface SetDataRequest { readonly op: 'setData'; readonly path: string; readonly data: Data; readonly version: number }
export interface CheckRequest { readonly op: 'check'; readonly path: string; readonly version: number }
export interface GetDataRequest { readonly op: 'getData'; readonly path: string; readonly watch: boolean }
export interface ExistsRequest { readonly op: 'exists'; readonly path: string; readonly watch: boolean }
/** getChildren (opcode 8) when `withStat` is false, getChildren2 (12) when true. */
export interface GetChildrenRequest { readonly op: 'getChildren'; readonly path: string; readonly watch: boolean; readonly withStat: boolean }
export interface SyncRequest { readonly op: 'sync'; readonly path: string }
export type MultiSubRequest = CreateRequest | DeleteRequest | SetDataRequest | CheckRequest;
export interface MultiRequest { readonly op: 'multi'; readonly ops: readonly MultiSubRequest[] }
export interface SetAclRequest { readonly op: 'setACL'; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
export interface GetAclRequest { readonly op: 'getACL'; readonly path: string }
export interface AddWatchRequest { readonly op: 'addWatch'; readonly path: string; readonly mode: number }
export interface RemoveWatchesRequest { readonly op: 'removeWatches'; readonly path: string; readonly watcherType: number }
export interface CheckWatchesRequest { readonly op: 'checkWatches'; readonly path: string; readonly watcherType: number }
export interface GetEphemeralsRequest { readonly op: 'getEphemerals'; readonly prefix: string }
export interface GetAllChildrenNumberRequest { readonly op: 'getAllChildrenNumber'; readonly path: string }
/** `auth` is the credential text (digest: `user:password`). */
export interface AddAuthRequest { readonly op: 'addAuth'; readonly scheme: string; readonly auth: string }
export interface CreateSessionRequest { readonly op: 'createSession'; readonly timeoutMs: number }
export interface CloseSessionRequest { readonly op: 'closeSession' }

export type Request =
  | CreateRequest
  | DeleteRequest
  | SetDataRequest
  | CheckRequest
  | GetDataRequest
  | ExistsRequest
  | GetChildrenRequest
  | SyncRequest
  | MultiRequest
  | SetAclRequest
  | GetAclRequest
  | AddWatchRequest
  | RemoveWatchesRequest
  | CheckWatchesRequest
  | GetEphemeralsRequest
  | GetAllChildrenNumberRequest
  | AddAuthRequest
  | CreateSessionRequest
  | CloseSessionRequest;

export type RequestOp = Request['op'];

/** Requests that become a txn (go through the leader's prep step). */
export function isWriteRequest(req: Request): boolean {
  switch (req.op) {
    case 'create':
    case 'delete':
    case 'setData':
    case 'check':
    case 'multi':
    case 'setACL':
    case 'createSession':
    case 'closeSession':
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Replies: `rc` is the ReplyHeader err, `zxid` the ReplyHeader zxid. Body fields only when rc OK.
// ---------------------------------------------------------------------------------------------

/** One entry of a multi reply. `type` as OpResult: create/delete/setData/check/error. */
export type MultiResult =
  | { readonly type: 'create'; readonly path: string; readonly stat?: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'check' }
  | { readonly type: 'error'; readonly err: number };

export interface ReplyBody {
  /** create: the created path; sync: the path. */
  readonly path?: string;
  readonly stat?: Stat | null;
  readonly data?: Data;
  readonly children?: readonly string[];
  readonly results?: readonly MultiResult[];
  readonly acl?: readonly Acl[];
  readonly ephemerals?: readonly string[];
  readonly totalNumber?: number;
  /** createSession: the new session and the negotiated timeout. */
  readonly sessionId?: SessionId;
  readonly timeoutMs?: number;
}

export interface Reply extends ReplyBody {
  readonly op: RequestOp;
  readonly rc: number;
  readonly zxid: number;
}

// ---------------------------------------------------------------------------------------------
// Watches
// ---------------------------------------------------------------------------------------------

/** Watcher.Event.EventType codes the server sends. */
export const EventType = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];
export const EVENT_NAMES: Readonly<Record<number, string>> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};

/**
 * A change of the tree that may fire watches (what `applyTxn` returns), one per ZooKeeper
 * `triggerWatch` site: NodeCreated / NodeDataChanged go to data watches, NodeChildrenChanged to
 * child watches, NodeDeleted to data then child watches (one event per session). `acl` is the ACL of
 * the node the event names, checked for READ at fire time (CVE-2024-23944 fix).
 */
export interface WatchTrigger {
  readonly path: string;
  readonly type: EventTypeCode;
  readonly acl: readonly Acl[];
}

/** A notification to one session (state is always SyncConnected for node events). */
export interface WatchEvent {
  readonly sessionId: SessionId;
  readonly type: EventTypeCode;
  readonly path: string;
}
