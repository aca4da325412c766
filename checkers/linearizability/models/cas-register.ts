/**
 * A compare-and-set register, initially nil (the Jepsen etcd test's model). A failed cas did not
 * swap because the register did not hold `from`; an op with an unknown outcome (timed out, or
 * never returned) may have done whatever the register allowed.
 */
import type { Model } from '../types.ts';

export type RegisterValue = number | null;

export type CasInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: number }
  | { readonly f: 'cas'; readonly from: number; readonly to: number };

export interface CasOutput {
  /** The outcome is unknown: any result is acceptable. */
  readonly unknown: boolean;
  /** Read: the value returned. */
  readonly value?: RegisterValue;
  /** Cas: whether it swapped. */
  readonly ok?: boolean;
}

const show = (v: RegisterValue | undefined): string => (v === null || v === undefined ? 'nil' : String(v));

export const casRegisterModel: Model<RegisterValue, CasInput, CasOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case 'read':
        return output.unknown || output.value === state ? state : undefined;
      case 'write':
        return input.value;
      case 'cas': {
        const swaps = state === input.from;
        if (!output.unknown && output.ok !== swaps) return undefined;
        return swaps ? input.to : state;
      }
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => (s === null ? 0x7fffffff : s | 0),
  describeOp(input, output) {
    const res = output.unknown ? '?' : undefined;
    switch (input.f) {
      case 'read':
        return `read -> ${res ?? show(output.value)}`;
      case 'write':
        return `write ${input.value}${res ? ' -> ?' : ''}`;
      case 'cas':
        return `cas ${input.from}->${input.to} -> ${res ?? (output.ok ? 'ok' : 'fail')}`;
    }
  },
  describeState: (s) => show(s),
};
