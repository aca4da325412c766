/**
 * The one strict decoder of trace records: from parsed JSON values (a `.jsonl` file) or from
 * in-memory records. Unknown kinds, unknown/missing fields and wrongly typed values are errors that
 * name the record (index, or file:line) — never skipped. Readers then use the typed records.
 */
import { checkFields } from './fields.ts';
import type { TraceRecord } from './records.ts';
import { EVENTS, FAULTS, KERNEL, SCHEMA_VERSION } from './schema.ts';

/** A trace that is not what the schema says. `message` is one line naming where. */
export class TraceError extends Error {
  override readonly name = 'TraceError';
}

const BASE = new Set(['t', 'node', 'ev']);
const FAULT_SKIP = new Set(['t', 'node', 'ev', 'fault']);
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Why `v` is not a valid record, or null when it is. */
export function recordProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const r = v as Record<string, unknown>;
  if (!Number.isInteger(r['t']) || (r['t'] as number) < 0) return `field t: expected a non-negative int, got ${JSON.stringify(r['t'])}`;
  if (typeof r['node'] !== 'string') return `field node: expected string, got ${JSON.stringify(r['node'])}`;
  const ev = r['ev'];
  if (typeof ev !== 'string') return `field ev: expected string, got ${JSON.stringify(ev)}`;
  if (!has(KERNEL, ev)) return `unknown record kind ev='${ev}'`;
  if (ev === 'fault') {
    const f = r['fault'];
    if (typeof f !== 'string' || !has(FAULTS, f)) return `unknown fault '${String(f)}'`;
    return checkFields(r, FAULTS[f as keyof typeof FAULTS], '', FAULT_SKIP);
  }
  const bad = checkFields(r, KERNEL[ev as keyof typeof KERNEL], '', BASE);
  if (bad !== null) return `${ev}: ${bad}`;
  if (ev === 'trace') {
    const event = r['event'] as string;
    if (!has(EVENTS, event)) return `unknown trace event '${event}'`;
    const data = r['data'];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return `trace ${event}: data is not an object`;
    const d = checkFields(data as Record<string, unknown>, EVENTS[event as keyof typeof EVENTS], 'data.');
    if (d !== null) return `trace ${event}: ${d}`;
  }
  return null;
}

/** One record, checked (for hand-made traces in tests); throws `TraceError` naming the problem. */
export function checkedRecord(v: unknown): TraceRecord {
  const bad = recordProblem(v);
  if (bad !== null) throw new TraceError(`${bad}: ${JSON.stringify(v)}`);
  return v as TraceRecord;
}

export interface DecodeOptions {
  /** Demand a header record first, with this build's schema version (default true). */
  readonly header?: boolean;
  /** How to name record `i` in an error (default `record i`). */
  readonly where?: (i: number) => string;
}

/** Checks every value and returns them as typed records; throws `TraceError` at the first bad one. */
export function decodeRecords(values: readonly unknown[], opts: DecodeOptions = {}): TraceRecord[] {
  const where = opts.where ?? ((i: number) => `record ${i}`);
  if (opts.header !== false) {
    const first = values[0] as Record<string, unknown> | undefined;
    if (first === undefined || typeof first !== 'object' || first === null || first['ev'] !== 'header')
      throw new TraceError(`${where(0)}: not a zabsim trace: the first record must be the header {ev: 'header', schema: ${SCHEMA_VERSION}, ...}`);
    if (first['schema'] !== SCHEMA_VERSION)
      throw new TraceError(`${where(0)}: trace schema version ${JSON.stringify(first['schema'])}, this build reads version ${SCHEMA_VERSION}`);
  }
  for (let i = 0; i < values.length; i++) {
    const bad = recordProblem(values[i]);
    if (bad !== null) throw new TraceError(`${where(i)}: ${bad}`);
  }
  return values as TraceRecord[];
}

/** Parses a JSONL trace (one record per line; blank lines ignored) strictly. Errors say `file:line`. */
export function parseJsonl(text: string, file = '<trace>', opts: Omit<DecodeOptions, 'where'> = {}): TraceRecord[] {
  const values: unknown[] = [];
  const lines: number[] = [];
  const rows = text.split('\n');
  for (let n = 0; n < rows.length; n++) {
    const line = rows[n]!.trim();
    if (line === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      const cut = n === rows.length - 1 && !text.endsWith('\n') ? ' (truncated last line?)' : '';
      throw new TraceError(`${file}:${n + 1}: not valid JSON${cut}`);
    }
    lines.push(n + 1);
  }
  if (values.length === 0) throw new TraceError(`${file}: empty trace (no records)`);
  return decodeRecords(values, { ...opts, where: (i) => `${file}:${lines[i] ?? 1}` });
}
