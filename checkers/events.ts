/**
 * The ONE adapter between the trace vocabulary and the checkers. Every checker reads the typed
 * events below, never raw records, so when a node renames a trace event or a field only this file
 * changes. Host records (`boot`, `restart`, `crash`) come from the simulator kernel; everything else
 * is a node's own `trace` effect (`{ev:'trace', event, data}`), vocabulary in `protocol/TRACE.md`.
 *
 * Decoding is done once per trace array and cached (checkers run over the same records).
 */
import type { TraceRecord } from './types.ts';

export type ZEvent =
  /** The process started (first boot or restart): everything in memory is new. */
  | { readonly k: 'boot'; readonly restart: boolean }
  /** The process died; `kept` of its un-fsynced log records survived (a torn prefix). */
  | { readonly k: 'crash'; readonly kept: number }
  | { readonly k: 'state'; readonly state: string; readonly epoch?: number }
  | { readonly k: 'epochAccepted'; readonly epoch: number }
  | { readonly k: 'epochCurrent'; readonly epoch: number }
  | { readonly k: 'established'; readonly epoch: number; readonly zxid?: number; readonly quorum: readonly string[] }
  | { readonly k: 'syncSend'; readonly peer: string; readonly mode: string; readonly from?: number; readonly to?: number }
  | { readonly k: 'propose'; readonly zxid: number; readonly digest?: string }
  | { readonly k: 'logAppend'; readonly zxid: number }
  | { readonly k: 'logDurable'; readonly zxid: number }
  | { readonly k: 'logTruncate'; readonly zxid: number }
  /** The node's data tree was replaced by a snapshot at `zxid` (SNAP sync, or load at restart). */
  | { readonly k: 'snapshotLoad'; readonly zxid: number }
  | { readonly k: 'ack'; readonly zxid: number; readonly from?: string }
  | { readonly k: 'commit'; readonly zxid: number }
  | { readonly k: 'apply'; readonly zxid: number; readonly txn: TxnInfo }
  | { readonly k: 'sessionCreate'; readonly session: string; readonly timeoutMs?: number }
  | { readonly k: 'sessionEnd'; readonly session: string; readonly how: 'close' | 'expire' }
  | { readonly k: 'invoke'; readonly session: string; readonly xid: number; readonly op: string; readonly path?: string }
  | { readonly k: 'return'; readonly session: string; readonly xid: number; readonly rc: number; readonly zxid?: number }
  | { readonly k: 'clientConnected'; readonly session: string; readonly server?: string }
  | { readonly k: 'clientDisconnected'; readonly session?: string }
  | { readonly k: 'clientExpired'; readonly session?: string }
  /** The application made a client node drop its connection without closing the session
   *  (kernel `request` record with op `abandon`): the session is left to expire. */
  | { readonly k: 'clientAbandon' }
  | { readonly k: 'vote'; readonly vote: VoteInfo; readonly round: number }
  /** A server starts an election; `vote` is its initial vote for itself (its credential). */
  | { readonly k: 'electionStart'; readonly round?: number; readonly vote?: VoteInfo }
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

/** What an `apply` says about its txn. Only `type` is promised today; the rest is in "Needs". */
export interface TxnInfo {
  readonly type: string;
  /** Identity of the txn beyond its zxid (a digest of type+payload), to tell two txns apart. */
  readonly digest?: string;
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
  for (let i = hit.upTo; i < records.length; i++) {
    const r = records[i]!;
    const e = toEvent(r);
    if (e !== undefined) out.push({ i, t: r.t, node: r.node, e });
  }
  hit.upTo = records.length;
  return out;
}

/** `s3` → 3; anything else → NaN. */
export function sidOf(node: string): number {
  return /^s\d+$/.test(node) ? Number(node.slice(1)) : NaN;
}

export function isServer(node: string): boolean {
  return /^s\d+$/.test(node);
}

type Data = Readonly<Record<string, unknown>>;

function num(d: Data, key: string): number | undefined {
  const v = d[key];
  if (typeof v === 'number') return v;
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function str(d: Data, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Session ids may be numbers or hex strings; one canonical key. */
function session(d: Data, key = 'session'): string | undefined {
  const v = d[key];
  if (typeof v === 'number') return '0x' + v.toString(16);
  if (typeof v === 'string') return v.startsWith('0x') ? v.toLowerCase() : /^\d+$/.test(v) ? '0x' + BigInt(v).toString(16) : v;
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  return undefined;
}

function nodeName(v: unknown): string | undefined {
  if (typeof v === 'number') return 's' + v;
  if (typeof v === 'string') return v;
  return undefined;
}

function sid(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = sidOf(v);
    return Number.isNaN(n) ? (Number.isNaN(Number(v)) ? undefined : Number(v)) : n;
  }
  return undefined;
}

function vote(d: Data): VoteInfo | undefined {
  const leader = sid(d['leader']);
  const zxid = num(d, 'zxid');
  const peerEpoch = num(d, 'peerEpoch');
  if (leader === undefined || zxid === undefined || peerEpoch === undefined) return undefined;
  return { leader, zxid, peerEpoch };
}

function toEvent(r: TraceRecord): ZEvent | undefined {
  switch (r.ev) {
    case 'boot':
      return { k: 'boot', restart: false };
    case 'restart':
      return { k: 'boot', restart: true };
    case 'crash':
      return { k: 'crash', kept: typeof r['kept'] === 'number' ? r['kept'] : 0 };
    case 'send':
      return proposal(r['msg']);
    case 'request': {
      const op = r['op'] as Data | undefined;
      return typeof op === 'object' && op !== null && op['op'] === 'abandon' ? { k: 'clientAbandon' } : undefined;
    }
    case 'trace':
      break;
    default:
      return undefined;
  }
  const event = r['event'];
  if (typeof event !== 'string') return undefined;
  const d: Data = (r['data'] as Data | undefined) ?? {};
  const zxid = num(d, 'zxid');
  switch (event) {
    case 'state': {
      const state = str(d, 'state');
      if (state === undefined) return undefined;
      const epoch = num(d, 'epoch');
      return epoch === undefined ? { k: 'state', state } : { k: 'state', state, epoch };
    }
    case 'epoch.accepted':
    case 'epoch.current': {
      const epoch = num(d, 'epoch');
      if (epoch === undefined) return undefined;
      return { k: event === 'epoch.accepted' ? 'epochAccepted' : 'epochCurrent', epoch };
    }
    case 'leader.established': {
      const epoch = num(d, 'epoch');
      if (epoch === undefined) return undefined;
      const q = Array.isArray(d['quorum']) ? (d['quorum'] as unknown[]).map(nodeName).filter((x) => x !== undefined) : [];
      return zxid === undefined ? { k: 'established', epoch, quorum: q } : { k: 'established', epoch, zxid, quorum: q };
    }
    case 'sync.send': {
      const peer = nodeName(d['peer']);
      const mode = str(d, 'mode');
      if (peer === undefined || mode === undefined) return undefined;
      const from = num(d, 'from');
      const to = num(d, 'to');
      return { k: 'syncSend', peer, mode, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
    }
    case 'propose': {
      if (zxid === undefined) return undefined;
      const digest = str(d, 'digest');
      return digest === undefined ? { k: 'propose', zxid } : { k: 'propose', zxid, digest };
    }
    case 'log.append':
      return zxid === undefined ? undefined : { k: 'logAppend', zxid };
    case 'log.durable':
      return zxid === undefined ? undefined : { k: 'logDurable', zxid };
    case 'log.truncate':
      return zxid === undefined ? undefined : { k: 'logTruncate', zxid };
    case 'snapshot.load':
    case 'sync.snap':
      return zxid === undefined ? undefined : { k: 'snapshotLoad', zxid };
    case 'ack': {
      if (zxid === undefined) return undefined;
      const from = nodeName(d['from']);
      return from === undefined ? { k: 'ack', zxid } : { k: 'ack', zxid, from };
    }
    case 'commit':
      return zxid === undefined ? undefined : { k: 'commit', zxid };
    case 'apply': {
      if (zxid === undefined) return undefined;
      // Hot path (one per server per txn): build the object without spreads.
      const type = str(d, 'type') ?? '?';
      const txn: { -readonly [K in keyof TxnInfo]: TxnInfo[K] } = { type };
      if (d['digest'] !== undefined) txn.digest = str(d, 'digest');
      if (d['session'] !== undefined) txn.session = session(d);
      if (d['path'] !== undefined) txn.path = str(d, 'path');
      if (typeof d['ephemeral'] === 'boolean') txn.ephemeral = d['ephemeral'];
      if (typeof d['error'] === 'boolean') txn.error = d['error'];
      else if (type === 'error') txn.error = true;
      return { k: 'apply', zxid, txn };
    }
    case 'session.create': {
      const s = session(d);
      if (s === undefined) return undefined;
      const timeoutMs = num(d, 'timeout') ?? num(d, 'timeoutMs');
      return timeoutMs === undefined ? { k: 'sessionCreate', session: s } : { k: 'sessionCreate', session: s, timeoutMs };
    }
    case 'session.close':
    case 'session.expire': {
      const s = session(d);
      if (s === undefined) return undefined;
      return { k: 'sessionEnd', session: s, how: event === 'session.close' ? 'close' : 'expire' };
    }
    case 'client.invoke': {
      const s = session(d);
      const xid = num(d, 'xid');
      if (s === undefined || xid === undefined) return undefined;
      return { k: 'invoke', session: s, xid, op: str(d, 'op') ?? '?', ...optional('path', str(d, 'path')) };
    }
    case 'client.return': {
      const s = session(d);
      const xid = num(d, 'xid');
      if (s === undefined || xid === undefined) return undefined;
      return { k: 'return', session: s, xid, rc: num(d, 'rc') ?? 0, ...optional('zxid', zxid) };
    }
    case 'client.connected': {
      const s = session(d);
      if (s === undefined) return undefined;
      return { k: 'clientConnected', session: s, ...optional('server', nodeName(d['server'])) };
    }
    case 'client.disconnected':
      return { k: 'clientDisconnected', ...optional('session', session(d)) };
    case 'client.expired':
      return { k: 'clientExpired', ...optional('session', session(d)) };
    case 'vote': {
      const v = vote(d);
      if (v === undefined) return undefined;
      return { k: 'vote', vote: v, round: num(d, 'round') ?? num(d, 'electionEpoch') ?? 0 };
    }
    case 'election.start': {
      const v = typeof d['vote'] === 'object' && d['vote'] !== null ? vote(d['vote'] as Data) : undefined;
      return { k: 'electionStart', ...optional('round', num(d, 'round')), ...optional('vote', v) };
    }
    case 'election.decided': {
      const v = vote(d);
      const state = str(d, 'state');
      if (v === undefined || state === undefined) return undefined;
      const from = Array.isArray(d['votesFrom']) ? (d['votesFrom'] as unknown[]).map(sid).filter((x) => x !== undefined) : [];
      return { k: 'decided', state, vote: v, round: num(d, 'round') ?? 0, votesFrom: from };
    }
    default:
      return undefined;
  }
}

/** The txn carried by a PROPOSAL/INFORM message (`protocol/zab/messages.ts`: `{entry: {zxid, txn}}`
 *  with `txn = {hdr: {sessionId, type, ...}, body}` from `protocol/request/txn.ts`). */
function proposal(msg: unknown): ZEvent | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Data;
  if (m['type'] !== 'PROPOSAL' && m['type'] !== 'INFORM') return undefined;
  const entry = m['entry'] as Data | undefined;
  if (entry === undefined || typeof entry['zxid'] !== 'number') return undefined;
  const txn = entry['txn'] as Data | undefined;
  const hdr = (txn?.['hdr'] as Data | undefined) ?? {};
  const body = (txn?.['body'] as Data | undefined) ?? {};
  const info = txnInfo(str(hdr, 'type') ?? str(body, 'type') ?? '?', body, session(hdr, 'sessionId'));
  return { k: 'proposalSent', zxid: entry['zxid'], txn: info, json: () => JSON.stringify(txn ?? null) };
}

function txnInfo(type: string, body: Data, owner: string | undefined): TxnInfo {
  const subs = type === 'multi' && Array.isArray(body['txns'])
    ? (body['txns'] as Data[]).map((b) => txnInfo(str(b, 'type') ?? '?', b, owner))
    : undefined;
  const paths = Array.isArray(body['paths']) ? (body['paths'] as unknown[]).filter((x): x is string => typeof x === 'string') : undefined;
  return {
    type,
    ...optional('session', owner),
    ...optional('path', str(body, 'path')),
    ...optional('ephemeral', typeof body['ephemeral'] === 'boolean' ? body['ephemeral'] : undefined),
    ...optional('error', type === 'error' ? true : undefined),
    ...optional('paths', paths),
    ...optional('subs', subs),
  };
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}
