/**
 * Linearizability of the run's writes, via the Wing–Gong/Lowe checker in `linearizability/` and its
 * `zookeeper` model. The client history comes from the kernel's `request`/`reply` records of client
 * nodes (they carry the full call and result — the `client.invoke`/`client.return` trace events
 * only name the op and path), written in the model's JSONL history format; a server-side session
 * expiry (`session.expire`, first server to apply it) becomes an `expire` op of that session, so the
 * model drops its ephemerals at that point.
 */
import { normalizeOp } from '../protocol/client/ops.ts';
import { errName } from '../protocol/request/errors.ts';
import { findModel } from './linearizability/registry.ts';
import { Verdict } from './result.ts';
import { isServer } from './events.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

/** Budget for the search; a run it cannot decide in time is reported as not violated. */
export const DEFAULT_LINEARIZABILITY_BUDGET_MS = 20_000;

const MODES = ['persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential', 'container', 'persistent_ttl', 'persistent_sequential_ttl'];

type Raw = Record<string, unknown>;

/** One client call in the model's history vocabulary, or undefined for calls it does not take. */
function callOf(op: unknown): Raw | undefined {
  let n: Raw;
  try {
    n = normalizeOp(op) as unknown as Raw;
  } catch {
    return undefined;
  }
  const sub = (s: Raw): Raw => {
    switch (s['op']) {
      case 'create':
        return { op: 'create', path: s['path'], mode: MODES[Number(s['flags'] ?? 0)] ?? 'persistent' };
      case 'delete':
      case 'setData':
      case 'check':
        return { op: s['op'], path: s['path'], version: s['version'] };
      default:
        return { op: s['op'], ...(typeof s['path'] === 'string' ? { path: s['path'] } : {}) };
    }
  };
  switch (n['op']) {
    case 'connect':
    case 'abandon':
    case 'events':
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
      return { op: 'closeSession' };
    case 'multi':
      return { op: 'multi', ops: (n['ops'] as Raw[]).map(sub) };
    default:
      return sub(n);
  }
}

function resultOf(result: unknown): Raw {
  const r = (result ?? {}) as Raw;
  const rc = typeof r['rc'] === 'number' ? errName(r['rc']) : 'CONNECTIONLOSS';
  const out: Raw = { rc };
  if (typeof r['path'] === 'string') out['path_returned'] = r['path'];
  const stat = r['stat'] as Raw | null | undefined;
  if (stat && typeof stat['version'] === 'number') out['stat'] = { version: stat['version'] };
  if (Array.isArray(r['results']))
    out['results'] = (r['results'] as Raw[]).map((s) => {
      const st = s['stat'] as Raw | undefined;
      return {
        rc: s['type'] === 'error' ? errName(Number(s['err'])) : 'OK',
        ...(typeof s['path'] === 'string' ? { path: s['path'] } : {}),
        ...(st && typeof st['version'] === 'number' ? { version: st['version'] } : {}),
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

/** The client history of a trace in the model's JSONL format. */
export function clientHistory(records: readonly TraceRecord[]): ClientHistory {
  const where = new Map<string, number[]>();
  const session = new Map<string, string>();
  const open = new Map<string, { line: Raw; at: number }>();
  const lines: Raw[] = [];
  const expired = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.ev === 'trace' && r['event'] === 'client.connected') {
      const s = (r['data'] as Raw | undefined)?.['session'];
      if (typeof s === 'string') session.set(r.node, s);
      continue;
    }
    if (r.ev === 'trace' && r['event'] === 'session.expire' && isServer(r.node)) {
      const s = (r['data'] as Raw | undefined)?.['session'];
      if (typeof s !== 'string' || expired.has(s)) continue;
      expired.add(s);
      const id = `expire:${s}`;
      lines.push({ type: 'invoke', id, process: id, session: s, op: 'expire', time: r.t });
      lines.push({ type: 'return', id, rc: 'OK', time: r.t });
      where.set(id, [i]);
      continue;
    }
    if (isServer(r.node)) continue;
    if (r.ev === 'request') {
      const call = callOf(r['op']);
      if (call === undefined) continue;
      const id = `${r.node}/${String(r['id'])}`;
      const line: Raw = { type: 'invoke', id, process: r.node, session: session.get(r.node) ?? r.node, ...call, time: r.t };
      open.set(id, { line, at: lines.length });
      lines.push(line);
      where.set(id, [i]);
    } else if (r.ev === 'reply') {
      const id = `${r.node}/${String(r['id'])}`;
      const o = open.get(id);
      if (o === undefined) continue;
      open.delete(id);
      // The session is known for sure once the call was answered on a connection.
      const s = session.get(r.node);
      if (s !== undefined) o.line['session'] = s;
      lines.push({ type: 'return', id, ...resultOf(r['result']), time: r.t });
      where.get(id)?.push(i);
    }
  }
  return { text: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', where };
}

export function linearizable(records: readonly TraceRecord[], options?: CheckOptions & { budgetMs?: number }): CheckResult {
  const v = new Verdict('Linearizability', options);
  const model = findModel('zookeeper');
  if (model === undefined) {
    v.add(0, undefined, 'the zookeeper model is not registered', []);
    return v.result();
  }
  const h = clientHistory(records);
  let out;
  try {
    out = model.check(h.text, 'trace', { budgetMs: options?.budgetMs ?? DEFAULT_LINEARIZABILITY_BUDGET_MS });
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
