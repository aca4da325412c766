/**
 * Helpers for the checker's tests: terse op construction and a brute-force oracle (every order
 * that respects real time, tried one by one) to compare the search against on small histories.
 */
import fc from 'fast-check';
import type { CasInput, CasOutput } from './models/cas-register.ts';
import type { Model, Operation } from './types.ts';

export function op<I, O>(
  index: number,
  process: string,
  call: number,
  ret: number | null,
  input: I,
  output: O,
): Operation<I, O> {
  return { index, label: String(index), process, call, ret: ret ?? Infinity, input, output };
}

/** Is there an order of `ops`, consistent with real time, that `model` accepts? Exponential. */
export function bruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const rest = new Set(ops.map((_, i) => i));
  const go = (state: S): boolean => {
    if (rest.size === 0) return true;
    for (const i of [...rest]) {
      const o = ops[i]!;
      // o may go next only if no other remaining op returned before o was invoked.
      let minimal = true;
      for (const j of rest) if (j !== i && ops[j]!.ret < o.call) minimal = false;
      if (!minimal) continue;
      const next = model.step(state, o.input, o.output);
      if (next === undefined) continue;
      rest.delete(i);
      const ok = go(next);
      rest.add(i);
      if (ok) return true;
    }
    return false;
  };
  return go(model.init());
}

/** How `casHistories` draws: op kinds (repeat one to weight it), value range, window widths, how
 *  often an op is lost (`lost` 0 of 0..maxLost) or its result corrupted (`corrupt` 0 of 0..maxCorrupt). */
export interface CasHistoryShape {
  readonly kinds: readonly ('read' | 'write' | 'cas')[];
  readonly maxValue: number;
  readonly maxWindow: number;
  readonly maxLost: number;
  readonly maxCorrupt: number;
  readonly maxLength: number;
  /** A corrupted read answers the other of 0/1 (else it answers its own `a`). */
  readonly flipBadRead: boolean;
  /** Processes cycle through this many names (0: one process per op). */
  readonly processes: number;
}

/** Random small cas-register histories: a linearizable run with random windows, then maybe a
 *  corrupted result. */
export function casHistories(shape: CasHistoryShape): fc.Arbitrary<Operation<CasInput, CasOutput>[]> {
  return fc
    .array(
      fc.record({
        kind: fc.constantFrom(...shape.kinds),
        a: fc.integer({ min: 0, max: shape.maxValue }),
        b: fc.integer({ min: 0, max: shape.maxValue }),
        before: fc.integer({ min: 0, max: shape.maxWindow }),
        after: fc.integer({ min: 0, max: shape.maxWindow }),
        lost: fc.integer({ min: 0, max: shape.maxLost }),
        corrupt: fc.integer({ min: 0, max: shape.maxCorrupt }),
      }),
      { minLength: 1, maxLength: shape.maxLength },
    )
    .map((specs) => {
      let reg: number | null = null;
      return specs.map((s, i) => {
        const at = i * 10;
        const call = Math.max(0, at - s.before);
        const ret = s.lost === 0 ? null : at + s.after;
        let input: CasInput;
        let output: CasOutput;
        if (s.kind === 'read') {
          input = { f: 'read' };
          output = { unknown: false, value: s.corrupt !== 0 ? reg : shape.flipBadRead ? 1 - (reg ?? 0) : s.a };
        } else if (s.kind === 'write') {
          input = { f: 'write', value: s.a };
          output = { unknown: false };
          reg = s.a;
        } else {
          input = { f: 'cas', from: s.a, to: s.b };
          const swaps = reg === s.a;
          output = { unknown: false, ok: s.corrupt === 0 ? !swaps : swaps };
          if (swaps) reg = s.b;
        }
        const process = shape.processes > 0 ? `p${i % shape.processes}` : `p${i}`;
        return op(i, process, call, ret, input, ret === null ? { unknown: true } : output);
      });
    });
}
