/**
 * Ephemeral cleanup (ZooKeeper: an ephemeral lives exactly as long as its owner session).
 *
 * - OrphanEphemeral: no ephemeral is created for a session after that session's close/expiry txn
 *   (ZOOKEEPER-1208: a create pipelined behind closeSession must fail).
 * - EphemeralOutlivesSession: no read reply shows an ephemeral on a server that has already applied
 *   its owner's close (the reply zxid is the serving server's last applied zxid, so a reply at zxid
 *   >= the close zxid comes from a server that applied the close — ZOOKEEPER-2355's symptom).
 * - TimelyExpiry: once a session's client is gone (crashed, abandoned its session, or disconnected
 *   and never back), the session is closed or expired within its timeout + the election bound,
 *   counted from when the faults were healed if later. Shortcut: a fixed slack of 2 ticks (4 s) covers the leader's
 *   expiry buckets; the timeout is the one `session.create` reports, else `sessionTimeoutMs`, else
 *   the 3.8 maximum (40 s). A session also ends when a leader establishes whose rebuilt tree holds
 *   its close: a close the old leader proposed and its servers logged but never committed is
 *   replayed by every `db.load` (3.8's loadDataBase replays the whole log), so it is in the new
 *   epoch's history without an `apply` or `session.expire` record anywhere.
 *
 * The path model is built from the first `apply` of each zxid (any server) — creates, deletes, and
 * closeSession txns (which delete the session's ephemerals) — with the txn's content taken from the
 * PROPOSAL the leader sent (kernel `send` records), since `apply` carries only zxid and type.
 */
import { zxidHex } from '../protocol/zxid.ts';
import { decode, serverNames, type TxnInfo } from '../trace/view.ts';
import { isRead } from './ops.ts';
import { sharedPass, Verdict, type PassCache } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

const CLOSE_TYPES = new Set(['closeSession', 'close', 'expire', 'expireSession']);
const CREATE_TYPES = new Set(['create', 'create2', 'createContainer', 'createTTL']);
const DELETE_TYPES = new Set(['delete', 'deleteContainer']);

/** Txns the path model needs (the rest are not kept, to bound memory). */
function relevant(x: TxnInfo): boolean {
  return CLOSE_TYPES.has(x.type) || CREATE_TYPES.has(x.type) || DELETE_TYPES.has(x.type) || x.type === 'multi';
}
const DEFAULT_TIMEOUT_MS = 40_000;
const EXPIRY_SLACK_US = 4_000_000;
const DEFAULT_ELECTION_BOUND_US = 30_000_000;

interface PathState {
  zxid: number;
  exists: boolean;
  owner?: string;
  /** Set when the path vanished with its owner's close. */
  closedBy?: string;
  i: number;
}

function scan(records: readonly TraceRecord[], options?: CheckOptions): CheckResult[] {
  return sharedPass(passes, records, options, () => pass(records, options).map((v) => v.result()));
}

const passes: PassCache<CheckResult[]> = new WeakMap();

function pass(records: readonly TraceRecord[], options?: CheckOptions): Verdict[] {
  const orphan = new Verdict('OrphanEphemeral', options);
  const outlive = new Verdict('EphemeralOutlivesSession', options);
  const timely = new Verdict('TimelyExpiry', options);

  const seen = new Set<number>();
  const closeAt = new Map<string, { zxid: number; i: number }>();
  const paths = new Map<string, PathState[]>();
  const owned = new Map<string, Set<string>>();
  const reported = new Set<string>();
  // Sessions: who is their client, their timeout, when they ended, when their client left.
  const clientOf = new Map<string, string>();
  const timeoutMs = new Map<string, number>();
  /** Session -> virtual time its close/expiry was first seen. */
  const ended = new Map<string, number>();
  const goneAt = new Map<string, { t: number; i: number }>();
  const pendingReads = new Map<string, { path: string; i: number }>();
  let end = 0;

  const proposals = new Map<number, TxnInfo>();
  /** Close txns proposed: zxid -> session. Per server: those it logged, those its rebuilt tree holds. */
  const closeTxns = new Map<number, string>();
  const loggedCloses = new Map<string, Set<number>>();
  const heldCloses = new Map<string, Set<number>>();

  const applyTxn = (x: TxnInfo, zxid: number, i: number, t: number, node: string): void => {
    if (x.error === true) return;
    if (CLOSE_TYPES.has(x.type) && x.session !== undefined) {
      if (!ended.has(x.session)) ended.set(x.session, t);
      if (!closeAt.has(x.session)) closeAt.set(x.session, { zxid, i });
      const mine = owned.get(x.session) ?? new Set<string>();
      for (const p of x.paths ?? []) if (latest(p)?.exists === true) mine.add(p);
      for (const p of [...mine].sort()) push(p, { zxid, exists: false, closedBy: x.session, i });
      owned.delete(x.session);
    } else if (CREATE_TYPES.has(x.type) && x.path !== undefined) {
      if (x.ephemeral === true && x.session !== undefined) {
        const c = closeAt.get(x.session);
        if (c !== undefined && zxid > c.zxid)
          orphan.add(t, node, `ephemeral ${x.path} created at ${zxidHex(zxid)} for session ${x.session}, closed at ${zxidHex(c.zxid)}`, [i, c.i]);
        let mine = owned.get(x.session);
        if (mine === undefined) owned.set(x.session, (mine = new Set()));
        mine.add(x.path);
        push(x.path, { zxid, exists: true, owner: x.session, i });
      } else push(x.path, { zxid, exists: true, i });
    } else if (DELETE_TYPES.has(x.type) && x.path !== undefined) {
      const l = latest(x.path);
      if (l?.owner !== undefined) owned.get(l.owner)?.delete(x.path);
      push(x.path, { zxid, exists: false, i });
    }
  };

  const latest = (p: string): PathState | undefined => {
    const h = paths.get(p);
    return h === undefined ? undefined : h[h.length - 1];
  };
  const push = (p: string, s: PathState): void => {
    let h = paths.get(p);
    if (h === undefined) paths.set(p, (h = []));
    h.push(s);
  };

  const isServer = serverNames(records).isServer;
  for (const d of decode(records)) {
    const e = d.e;
    end = d.t;
    switch (e.k) {
      case 'proposalSent':
        if (!proposals.has(e.zxid) && relevant(e.txn)) proposals.set(e.zxid, e.txn);
        if (CLOSE_TYPES.has(e.txn.type) && e.txn.session !== undefined) closeTxns.set(e.zxid, e.txn.session);
        break;
      case 'logAppend':
        if (closeTxns.has(e.zxid)) {
          let l = loggedCloses.get(d.node);
          if (l === undefined) loggedCloses.set(d.node, (l = new Set()));
          l.add(e.zxid);
        }
        break;
      case 'logTruncate':
      case 'logLost':
        for (const set of [loggedCloses.get(d.node), heldCloses.get(d.node)]) for (const z of [...(set ?? [])]) if (z > e.zxid) set!.delete(z);
        break;
      case 'dbLoad': {
        const held = new Set<number>();
        for (const z of loggedCloses.get(d.node) ?? []) if (z <= e.zxid) held.add(z);
        heldCloses.set(d.node, held);
        break;
      }
      case 'established':
        for (const z of heldCloses.get(d.node) ?? []) {
          const session = closeTxns.get(z)!;
          if (!ended.has(session)) ended.set(session, d.t);
        }
        break;
      case 'apply': {
        if (seen.has(e.zxid)) break;
        seen.add(e.zxid);
        // The apply record may carry the txn's details; else the PROPOSAL that carried it does.
        const x = e.txn.path !== undefined || e.txn.session !== undefined ? e.txn : (proposals.get(e.zxid) ?? e.txn);
        proposals.delete(e.zxid);
        for (const t of x.subs ?? [x]) applyTxn(t, e.zxid, d.i, d.t, d.node);
        break;
      }
      case 'sessionCreate':
        if (e.timeoutMs !== undefined) timeoutMs.set(e.session, e.timeoutMs);
        break;
      case 'sessionEnd':
        if (!ended.has(e.session)) ended.set(e.session, d.t);
        break;
      case 'invoke':
        if (!isServer(d.node)) clientOf.set(e.session, d.node);
        if (isRead(e.op) && e.path !== undefined) pendingReads.set(e.session + '/' + e.xid, { path: e.path, i: d.i });
        break;
      case 'clientConnected':
        clientOf.set(e.session, d.node);
        goneAt.delete(e.session);
        break;
      case 'clientDisconnected':
        if (e.session !== undefined && !goneAt.has(e.session)) goneAt.set(e.session, { t: d.t, i: d.i });
        break;
      case 'clientExpired':
        // Told by a server that its session expired, the client has left it for good: the session
        // must really end (a server saying so about a session it still keeps is the violation).
        if (!goneAt.has(e.session)) goneAt.set(e.session, { t: d.t, i: d.i });
        break;
      case 'crash':
      case 'clientAbandon':
        for (const [s, c] of clientOf) if (c === d.node && !goneAt.has(s)) goneAt.set(s, { t: d.t, i: d.i });
        break;
      case 'return': {
        const key = e.session + '/' + e.xid;
        const r = pendingReads.get(key);
        if (r === undefined) break;
        pendingReads.delete(key);
        if (e.rc !== 0 || e.zxid === undefined) break;
        const h = paths.get(r.path);
        if (h === undefined) break;
        // The path's state at the reply's zxid (entries are in zxid order).
        let s: PathState | undefined;
        for (let j = h.length - 1; j >= 0; j--)
          if (h[j]!.zxid <= e.zxid) {
            s = h[j];
            break;
          }
        if (s?.closedBy !== undefined && !reported.has(key)) {
          reported.add(key);
          outlive.add(d.t, d.node, `read of ${r.path} at ${zxidHex(e.zxid)} found the ephemeral of session ${s.closedBy}, closed at ${zxidHex(s.zxid)}`, [
            d.i,
            s.i,
          ]);
        }
        break;
      }
      default:
        break;
    }
  }

  const healed = options?.healedAt ?? 0;
  const bound = options?.electionBoundUs ?? DEFAULT_ELECTION_BOUND_US;
  for (const [s, g] of [...goneAt].sort((a, b) => a[1].i - b[1].i)) {
    const tmo = (timeoutMs.get(s) ?? options?.sessionTimeoutMs ?? DEFAULT_TIMEOUT_MS) * 1000;
    const deadline = Math.max(g.t, healed) + tmo + bound + EXPIRY_SLACK_US;
    const endedAt = ended.get(s);
    if (endedAt !== undefined && endedAt < g.t) continue; // ended before its client left
    if (endedAt === undefined ? end >= deadline : endedAt > deadline)
      timely.add(deadline, undefined, `session ${s} not expired ${(deadline - g.t) / 1e6}s after its client left (timeout ${tmo / 1e6}s)` +
        (endedAt === undefined ? '' : `: it ended ${(endedAt - g.t) / 1e6}s after`), [g.i]);
  }
  return [orphan, outlive, timely];
}

export function orphanEphemeral(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[0]!;
}
export function ephemeralOutlivesSession(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[1]!;
}
export function timelyExpiry(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[2]!;
}
