/**
 * Jepsen etcd logs (`INFO  jepsen.util - PROC  :TYPE  :F  VALUE`, fields separated by any
 * whitespace) -> cas-register ops. Lines of any other shape are ignored, as the fixtures'
 * README prescribes. Time is the line number. An invoke without an :ok/:fail (an :info, or the
 * end of the log) returns at Infinity with an unknown outcome.
 */
import { HistoryError } from '../history-error.ts';
import type { CasInput, CasOutput } from '../models/cas-register.ts';
import type { Operation } from '../types.ts';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$/;
const NUM = /^-?\d+$/;
const PAIR = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/;

interface Pending {
  readonly line: number;
  readonly input: CasInput;
}

export function parseJepsenLog(text: string, file: string): Operation<CasInput, CasOutput>[] {
  const pending = new Map<string, Pending>();
  const done: { p: Pending; process: string; ret: number; output: CasOutput }[] = [];
  const lines = text.split('\n');
  const bad = (i: number, what: string): never => {
    throw new HistoryError(file, i + 1, what);
  };
  for (let i = 0; i < lines.length; i++) {
    const m = LINE.exec(lines[i]!);
    if (!m) continue;
    const [, proc, type, f, arg] = m as unknown as [string, string, string, string, string];
    if (type === 'invoke') {
      if (pending.has(proc)) bad(i, `process ${proc} invokes while its op from line ${pending.get(proc)!.line + 1} is pending`);
      let input: CasInput;
      if (f === 'read') {
        input = { f: 'read' };
      } else if (f === 'write') {
        if (!NUM.test(arg)) bad(i, `write needs a number, got "${arg}"`);
        input = { f: 'write', value: Number(arg) };
      } else {
        const p = PAIR.exec(arg) ?? bad(i, `cas needs [FROM TO], got "${arg}"`);
        input = { f: 'cas', from: Number(p[1]), to: Number(p[2]) };
      }
      pending.set(proc, { line: i, input });
      continue;
    }
    const p = pending.get(proc);
    if (!p) bad(i, `process ${proc} completes an op it never invoked`);
    if (p!.input.f !== f) bad(i, `process ${proc} completes a ${f} but invoked a ${p!.input.f}`);
    pending.delete(proc);
    if (type === 'info') {
      // Outcome unknown: it may take effect at any later point, or never.
      done.push({ p: p!, process: proc, ret: Infinity, output: { unknown: true } });
      continue;
    }
    let output: CasOutput;
    if (f === 'read') {
      if (type === 'fail') output = { unknown: true };
      else if (arg === 'nil') output = { unknown: false, value: null };
      else if (NUM.test(arg)) output = { unknown: false, value: Number(arg) };
      else return bad(i, `read returned "${arg}"`);
    } else if (f === 'write') {
      // A failed write did not happen: drop it.
      if (type === 'fail') continue;
      output = { unknown: false };
    } else {
      output = { unknown: false, ok: type === 'ok' };
    }
    done.push({ p: p!, process: proc, ret: i, output });
  }
  if (!lines.some((l) => LINE.test(l)) && text.trim() !== '') {
    // Other lines are ignored, but a file with none of ours is surely the wrong file.
    bad(0, 'no "INFO jepsen.util - PROC :TYPE :F VALUE" lines: not a Jepsen etcd log');
  }
  for (const [proc, p] of pending) done.push({ p, process: proc, ret: Infinity, output: { unknown: true } });
  done.sort((a, b) => a.p.line - b.p.line);
  return done.map((d, index) => ({
    index,
    label: `L${d.p.line + 1}`,
    process: d.process,
    call: d.p.line,
    ret: d.ret,
    input: d.p.input,
    output: d.output,
  }));
}
