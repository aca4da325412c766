/**
 * Conformance recordings (see conformance/FORMAT.md): types, comparison and a stable writer.
 *
 * A recording is plain JSON. Results are typed loosely (field presence depends on the op and on rc);
 * the named fields below document what FORMAT.md defines.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** A Stat as recorded: zxids relative to `zxid_base`, times masked as `"*"`, owner as `session:NAME`. */
export interface RecordedStat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: '*';
  readonly mtime: '*';
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: 0 | string;
  readonly dataLength: number;
  readonly numChildren: number;
}

export interface RecordedEvent {
  readonly type: string;
  readonly path: string;
  readonly state: string;
}

export interface ResultRecord {
  readonly i: number;
  readonly op: string;
  readonly note?: string;
  readonly session?: string;
  readonly rc?: string;
  readonly zxid?: number;
  readonly stat?: RecordedStat | null;
  /** session name -> notifications that arrived because of this op. */
  readonly events?: { readonly [session: string]: readonly RecordedEvent[] };
  readonly _noisy?: { readonly [k: string]: Json };
  readonly [field: string]: unknown;
}

export interface Recording {
  readonly name: string;
  readonly server?: string;
  readonly zxid_base: string;
  readonly results: readonly ResultRecord[];
}

const IGNORED_TOP = new Set(['server', 'zxid_base']);
const IGNORED_RESULT = new Set(['_noisy', 'note']);

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'absent' : s.length > 200 ? s.slice(0, 197) + '...' : s;
}

/** Sorted canonical text of each event, so per-session event lists compare as multisets. */
function eventKeys(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((e) => stableStringify(e)).sort();
}

function diffValue(path: string, a: unknown, b: unknown, out: string[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${path}: ${show(a)} != ${show(b)}`);
      return;
    }
    a.forEach((x, k) => diffValue(`${path}[${k}]`, x, b[k], out));
    return;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    for (const k of keys) diffValue(`${path}.${k}`, ao[k], bo[k], out);
    return;
  }
  out.push(`${path}: ${show(a)} != ${show(b)}`);
}

function diffEvents(path: string, a: unknown, b: unknown, out: string[]): void {
  const ao = (a ?? {}) as Record<string, unknown>;
  const bo = (b ?? {}) as Record<string, unknown>;
  if (typeof ao !== 'object' || typeof bo !== 'object') {
    diffValue(path, a, b, out);
    return;
  }
  const sessions = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  for (const s of sessions) {
    const ea = eventKeys(ao[s] ?? []);
    const eb = eventKeys(bo[s] ?? []);
    if (ea === undefined || eb === undefined) {
      diffValue(`${path}.${s}`, ao[s], bo[s], out);
    } else if (ea.join('\n') !== eb.join('\n')) {
      out.push(`${path}.${s}: [${ea.join(', ')}] != [${eb.join(', ')}]`);
    }
  }
}

/**
 * Differences between two recordings, one line each (empty = equal). Ignores `server`, `zxid_base`, each
 * result's `_noisy` and `note`; compares each session's watch events of an op as a multiset.
 */
export function compareRecordings(a: Recording, b: Recording): string[] {
  const out: string[] = [];
  const ta = a as unknown as Record<string, unknown>;
  const tb = b as unknown as Record<string, unknown>;
  const top = [...new Set([...Object.keys(ta), ...Object.keys(tb)])].sort();
  for (const k of top) {
    if (IGNORED_TOP.has(k) || k === 'results') continue;
    diffValue(k, ta[k], tb[k], out);
  }
  const ra = a.results ?? [];
  const rb = b.results ?? [];
  if (ra.length !== rb.length) out.push(`results: ${ra.length} results != ${rb.length} results`);
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const x = ra[i] as Record<string, unknown>;
    const y = rb[i] as Record<string, unknown>;
    const label = `results[${i}](${String(x['op'] ?? y['op'])})`;
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    for (const k of keys) {
      if (IGNORED_RESULT.has(k)) continue;
      if (k === 'events') diffEvents(`${label}.events`, x[k], y[k], out);
      else diffValue(`${label}.${k}`, x[k], y[k], out);
    }
  }
  return out;
}

/** JSON with object keys sorted at every level (canonical form for hashing / set comparison). */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map((x) => stableStringify(x)).join(',') + ']';
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + stableStringify(o[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The recording as file text, laid out exactly like the goldens (one-space indent, trailing newline,
 * non-ASCII escaped as \uXXXX). Keys keep the order the recorder built them in, which is FORMAT.md's
 * order (`i`, `op`, `note`, `session`, echoed fields, `rc`, `zxid`, results): the writer is stable
 * because recorders build results in that fixed order.
 */
export function writeRecording(rec: Recording): string {
  const text = JSON.stringify(rec, null, 1);
  return text.replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')) + '\n';
}

/** Fields echoed from the op into its result, in FORMAT.md's order. */
export const ECHO_FIELDS = [
  'path',
  'mode',
  'ephemeral',
  'sequential',
  'container',
  'ttl',
  'version',
  'watch',
  'data',
  'data_size',
  'opcode',
  'acl',
  'scheme',
  'auth',
  'watcher_type',
] as const;
