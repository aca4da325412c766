/**
 * Helpers for the checker's tests: terse op construction and a brute-force oracle (every order
 * that respects real time, tried one by one) to compare the search against on small histories.
 */
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
