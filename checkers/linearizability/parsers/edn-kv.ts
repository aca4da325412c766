/**
 * Jepsen-style EDN lines for the kv model:
 * `{:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value "V"|nil}`.
 * Only flat maps of keywords, strings, integers and nil are understood; blank lines are skipped;
 * anything else is an error naming the line. Time is the line number. :fail means the op did
 * not happen (dropped); :info or no completion means its outcome is unknown (returns at Infinity).
 */
import { HistoryError } from '../history-error.ts';
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';

type EdnValue = string | number | null | { readonly keyword: string };

class EdnError {
  constructor(readonly message: string) {}
}

/** Parses one flat EDN map; returns an error message instead of throwing. */
export function parseEdnMap(line: string): Map<string, EdnValue> | string {
  let i = 0;
  const fail = (what: string): never => {
    throw new EdnError(what);
  };
  const ws = (): void => {
    while (i < line.length && (line[i] === ' ' || line[i] === ',' || line[i] === '\t' || line[i] === '\r')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < line.length && !/[\s,{}"]/.test(line[i]!)) i++;
    return line.slice(start, i);
  };
  const value = (): EdnValue => {
    ws();
    const c = line[i];
    if (c === '"') {
      let s = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const e = line[i + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
          i += 2;
        } else s += line[i++];
      }
      if (line[i] !== '"') fail('unterminated string');
      i++;
      return s;
    }
    if (c === ':') {
      i++;
      const k = token();
      return k ? { keyword: k } : fail('empty keyword');
    }
    const t = token();
    if (t === 'nil') return null;
    if (/^-?\d+$/.test(t)) return Number(t);
    return fail(`unexpected "${t || c || 'end of line'}"`);
  };
  try {
    const map = new Map<string, EdnValue>();
    ws();
    if (line[i] !== '{') fail('expected "{"');
    i++;
    for (;;) {
      ws();
      if (line[i] === '}') break;
      if (i >= line.length) fail('missing "}"');
      const k = value();
      if (k === null || typeof k !== 'object') fail('expected a keyword key');
      map.set((k as { keyword: string }).keyword, value());
    }
    i++;
    ws();
    if (i < line.length) fail('text after "}"');
    return map;
  } catch (e) {
    if (e instanceof EdnError) return e.message;
    throw e;
  }
}

const kw = (v: EdnValue | undefined): string | undefined =>
  v !== null && typeof v === 'object' ? v.keyword : undefined;

export function parseEdnKv(text: string, file: string): Operation<KvInput, KvOutput>[] {
  const lines = text.split('\n');
  const pending = new Map<string, { line: number; input: KvInput }>();
  const ops: { call: number; label: string; process: string; ret: number; input: KvInput; output: KvOutput }[] = [];
  for (let li = 0; li < lines.length; li++) {
    if (lines[li]!.trim() === '') continue;
    const bad = (what: string): never => {
      throw new HistoryError(file, li + 1, what);
    };
    const m = parseEdnMap(lines[li]!);
    if (typeof m === 'string') bad(m);
    const rec = m as Map<string, EdnValue>;
    const procV = rec.get('process');
    if (typeof procV !== 'number' && typeof procV !== 'string') bad('missing :process');
    const process = String(procV);
    const type = kw(rec.get('type')) ?? bad('missing :type keyword');
    const f = kw(rec.get('f')) ?? bad('missing :f keyword');
    if (f !== 'get' && f !== 'put' && f !== 'append') bad(`unknown :f :${f}`);
    const key = rec.get('key');
    if (typeof key !== 'string') bad(':key must be a string');
    const value = rec.get('value');
    if (value !== null && value !== undefined && typeof value !== 'string') bad(':value must be a string or nil');
    const val = (value ?? null) as string | null;
    if (type === 'invoke') {
      if (pending.has(process)) bad(`process ${process} invokes while an op is pending`);
      let input: KvInput;
      if (f === 'get') input = { f: 'get', key: key as string };
      else {
        if (val === null) bad(`${f} needs a string :value`);
        input = { f: f as 'put' | 'append', key: key as string, value: val as string };
      }
      pending.set(process, { line: li, input });
      continue;
    }
    if (type !== 'ok' && type !== 'fail' && type !== 'info') bad(`unknown :type :${type}`);
    const p = pending.get(process) ?? bad(`process ${process} completes an op it never invoked`);
    if (p.input.f !== f || p.input.key !== key) bad(`completion does not match the op invoked on line ${p.line + 1}`);
    pending.delete(process);
    if (type === 'fail') continue;
    const unknown = type === 'info';
    if (!unknown && f === 'get' && val === null) bad('a completed get needs a string :value');
    ops.push({
      call: p.line,
      label: `L${p.line + 1}`,
      process,
      ret: unknown ? Infinity : li,
      input: p.input,
      output: unknown ? { unknown } : f === 'get' ? { unknown, value: val as string } : { unknown },
    });
  }
  for (const [process, p] of pending) {
    ops.push({ call: p.line, label: `L${p.line + 1}`, process, ret: Infinity, input: p.input, output: { unknown: true } });
  }
  ops.sort((a, b) => a.call - b.call);
  return ops.map((o, index) => ({ ...o, index }));
}
