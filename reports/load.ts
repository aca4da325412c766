/**
 * Reading trace and verdict files for the report commands. Every problem is a `ReportInputError`
 * with a one-line message naming the file (and line).
 */
import { readFileSync } from 'node:fs';
import type { TraceRecord } from '../trace/records.ts';
import { TraceError, decodeRecords, parseJsonl } from '../trace/decode.ts';
import type { Verdict } from './timeline/model.ts';

export class ReportInputError extends Error {}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReportInputError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A trace as JSONL (`--trace OUT.jsonl` of `npm run sim`) or as one JSON array, decoded strictly
 *  by the trace module (a header first, every record as the schema says). */
export function loadTrace(path: string): TraceRecord[] {
  const text = read(path, 'trace');
  try {
    if (text.trimStart().startsWith('[')) {
      let arr: unknown;
      try {
        arr = JSON.parse(text);
      } catch (e) {
        throw new ReportInputError(`${path}: not valid JSON (${(e as Error).message})`);
      }
      if (!Array.isArray(arr)) throw new ReportInputError(`${path}: expected an array of trace records`);
      return decodeRecords(arr, { where: (i) => `${path}: element ${i}` });
    }
    return parseJsonl(text, path);
  } catch (e) {
    if (e instanceof TraceError) throw new ReportInputError(e.message);
    throw e;
  }
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
