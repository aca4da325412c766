/**
 * Jepsen / Knossos EDN histories -> invoke/completion pairs, whatever the model. Either layout
 * (a vector of op maps, or one map after another), `#jepsen.history.Op{...}` tags unwrapped.
 * Each op map has `:process` (a non-negative integer or a string; `:nemesis` ops are counted
 * and ignored), `:type` (`:invoke`, `:ok`, `:fail`, `:info`), `:f` (a keyword the model knows)
 * and `:value`; other keys (`:time`, `:index`, `:error`, ...) are ignored. Time is the op's
 * position in the file: Jepsen writes histories in real-time order.
 *
 * Knossos semantics: `:fail` means the op did not happen; `:info` means its outcome is unknown
 * (it may take effect at any later point, or never), and the process may invoke again after an
 * `:info` (Jepsen usually gives the thread a new process id, but a reused one is fine). An
 * invoke with no completion at the end of the file is unknown too.
 */
import { Keyword, Tagged, readHistoryForms, show } from './edn.ts';
import type { EdnValue } from './edn.ts';
import type { InputLog } from './input-log.ts';

export type Completion = 'ok' | 'fail' | 'info';

/** One invoke with its completion; `ret` is Infinity for `:info` and for a missing completion. */
export interface JepsenOp {
  readonly process: string;
  readonly f: string;
  /** Line of the invoke (for labels and messages), and of the completion (0: none). */
  readonly line: number;
  readonly endLine: number;
  readonly call: number;
  readonly ret: number;
  readonly invokeValue: EdnValue;
  /** `:info` also for an invoke the file never completes. */
  readonly type: Completion;
  readonly value: EdnValue;
  /** The invoke's values of the `extraKeys` asked for (e.g. kv's `:key`), in that order. */
  readonly extra: readonly (EdnValue | undefined)[];
}

const K = {
  process: Keyword.of('process'),
  type: Keyword.of('type'),
  f: Keyword.of('f'),
  value: Keyword.of('value'),
};

/**
 * Pairs the ops of `text`; `fs` are the `:f`s the model knows; `extraKeys` are further keys the
 * model reads from the invoke (a completion that gives one must give the same value). Problems
 * go to `log`.
 */
export function readJepsenHistory(
  text: string,
  log: InputLog,
  fs: readonly string[],
  extraKeys: readonly Keyword[] = [],
): JepsenOp[] {
  const pending = new Map<string, { f: string; line: number; call: number; value: EdnValue; extra: (EdnValue | undefined)[] }>();
  const out: JepsenOp[] = [];
  let time = 0;
  let invokes = 0;
  readHistoryForms(
    text,
    (form, line) => {
      time++;
      const m = form instanceof Tagged ? form.value : form;
      if (!(m instanceof Map)) return log.problem(line, `expected an op map, got ${show(m).slice(0, 40)}`);
      const p = m.get(K.process);
      if (p instanceof Keyword && p.name === 'nemesis') return log.ignore('nemesis ops');
      let process: string;
      if (typeof p === 'number' && Number.isInteger(p) && p >= 0) process = String(p);
      else if (typeof p === 'string' && p !== '') process = p;
      else return log.problem(line, p === undefined ? 'missing :process' : `:process must be a non-negative integer or :nemesis, got ${show(p)}`);
      const typeV = m.get(K.type);
      const type = typeV instanceof Keyword ? typeV.name : undefined;
      if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
        return log.problem(line, typeV === undefined ? 'missing :type' : `unknown :type ${show(typeV)} (expected :invoke, :ok, :fail or :info)`);
      }
      const fV = m.get(K.f);
      const f = fV instanceof Keyword ? fV.name : undefined;
      if (f === undefined || !fs.includes(f)) {
        return log.problem(line, fV === undefined ? 'missing :f' : `unknown :f ${show(fV)} (this model knows ${fs.map((x) => `:${x}`).join(' ')})`);
      }
      const value = m.has(K.value) ? m.get(K.value)! : null;
      if (type === 'invoke') {
        const open = pending.get(process);
        if (open) return log.problem(line, `process ${process} invokes while its op from line ${open.line} is pending`);
        pending.set(process, { f, line, call: time, value, extra: extraKeys.map((k) => m.get(k)) });
        invokes++;
        return;
      }
      const open = pending.get(process);
      if (!open) return log.problem(line, `process ${process} completes an op it never invoked`);
      if (open.f !== f) return log.problem(line, `process ${process} completes a :${f} but invoked a :${open.f} on line ${open.line}`);
      for (let k = 0; k < extraKeys.length; k++) {
        const v = m.get(extraKeys[k]!);
        if (v !== undefined && show(v) !== show(open.extra[k])) {
          return log.problem(line, `the completion's ${extraKeys[k]} ${show(v)} differs from the invoke's on line ${open.line}`);
        }
      }
      pending.delete(process);
      out.push({
        process,
        f,
        line: open.line,
        endLine: line,
        call: open.call,
        ret: type === 'info' ? Infinity : time,
        invokeValue: open.value,
        type,
        value,
        extra: open.extra,
      });
    },
    (line, detail) => log.problem(line, detail),
  );
  if (invokes === 0) log.fatal(1, 'no client operations: the history is empty');
  for (const [process, o] of pending) {
    out.push({ process, f: o.f, line: o.line, endLine: 0, call: o.call, ret: Infinity, invokeValue: o.value, type: 'info', value: null, extra: o.extra });
  }
  return out.sort((a, b) => a.call - b.call);
}
