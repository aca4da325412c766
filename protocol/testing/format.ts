/**
 * One-line renderings of messages, effects and trace events for transcripts. Deterministic and
 * short: zxid-valued fields in hex, a txn entry as `zxid:type`, snapshots and trees elided,
 * connection ids and packet sequence numbers left out (the trace says when a connection breaks).
 */
import type { DiskOp, Effect, Message } from '../contract.ts';
import { NO_VALUE } from '../election/types.ts';
import { zxidHex } from '../zxid.ts';

/** Fields that hold a zxid wherever they appear. */
const ZXID_KEYS = new Set(['zxid', 'lastZxid', 'lastZxidSeen', 'clientZxid', 'pending', 'upTo', 'lastProcessed', 'czxid', 'mzxid', 'pzxid']);
/** Trace events whose `from`/`to` are zxids (elsewhere they are sids or node ids). */
const ZXID_RANGE_EVENTS = new Set(['sync.send']);
/** Fields never printed: connection ids and per-connection sequence numbers. */
const HIDDEN_KEYS = new Set(['conn', 'seq', 'cnx']);
/** Fields printed as a placeholder (large images). */
const ELIDED_KEYS = new Set(['snapshot', 'image']);
const MAX_VALUE_CHARS = 120;

export function fmtValue(key: string, v: unknown, zxidRange = false): string {
  if (typeof v === 'number' && v === NO_VALUE) return '-';
  if ((ZXID_KEYS.has(key) || (zxidRange && (key === 'from' || key === 'to'))) && typeof v === 'number' && Number.isInteger(v) && v >= 0) return zxidHex(v);
  if (ELIDED_KEYS.has(key) && v !== undefined && v !== null) return '<image>';
  if (key === 'entry' && typeof v === 'object' && v !== null) return fmtEntry(v as { zxid: number; txn: unknown });
  if (typeof v === 'string') return /^[\w./:@#>-]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  const s = compact(v);
  return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS - 3) + '...' : s;
}

function compact(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map((x) => compact(x)).join(',') + ']';
  if (typeof v === 'object' && v !== null) {
    const inner = Object.entries(v).filter(([k, x]) => x !== undefined && !HIDDEN_KEYS.has(k));
    return '{' + inner.map(([k, x]) => `${k}:${typeof x === 'object' && x !== null && !ELIDED_KEYS.has(k) ? compact(x) : fmtValue(k, x)}`).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'undefined';
}

export function fmtEntry(e: { zxid: number; txn: unknown }): string {
  const hdr = (e.txn as { hdr?: { type?: unknown } } | null)?.hdr;
  return `${zxidHex(e.zxid)}:${typeof hdr?.type === 'string' ? hdr.type : 'txn'}`;
}

export function fmtFields(o: Readonly<Record<string, unknown>> | undefined, skip?: string, zxidRange = false): string {
  if (!o) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN_KEYS.has(k) || k === skip || v === undefined) continue;
    parts.push(`${k}=${fmtValue(k, v, zxidRange)}`);
  }
  return parts.join(' ');
}

export function fmtMessage(m: Message): string {
  const f = fmtFields(m, 'type');
  return f === '' ? m.type : `${m.type} ${f}`;
}

export function fmtDiskOp(id: number, op: DiskOp): string {
  switch (op.op) {
    case 'append':
      return `append#${id} ${(op.records as { zxid?: number }[]).map((r) => (typeof r?.zxid === 'number' ? zxidHex(r.zxid) : '?')).join(',')}`;
    case 'fsync':
      return `fsync#${id}`;
    case 'writeMeta':
      return `writeMeta#${id} ${op.key}=${fmtValue(op.key, op.value)}`;
    case 'snapshot': {
      const z = (op.snapshot as { zxid?: unknown } | null)?.zxid;
      return `snapshot#${id}${typeof z === 'number' ? ' zxid=' + zxidHex(z) : ''}`;
    }
    case 'truncate':
      return `truncate#${id} length=${op.length}`;
    case 'purge':
      return `purge#${id} snapshots=${op.snapshots} log=${op.log}`;
  }
}

/** An effect of `node`'s step. */
export function fmtEffect(node: string, e: Effect): string {
  switch (e.kind) {
    case 'send':
      return e.to === undefined ? `${node}=>${e.conn} ${fmtMessage(e.msg)}` : `${node}->${e.to} ${fmtMessage(e.msg)}`;
    case 'connect':
      return `${node} connect ${e.conn} to ${e.to}:${e.port}`;
    case 'close':
      return `${node} close ${e.conn}`;
    case 'listen':
    case 'unlisten':
      return `${node} ${e.kind} ${e.port}`;
    case 'setTimer':
      return `${node} timer ${e.timer} +${e.afterMs}ms`;
    case 'cancelTimer':
      return `${node} timer ${e.timer} cancel`;
    case 'disk':
      return `${node} disk ${fmtDiskOp(e.id, e.op)}`;
    case 'reply':
      return `${node} reply#${e.id} ${fmtReply(e.result)}`;
    case 'notify':
      return `${node} notify ${fmtFields(e.event as unknown as Record<string, unknown>)}`;
    case 'trace': {
      const f = fmtFields(e.data, undefined, ZXID_RANGE_EVENTS.has(e.event));
      return `${node} trace ${e.event}${f === '' ? '' : ' ' + f}`;
    }
    case 'point':
      return `${node} point ${e.name}`;
    case 'halt':
      return `${node} halt code=${e.code} ${e.reason}`;
  }
}

function fmtReply(r: unknown): string {
  if (typeof r === 'object' && r !== null && !Array.isArray(r)) return fmtFields(r as Record<string, unknown>);
  return fmtValue('result', r);
}
