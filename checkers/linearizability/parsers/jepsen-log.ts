/**
 * Jepsen etcd logs (`INFO  jepsen.util - PROC  :TYPE  :F  VALUE`, fields separated by any
 * whitespace) -> cas-register ops. Time is the line number. An invoke without an :ok/:fail (an
 * :info, or the end of the log) returns at Infinity with an unknown outcome.
 *
 * Strict (parsers/input-log.ts): blank lines are skipped, `:nemesis` lines are counted and
 * ignored, and every other line must be a history line this parser uses; anything else (another
 * logger's line, an unknown type such as `:okay`, a negative process id, a value of the wrong
 * shape, a completion nobody invoked, a last line without its newline = a truncated log) is a
 * problem: an error naming file:line, or under `lenient` a skipped line that is listed.
 */
import type { CasInput, CasOutput } from '../models/cas-register.ts';
import type { Operation } from '../types.ts';
import { InputLog } from './input-log.ts';

const PREFIX = /^INFO\s+jepsen\.util\s+-\s+/;
const NUM = /^-?\d+$/;
const PAIR = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/;

interface Pending {
  readonly line: number;
  readonly input: CasInput;
}

export function parseJepsenLog(text: string, fileOrLog: string | InputLog): Operation<CasInput, CasOutput>[] {
  const log = typeof fileOrLog === 'string' ? new InputLog(fileOrLog) : fileOrLog;
  const pending = new Map<string, Pending>();
  const done: { p: Pending; process: string; ret: number; output: CasOutput }[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else if (text !== '') {
    log.problem(lines.length, 'the last line has no newline: the log looks truncated');
    lines.pop(); // lenient: the cut line is skipped
  }
  let invokes = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const bad = (what: string): void => log.problem(i + 1, what);
    const m = PREFIX.exec(raw);
    if (!m) {
      bad('not a history line ("INFO  jepsen.util - PROC :TYPE :F VALUE")');
      continue;
    }
    const [proc = '', type = '', fk = '', ...rest] = raw.slice(m[0].length).trim().split(/\s+/);
    const arg = rest.join(' ');
    if (proc === ':nemesis') {
      log.ignore('nemesis lines');
      continue;
    }
    if (!/^\d+$/.test(proc)) {
      bad(`the process must be a non-negative integer or :nemesis, got "${proc}"`);
      continue;
    }
    if (type !== ':invoke' && type !== ':ok' && type !== ':fail' && type !== ':info') {
      bad(`unknown type "${type}" (expected :invoke, :ok, :fail or :info)`);
      continue;
    }
    const f = fk.slice(1);
    const known = fk.startsWith(':') && (f === 'read' || f === 'write' || f === 'cas');
    if (type === ':invoke') {
      if (!known) {
        bad(`unknown operation "${fk}" (expected :read, :write or :cas)`);
        continue;
      }
      if (pending.has(proc)) {
        bad(`process ${proc} invokes while its op from line ${pending.get(proc)!.line + 1} is pending`);
        continue;
      }
      let input: CasInput;
      if (f === 'read') {
        input = { f: 'read' };
      } else if (f === 'write') {
        if (!NUM.test(arg)) {
          bad(`write needs a number, got "${arg}"`);
          continue;
        }
        input = { f: 'write', value: Number(arg) };
      } else {
        const p = PAIR.exec(arg);
        if (!p) {
          bad(`cas needs [FROM TO], got "${arg}"`);
          continue;
        }
        input = { f: 'cas', from: Number(p[1]), to: Number(p[2]) };
      }
      pending.set(proc, { line: i, input });
      invokes++;
      continue;
    }
    const p = pending.get(proc);
    if (!p) {
      bad(`process ${proc} completes an op it never invoked`);
      continue;
    }
    if (type === ':info' && !known) {
      // e.g. `3 :info :crash`: the process crashed mid-op; the op's outcome is unknown.
      pending.delete(proc);
      done.push({ p, process: proc, ret: Infinity, output: { unknown: true } });
      continue;
    }
    if (!known || p.input.f !== f) {
      bad(`process ${proc} completes a ${fk} but invoked a :${p.input.f} on line ${p.line + 1}`);
      continue;
    }
    if (type === ':info') {
      // Outcome unknown: it may take effect at any later point, or never.
      pending.delete(proc);
      done.push({ p, process: proc, ret: Infinity, output: { unknown: true } });
      continue;
    }
    let output: CasOutput;
    if (f === 'read') {
      if (type === ':fail') output = { unknown: true };
      else if (arg === 'nil') output = { unknown: false, value: null };
      else if (NUM.test(arg)) output = { unknown: false, value: Number(arg) };
      else {
        bad(`read returned "${arg}"`);
        continue;
      }
    } else if (f === 'write') {
      output = { unknown: false };
    } else {
      output = { unknown: false, ok: type === ':ok' };
    }
    pending.delete(proc);
    // A failed write did not happen: drop it.
    if (f === 'write' && type === ':fail') continue;
    done.push({ p, process: proc, ret: i, output });
  }
  if (invokes === 0) log.fatal(1, 'no operations: the history is empty');
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
