/**
 * Reading trace and verdict files for the report commands. Every problem is a `ReportInputError`
 * with a one-line message naming the file (and line).
 */
import { readFileSync } from 'node:fs';
import type { TraceRecord } from './timeline/records.ts';
import type { Verdict } from './timeline/model.ts';

export class ReportInputError extends Error {}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReportInputError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function isRecord(x: unknown): x is TraceRecord {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const r = x as Record<string, unknown>;
  return typeof r['t'] === 'number' && Number.isFinite(r['t']) && typeof r['ev'] === 'string';
}

/** A trace as JSONL (`--trace OUT.jsonl` of `npm run sim`) or as one JSON array. */
export function loadTrace(path: string): TraceRecord[] {
  const text = read(path, 'trace');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      throw new ReportInputError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(arr)) throw new ReportInputError(`${path}: expected an array of trace records`);
    arr.forEach((r, i) => {
      if (!isRecord(r)) throw new ReportInputError(`${path}: element ${i} is not a trace record ({t: number, ev: string, ...})`);
    });
    return arr as TraceRecord[];
  }
  const out: TraceRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      throw new ReportInputError(`${path}:${i + 1}: not valid JSON`);
    }
    if (!isRecord(r)) throw new ReportInputError(`${path}:${i + 1}: not a trace record ({t: number, ev: string, ...})`);
    out.push(r);
  }
  if (out.length === 0) throw new ReportInputError(`${path}: no trace records`);
  return out;
}

/** Checker verdicts: a JSON array of `{name, ok, violations: [{t, node?, message, records}]}`. */
export function loadVerdicts(path: string): Verdict[] {
  let v: unknown;
  try {
    v = JSON.parse(read(path, 'verdicts'));
  } catch (e) {
    if (e instanceof ReportInputError) throw e;
    throw new ReportInputError(`${path}: not valid JSON`);
  }
  if (!Array.isArray(v)) throw new ReportInputError(`${path}: expected an array of verdicts`);
  v.forEach((x, i) => {
    const o = x as Record<string, unknown> | null;
    const ok = o !== null && typeof o === 'object' && typeof o['name'] === 'string' && typeof o['ok'] === 'boolean' && Array.isArray(o['violations'])
      && (o['violations'] as unknown[]).every((w) => {
        const q = w as Record<string, unknown> | null;
        return q !== null && typeof q === 'object' && typeof q['t'] === 'number' && typeof q['message'] === 'string'
          && (q['records'] === undefined || (Array.isArray(q['records']) && (q['records'] as unknown[]).every((n) => typeof n === 'number')));
      });
    if (!ok) throw new ReportInputError(`${path}: verdict ${i} is not {name, ok, violations: [{t, message, records}]}`);
  });
  return (v as Verdict[]).map((x) => ({ ...x, violations: x.violations.map((w) => ({ ...w, records: w.records ?? [] })) }));
}
