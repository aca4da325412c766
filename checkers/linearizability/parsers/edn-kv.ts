/**
 * Jepsen-style EDN histories for the kv model (either layout, see parsers/jepsen-edn.ts):
 * `{:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key K, :value V}`.
 * Keys and values are strings or integers (compared as text: 1 and "1" are the same value);
 * an invoked get's value is ignored, a completed get's value is what it read (nil = ""). `:fail`
 * means the op did not happen (dropped); `:info` or no completion means its outcome is unknown.
 */
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';
import { Keyword, show } from './edn.ts';
import type { EdnValue } from './edn.ts';
import { InputLog } from './input-log.ts';
import { readJepsenHistory } from './jepsen-edn.ts';

const text = (v: EdnValue | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;

export function parseEdnKv(source: string, fileOrLog: string | InputLog): Operation<KvInput, KvOutput>[] {
  const log = typeof fileOrLog === 'string' ? new InputLog(fileOrLog) : fileOrLog;
  const out: Operation<KvInput, KvOutput>[] = [];
  const ops = readJepsenHistory(source, log, ['get', 'put', 'append'], [Keyword.of('key')]);
  for (const o of ops) {
    const key = text(o.extra[0]);
    if (key === undefined) {
      log.problem(o.line, `:key must be a string or an integer, got ${show(o.extra[0])}`);
      continue;
    }
    let input: KvInput;
    if (o.f === 'get') input = { f: 'get', key };
    else {
      const v = text(o.invokeValue);
      if (v === undefined) {
        log.problem(o.line, `:${o.f} needs a string or integer :value, got ${show(o.invokeValue)}`);
        continue;
      }
      input = { f: o.f as 'put' | 'append', key, value: v };
    }
    if (o.type === 'fail') continue;
    let output: KvOutput;
    if (o.type === 'info') output = { unknown: true };
    else if (o.f === 'get') {
      const v = o.value === null ? '' : text(o.value);
      if (v === undefined) {
        log.problem(o.endLine, `a completed :get needs a string, integer or nil :value, got ${show(o.value)}`);
        continue;
      }
      output = { unknown: false, value: v };
    } else output = { unknown: false };
    out.push({ index: out.length, label: `L${o.line}`, process: o.process, call: o.call, ret: o.ret, input, output });
  }
  return out;
}
