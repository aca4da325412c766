/**
 * A compare-and-set register (the model of Jepsen's etcd test and Knossos's `cas-register`),
 * initially nil unless told otherwise. Values are integers or strings (1 and "1" differ). A
 * failed cas did not swap because the register did not hold `from`; an op with an unknown
 * outcome (timed out, or never returned) may have done whatever the register allowed.
 */
import type { Model } from '../types.ts';

export type RegisterValue = number | string | null;

export type CasInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: RegisterValue }
  | { readonly f: 'cas'; readonly from: RegisterValue; readonly to: RegisterValue };

export interface CasOutput {
  /** The outcome is unknown: any result is acceptable. */
  readonly unknown: boolean;
  /** Read: the value returned. */
  readonly value?: RegisterValue;
  /** Cas: whether it swapped. */
  readonly ok?: boolean;
}

export const showValue = (v: RegisterValue | undefined): string =>
  v === null || v === undefined ? 'nil' : typeof v === 'string' ? JSON.stringify(v) : String(v);

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** A value as text that tells 1 from "1" and nil (for opKey: equal keys, equal values). */
const valueKey = (v: RegisterValue | undefined): string =>
  v === null || v === undefined ? 'n' : typeof v === 'string' ? `s${JSON.stringify(v)}` : `i${String(v)}`;

/** The register starting at `initial`. */
export function casRegister(initial: RegisterValue = null): Model<RegisterValue, CasInput, CasOutput> {
  return {
    init: () => initial,
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
    opKey: (input, output) =>
      [input.f, input.f === 'write' ? valueKey(input.value) : input.f === 'cas' ? `${valueKey(input.from)}>${valueKey(input.to)}` : '',
        output.unknown ? '?' : input.f === 'read' ? valueKey(output.value) : input.f === 'cas' ? String(output.ok) : ''].join('|'),
    hash: (s) => (s === null ? 0x7fffffff : typeof s === 'string' ? hashString(s) : s | 0),
    describeOp(input, output) {
      const res = output.unknown ? '?' : undefined;
      switch (input.f) {
        case 'read':
          return `read -> ${res ?? showValue(output.value)}`;
        case 'write':
          return `write ${showValue(input.value)}${res ? ' -> ?' : ''}`;
        case 'cas':
          return `cas ${showValue(input.from)}->${showValue(input.to)} -> ${res ?? (output.ok ? 'ok' : 'fail')}`;
      }
    },
    describeState: (s) => showValue(s),
  };
}

/** The register starting at nil. */
export const casRegisterModel = casRegister(null);
