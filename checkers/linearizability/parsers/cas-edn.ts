/**
 * Jepsen / Knossos EDN histories (parsers/jepsen-edn.ts) -> cas-register ops, with Knossos's
 * semantics: `:read` (`:ok` with the value read; an `:ok` read of nil is a read whose value is
 * unknown, as in Knossos's register), `:write V`, `:cas [FROM TO]` (`:ok`: it swapped).
 * `:fail` ops did not happen and are dropped; `:info` ops (and invokes never completed) have
 * an unknown outcome. Values are integers or strings.
 */
import type { CasInput, CasOutput, RegisterValue } from '../models/cas-register.ts';
import type { Operation } from '../types.ts';
import { show } from './edn.ts';
import type { EdnValue } from './edn.ts';
import { InputLog } from './input-log.ts';
import { readJepsenHistory } from './jepsen-edn.ts';

const isValue = (v: EdnValue): v is number | string =>
  (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'string';

export function parseCasEdn(text: string, fileOrLog: string | InputLog): Operation<CasInput, CasOutput>[] {
  const log = typeof fileOrLog === 'string' ? new InputLog(fileOrLog) : fileOrLog;
  const out: Operation<CasInput, CasOutput>[] = [];
  for (const o of readJepsenHistory(text, log, ['read', 'write', 'cas'])) {
    let input: CasInput;
    if (o.f === 'read') input = { f: 'read' };
    else if (o.f === 'write') {
      if (!isValue(o.invokeValue)) {
        log.problem(o.line, `:write needs an integer or string :value, got ${show(o.invokeValue)}`);
        continue;
      }
      input = { f: 'write', value: o.invokeValue };
    } else {
      const v = o.invokeValue;
      if (!Array.isArray(v) || v.length !== 2 || !isValue(v[0]!) || !isValue(v[1]!)) {
        log.problem(o.line, `:cas needs :value [FROM TO] of integers or strings, got ${show(v)}`);
        continue;
      }
      input = { f: 'cas', from: v[0] as RegisterValue, to: v[1] as RegisterValue };
    }
    if (o.type === 'fail') continue; // did not happen
    let output: CasOutput;
    if (o.type === 'info') output = { unknown: true };
    else if (o.f === 'read') {
      if (o.value === null) output = { unknown: true };
      else if (!isValue(o.value)) {
        log.problem(o.endLine, `an :ok :read needs an integer, string or nil :value, got ${show(o.value)}`);
        continue;
      } else output = { unknown: false, value: o.value };
    } else if (o.f === 'write') output = { unknown: false };
    else output = { unknown: false, ok: true };
    out.push({ index: out.length, label: `L${o.line}`, process: o.process, call: o.call, ret: o.ret, input, output });
  }
  return out;
}
