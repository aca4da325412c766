/**
 * The typed event view the checkers read: the records that carry protocol meaning, turned into one
 * small union (`ZEvent`) in one pass, cached per trace array (a growing live array is decoded
 * further, not again). The records are already typed (`records.ts`), so this is a projection, not a
 * parser: a renamed event or field is a compile error here.
 *
 * Node ids: Zab/election events name peers by sid; the view turns them into NodeIds so they compare
 * with `node`, through the run's address book: the header record's `servers` (myid, node, role),
 * or, for a trace whose header has none (synthetic test traces, traces of non-ZooKeeper nodes), the
 * ensemble builders' default naming `s<myid>` (`serverNames(records)`).
 */
import type { Proposal } from '../protocol/zab/messages.ts';
import type { Txn, TxnBody } from '../protocol/request/txn.ts';
import type { TraceRecord } from './records.ts';

export type ZEvent =
  /** The process started (first boot or restart): everything in memory is new. */
  | { readonly k: 'boot'; readonly restart: boolean }
  /** The process died; `kept` of its un-fsynced log records survived (a torn prefix). */
  | { readonly k: 'crash'; readonly kept: number }
  | { readonly k: 'state'; readonly state: string; readonly epoch?: number }
  | { readonly k: 'epochAccepted'; readonly epoch: number }
  | { readonly k: 'epochCurrent'; readonly epoch: number }
  | { readonly k: 'established'; readonly epoch: number; readonly zxid: number; readonly quorum: readonly string[] }
  | { readonly k: 'syncSend'; readonly peer: string; readonly mode: string; readonly from: number; readonly to: number }
  | { readonly k: 'propose'; readonly zxid: number }
  | { readonly k: 'logAppend'; readonly zxid: number }
  | { readonly k: 'logDurable'; readonly zxid: number }
  | { readonly k: 'logTruncate'; readonly zxid: number }
  /** Log records after `zxid` that never became durable are gone (a failed fsync). */
  | { readonly k: 'logLost'; readonly zxid: number }
  /** The node's data tree was replaced by the leader's snapshot at `zxid` (SNAP sync). */
  | { readonly k: 'snapshotLoad'; readonly zxid: number; readonly digest: number }
  /** A snapshot of the tree at `zxid` is being written (a rebuild without a crash reads it). */
  | { readonly k: 'snapshotWrite'; readonly zxid: number }
  /** The snapshot at `zxid` is complete on disk (a restart loads it). */
  | { readonly k: 'snapshotDurable'; readonly zxid: number }
  /** The node's data tree was rebuilt from its own disk (start-up, going LOOKING, after TRUNC). */
  | { readonly k: 'dbLoad'; readonly zxid: number; readonly digest: number }
  | { readonly k: 'ack'; readonly zxid: number; readonly from: string }
  | { readonly k: 'commit'; readonly zxid: number }
  /** `digest`: the server's state digest right after applying (trace/README.md, Digest). */
  | { readonly k: 'apply'; readonly zxid: number; readonly txn: TxnInfo; readonly digest: number }
  | { readonly k: 'sessionCreate'; readonly session: string; readonly timeoutMs: number }
  | { readonly k: 'sessionEnd'; readonly session: string; readonly how: 'close' | 'expire' }
  | { readonly k: 'invoke'; readonly session: string; readonly xid: number; readonly op: string; readonly path?: string }
  | { readonly k: 'return'; readonly session: string; readonly xid: number; readonly rc: number; readonly zxid: number }
  | { readonly k: 'clientConnected'; readonly session: string; readonly server: string | null }
  | { readonly k: 'clientDisconnected'; readonly session: string }
  | { readonly k: 'clientExpired'; readonly session: string }
  /** The application made a client node drop its connection without closing the session
   *  (kernel `request` record with op `abandon`): the session is left to expire. */
  | { readonly k: 'clientAbandon' }
  | { readonly k: 'vote'; readonly vote: VoteInfo; readonly round: number }
  /** A server starts an election; `vote` is its initial vote for itself (its credential). */
  | { readonly k: 'electionStart'; readonly round: number; readonly vote: VoteInfo }
  /** A PROPOSAL/INFORM went out (kernel `send` record): the txn's content, for checks that need
   *  more than the zxid. `json` is the txn's canonical text (identity across senders). */
  | { readonly k: 'proposalSent'; readonly zxid: number; readonly txn: TxnInfo; readonly json: () => string }
  | {
      readonly k: 'decided';
      readonly state: string;
      readonly vote: VoteInfo;
      readonly round: number;
      readonly votesFrom: readonly number[];
    };

export interface VoteInfo {
  readonly leader: number;
  readonly zxid: number;
  readonly peerEpoch: number;
}

/** What is known of a txn: `apply` gives its type; a PROPOSAL's txn (`proposalSent`) the rest. */
export interface TxnInfo {
  readonly type: string;
  /** The session the txn belongs to (creates, closeSession, ...). */
  readonly session?: string;
  readonly path?: string;
  /** A create of an ephemeral node (owner = `session`). */
  readonly ephemeral?: boolean;
  /** The txn is an error txn (nothing changed in the tree). */
  readonly error?: boolean;
  /** closeSession: the ephemerals it deletes (ZooKeeper 3.8 CloseSessionTxn paths). */
  readonly paths?: readonly string[];
  /** multi: its sub-txns. */
  readonly subs?: readonly TxnInfo[];
}

export interface Decoded {
  /** Index of the record in the trace. */
  readonly i: number;
  readonly t: number;
  readonly node: string;
  readonly e: ZEvent;
}

/** Which nodes are servers, and their myids: the run's address book. */
export interface ServerNames {
  isServer(node: string): boolean;
  /** The myid of server `node`; NaN for a node that is not a server. */
  myidOf(node: string): number;
  /** The node id of server `myid`. */
  nodeOf(myid: number): string;
}

/** The ensemble builders' default naming (`protocol/addressBook.ts` defaultAddressBook): server
 *  myid N is node `sN`. For traces whose header carries no address book. */
export const DEFAULT_NAMES: ServerNames = {
  isServer: (node) => /^s\d+$/.test(node),
  myidOf: (node) => (/^s\d+$/.test(node) ? Number(node.slice(1)) : NaN),
  nodeOf: (myid) => 's' + myid,
};

/** `s3` → 3 in the default naming (synthetic traces); a run's checkers use `serverNames(records)`. */
export const sidOf = DEFAULT_NAMES.myidOf;

/** Is `node` a server in the default naming (synthetic traces)? Checkers use `serverNames`. */
export function isServer(node: string): boolean {
  return DEFAULT_NAMES.isServer(node);
}

const namesCache = new WeakMap<readonly TraceRecord[], ServerNames>();

/** The address book of a run: its header's `servers`, else the default naming. */
export function serverNames(records: readonly TraceRecord[]): ServerNames {
  let names = namesCache.get(records);
  if (names !== undefined) return names;
  const h = records[0];
  const servers = h !== undefined && h.ev === 'header' ? h.servers : undefined;
  if (servers === undefined) names = DEFAULT_NAMES;
  else {
    const byNode = new Map(servers.map((s) => [s.node, s.myid] as const));
    const byMyid = new Map(servers.map((s) => [s.myid, s.node] as const));
    names = {
      isServer: (node) => byNode.has(node),
      myidOf: (node) => byNode.get(node) ?? NaN,
      nodeOf: (myid) => byMyid.get(myid) ?? `myid${myid}`,
    };
  }
  // Only a header read is cached (an empty live array may get its header later).
  if (h !== undefined) namesCache.set(records, names);
  return names;
}

/** Cached per array; a live trace array that grew since is decoded further, not again. */
const cache = new WeakMap<readonly TraceRecord[], { out: Decoded[]; upTo: number }>();

/** The typed events of a trace, in trace order (records that no checker reads are skipped). */
export function decode(records: readonly TraceRecord[]): readonly Decoded[] {
  let hit = cache.get(records);
  if (hit !== undefined && hit.upTo === records.length) return hit.out;
  if (hit === undefined || hit.upTo > records.length) {
    hit = { out: [], upTo: 0 };
    cache.set(records, hit);
  }
  const out = hit.out;
  const nodeOf = serverNames(records).nodeOf;
  for (let i = hit.upTo; i < records.length; i++) {
    const r = records[i]!;
    const e = toEvent(r, nodeOf);
    if (e !== undefined) out.push({ i, t: r.t, node: r.node, e });
  }
  hit.upTo = records.length;
  return out;
}

function toEvent(r: TraceRecord, nodeOf: (myid: number) => string): ZEvent | undefined {
  switch (r.ev) {
    case 'boot':
      return { k: 'boot', restart: false };
    case 'restart':
      return { k: 'boot', restart: true };
    case 'crash':
      return { k: 'crash', kept: r.kept };
    case 'send':
      return r.type === 'PROPOSAL' || r.type === 'INFORM' ? proposal(r.msg as unknown as Proposal) : undefined;
    case 'request': {
      const op = r.op as { op?: unknown } | null | undefined;
      return typeof op === 'object' && op !== null && op.op === 'abandon' ? { k: 'clientAbandon' } : undefined;
    }
    case 'trace':
      break;
    default:
      return undefined;
  }
  switch (r.event) {
    case 'state':
      return r.data.epoch === undefined ? { k: 'state', state: r.data.state } : { k: 'state', state: r.data.state, epoch: r.data.epoch };
    case 'epoch.accepted':
      return { k: 'epochAccepted', epoch: r.data.epoch };
    case 'epoch.current':
      return { k: 'epochCurrent', epoch: r.data.epoch };
    case 'leader.established':
      return { k: 'established', epoch: r.data.epoch, zxid: r.data.zxid, quorum: r.data.quorum.map(nodeOf) };
    case 'sync.send':
      return { k: 'syncSend', peer: nodeOf(r.data.peer), mode: r.data.mode, from: r.data.from, to: r.data.to };
    case 'propose':
      return { k: 'propose', zxid: r.data.zxid };
    case 'log.append':
      return { k: 'logAppend', zxid: r.data.zxid };
    case 'log.durable':
      return { k: 'logDurable', zxid: r.data.zxid };
    case 'log.truncate':
      return { k: 'logTruncate', zxid: r.data.zxid };
    case 'log.lost':
      return { k: 'logLost', zxid: r.data.zxid };
    case 'sync.snap':
      return { k: 'snapshotLoad', zxid: r.data.zxid, digest: r.data.digest };
    case 'snapshot':
      return { k: 'snapshotWrite', zxid: r.data.zxid };
    case 'snapshot.durable':
      return { k: 'snapshotDurable', zxid: r.data.zxid };
    case 'db.load':
      return { k: 'dbLoad', zxid: r.data.zxid, digest: r.data.digest };
    case 'ack':
      return { k: 'ack', zxid: r.data.zxid, from: nodeOf(r.data.from) };
    case 'commit':
      return { k: 'commit', zxid: r.data.zxid };
    case 'apply': {
      const type = r.data.type;
      return { k: 'apply', zxid: r.data.zxid, txn: type === 'error' ? { type, error: true } : { type }, digest: r.data.digest };
    }
    case 'session.create':
      return { k: 'sessionCreate', session: r.data.session, timeoutMs: r.data.timeoutMs };
    case 'session.close':
      return { k: 'sessionEnd', session: r.data.session, how: 'close' };
    case 'session.expire':
      return { k: 'sessionEnd', session: r.data.session, how: 'expire' };
    case 'client.invoke': {
      const d = r.data;
      return d.path === undefined
        ? { k: 'invoke', session: d.session, xid: d.xid, op: d.op }
        : { k: 'invoke', session: d.session, xid: d.xid, op: d.op, path: d.path };
    }
    case 'client.return':
      return { k: 'return', session: r.data.session, xid: r.data.xid, rc: r.data.rc, zxid: r.data.zxid };
    case 'client.connected':
      return { k: 'clientConnected', session: r.data.session, server: r.data.server };
    case 'client.disconnected':
      return { k: 'clientDisconnected', session: r.data.session };
    case 'client.expired':
      return { k: 'clientExpired', session: r.data.session };
    case 'vote': {
      const d = r.data;
      return { k: 'vote', vote: { leader: d.leader, zxid: d.zxid, peerEpoch: d.peerEpoch }, round: d.round };
    }
    case 'election.start': {
      const v = r.data.vote;
      return { k: 'electionStart', round: r.data.round, vote: { leader: v.leader, zxid: v.zxid, peerEpoch: v.peerEpoch } };
    }
    case 'election.decided': {
      const d = r.data;
      return { k: 'decided', state: d.state, vote: { leader: d.leader, zxid: d.zxid, peerEpoch: d.peerEpoch }, round: d.round, votesFrom: d.votesFrom };
    }
    default:
      return undefined;
  }
}

/** The txn a PROPOSAL/INFORM carries (`protocol/zab/messages.ts` `Proposal`; the txn is a
 *  `protocol/request/txn.ts` `Txn`, or the opaque backend's `{hdr, body: Request}`). */
function proposal(m: Proposal): ZEvent | undefined {
  const entry = m.entry;
  if (typeof entry !== 'object' || entry === null || typeof entry.zxid !== 'number') return undefined;
  const txn = entry.txn as Partial<Txn> | null | undefined;
  const hdr = txn?.hdr;
  const body = txn?.body;
  const info = txnInfo(hdr?.type ?? body?.type ?? '?', body, hdr?.sessionId);
  return { k: 'proposalSent', zxid: entry.zxid, txn: info, json: () => JSON.stringify(txn ?? null) };
}

function txnInfo(type: string, body: TxnBody | undefined, owner: string | undefined): TxnInfo {
  const info: { -readonly [K in keyof TxnInfo]: TxnInfo[K] } = { type };
  if (owner !== undefined) info.session = owner;
  if (type === 'error') info.error = true;
  if (body === undefined || body === null) return info;
  if ('path' in body && typeof body.path === 'string') info.path = body.path;
  if ('ephemeral' in body && typeof body.ephemeral === 'boolean') info.ephemeral = body.ephemeral;
  if (body.type === 'closeSession' && Array.isArray(body.paths)) info.paths = body.paths;
  if (body.type === 'multi' && Array.isArray(body.txns)) info.subs = body.txns.map((b) => txnInfo(b.type, b, owner));
  return info;
}
