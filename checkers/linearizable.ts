/**
 * Linearizability of the run's writes, via the Wing–Gong/Lowe checker in `linearizability/` and its
 * `zookeeper` model. The client history comes from the kernel's `request`/`reply` records of client
 * nodes (they carry the full call and result — the `client.invoke`/`client.return` trace events
 * only name the op and path), written in the model's JSONL history format; a server-side session
 * expiry becomes an `expire` op of that session, so the
 * model drops its ephemerals there: invoked when the leader decides it (`session.expiring`),
 * returned when a server applies it (`session.expire`), as the model's README asks.
 */
import { normalizeOp } from '../protocol/client/ops.ts';
import { errName } from '../protocol/request/errors.ts';
import { findModel, ZkHistoryWriter } from './linearizability/index.ts';
import type { ZkCreateMode, ZkOpRecord, ZkResultRecord, ZkSubOpRecord } from './linearizability/index.ts';
import { Verdict } from './result.ts';
import { serverNames } from '../trace/view.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

/** Budget for the search; a run it cannot decide in time is reported as not violated. */
export const DEFAULT_LINEARIZABILITY_BUDGET_MS = 20_000;

const MODES: readonly ZkCreateMode[] = ['persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential', 'container', 'persistent_ttl', 'persistent_sequential_ttl'];

type Raw = Record<string, unknown>;

/** One client call in the model's history vocabulary, or undefined for calls it does not take. */
function callOf(op: unknown): ZkOpRecord | undefined {
  let n: Raw;
  try {
    n = normalizeOp(op) as unknown as Raw;
  } catch {
    return undefined;
  }
  const sub = (s: Raw): ZkOpRecord => {
    const path = String(s['path']);
    const version = Number(s['version'] ?? -1);
    switch (s['op']) {
      case 'create':
        return { op: 'create', path, mode: MODES[Number(s['flags'] ?? 0)] ?? 'persistent' };
      case 'delete':
        return { op: 'delete', path, version };
      case 'setData':
        return { op: 'set', path, version };
      case 'check':
        return { op: 'check', path, version };
      case 'getData':
        return { op: 'get', path };
      case 'getChildren':
        return { op: 'children', path };
      case 'exists':
      case 'sync':
        return { op: s['op'], path };
      default:
        return { op: 'sync', path };
    }
  };
  switch (n['op']) {
    case 'connect':
    case 'abandon':
    case 'events': // traces written before watch events became `notify` effects
    case 'state':
    case 'addAuth':
    case 'addWatch':
    case 'removeWatches':
    case 'checkWatches':
    case 'setACL':
    case 'getACL':
    case 'getAllChildrenNumber':
    case 'getEphemerals':
      return undefined;
    case 'closeSession':
      return { op: 'close' };
    case 'multi':
      return { op: 'multi', ops: (n['ops'] as Raw[]).map(sub) as ZkSubOpRecord[] };
    default:
      return sub(n);
  }
}

function resultOf(result: unknown): ZkResultRecord {
  const r = (result ?? {}) as Raw;
  const rc = typeof r['rc'] === 'number' ? errName(r['rc']) : 'CONNECTIONLOSS';
  const out: { -readonly [K in keyof ZkResultRecord]: ZkResultRecord[K] } = { rc };
  if (typeof r['path'] === 'string') out['path_returned'] = r['path'];
  const stat = r['stat'] as Raw | null | undefined;
  if (stat && typeof stat['version'] === 'number') out['stat'] = { version: stat['version'] };
  if (Array.isArray(r['results']))
    out['results'] = (r['results'] as Raw[]).map((s) => {
      const st = s['stat'] as Raw | undefined;
      return {
        rc: s['type'] === 'error' ? errName(Number(s['err'])) : 'OK',
        ...(typeof s['path'] === 'string' ? { path: s['path'] } : {}),
        ...(st && typeof st['version'] === 'number' ? { stat: { version: st['version'] } } : {}),
      };
    });
  return out;
}

export interface ClientHistory {
  /** The model's JSONL history. */
  readonly text: string;
  /** Op id -> trace indices of its request and reply records. */
  readonly where: ReadonlyMap<string, readonly number[]>;
}

interface Call {
  readonly node: string;
  readonly t: number;
  readonly op: ZkOpRecord;
  readonly i: number;
  session: string;
  ret?: { t: number; result: unknown; i: number };
}

/** The client history of a trace in the model's JSONL format (written by its ZkHistoryWriter). */
export function clientHistory(records: readonly TraceRecord[]): ClientHistory {
  const session = new Map<string, string>();
  const open = new Map<string, Call>();
  const calls: Call[] = [];
  /** Session -> its expiry: decided (`session.expiring` on the leader) and applied (committed). */
  const expiry = new Map<string, { from: number; fromI: number; to?: number; toI?: number }>();
  const isServer = serverNames(records).isServer;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.ev === 'trace') {
      if (r.event === 'client.connected') session.set(r.node, r.data.session);
      else if ((r.event === 'session.expiring' || r.event === 'session.expire') && isServer(r.node)) {
        const s = r.data.session;
        let x = expiry.get(s);
        if (x === undefined) expiry.set(s, (x = { from: r.t, fromI: i }));
        if (r.event === 'session.expire' && x.to === undefined) {
          x.to = r.t;
          x.toI = i;
        }
      }
      continue;
    }
    if (isServer(r.node)) continue;
    if (r.ev === 'request') {
      const op = callOf(r.op);
      if (op === undefined) continue;
      const call: Call = { node: r.node, t: r.t, op, i, session: session.get(r.node) ?? r.node };
      open.set(`${r.node}/${r.id}`, call);
      calls.push(call);
    } else if (r.ev === 'reply') {
      const key = `${r.node}/${r.id}`;
      const call = open.get(key);
      if (call === undefined) continue;
      open.delete(key);
      // The session is known for sure once the call was answered on a connection.
      const s = session.get(r.node);
      if (s !== undefined) call.session = s;
      call.ret = { t: r.t, result: r.result, i };
    }
  }
  const w = new ZkHistoryWriter();
  const where = new Map<string, number[]>();
  for (const c of calls) {
    const id = w.invoke(c.t, c.node, c.session, c.op);
    if (c.ret !== undefined) {
      w.ret(c.ret.t, id, resultOf(c.ret.result));
      where.set(String(id), [c.i, c.ret.i]);
    } else where.set(String(id), [c.i]);
  }
  for (const [s, x] of expiry) {
    const id = w.invoke(x.from, `expiry:${s}`, s, { op: 'expire' });
    if (x.to !== undefined) w.ret(x.to, id, { rc: 'OK' });
    where.set(String(id), x.toI === undefined ? [x.fromI] : [x.fromI, x.toI]);
  }
  return { text: w.text(), where };
}

export function linearizable(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('Linearizability', options);
  const model = findModel('zookeeper');
  if (model === undefined) {
    v.add(0, undefined, 'the zookeeper model is not registered', []);
    return v.result();
  }
  const h = clientHistory(records);
  let out;
  try {
    out = model.check(h.text, 'trace', { budgetMs: options?.linearizabilityBudgetMs ?? DEFAULT_LINEARIZABILITY_BUDGET_MS });
  } catch (e) {
    v.add(0, undefined, `client history could not be read: ${(e as Error).message}`, []);
    return v.result();
  }
  if (out.verdict === 'not linearizable') {
    const x = out.explanation;
    const at = x === undefined ? [] : [...(h.where.get(x.blocking.label) ?? []), ...x.candidates.flatMap((c) => h.where.get(c.label) ?? [])];
    const t = at.length > 0 ? records[at[0]!]!.t : (records[records.length - 1]?.t ?? 0);
    const what = x === undefined ? '' : `: in part ${x.part}, ${x.blocking.op} (${x.blocking.label}) fits no order with the ${x.candidates.length} ops concurrent with it`;
    v.add(t, x?.blocking.process, `the writes are not linearizable${what}`, at);
  }
  const r = v.result();
  return out.verdict === 'unknown' ? { ...r, note: `undecided: ${out.reason ?? 'budget exhausted'}` } : r;
}
