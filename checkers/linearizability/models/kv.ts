/**
 * A key-value store with get / put / append, every key initially "". Keys are independent, so a
 * history splits per key (one register-like part per key). The whole-store model (state: the
 * value of every key) serves `--no-split`, a stress case for the search.
 *
 * Values are interned: a state is a small integer (per key) so hashing and comparing states is
 * O(1) however long the appended strings grow.
 */
import type { Model, Operation, Part } from '../types.ts';

export type KvInput =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put' | 'append'; readonly key: string; readonly value: string };

export interface KvOutput {
  readonly unknown: boolean;
  /** get: the value returned. */
  readonly value?: string;
}

class Interner {
  private readonly ids = new Map<string, number>([['', 0]]);
  readonly values: string[] = [''];
  id(v: string): number {
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.ids.set(v, i);
    }
    return i;
  }
}

const quote = (s: string): string => JSON.stringify(s);

function describeOp(input: KvInput, output: KvOutput): string {
  if (input.f === 'get') return `get ${quote(input.key)} -> ${output.unknown ? '?' : quote(output.value ?? '')}`;
  return `${input.f} ${quote(input.key)} ${quote(input.value)}`;
}

/** Ops with equal keys step alike (search.ts, alike ops). */
function opKey(input: KvInput, output: KvOutput): string {
  const res = output.unknown ? ['?'] : input.f === 'get' ? [output.value === undefined ? 0 : output.value] : [];
  return JSON.stringify([input.f, input.key, input.f === 'get' ? 0 : input.value, ...res]);
}

/** Applies one op to one key's interned value; undefined when a get disagrees. */
function apply(values: Interner, cur: number, input: KvInput, output: KvOutput): number | undefined {
  switch (input.f) {
    case 'get':
      return output.unknown || values.values[cur] === output.value ? cur : undefined;
    case 'put':
      return values.id(input.value);
    case 'append':
      return input.value === '' ? cur : values.id(values.values[cur] + input.value);
  }
}

/** One key's model (a fresh intern table per part). */
export function kvKeyModel(): Model<number, KvInput, KvOutput> {
  const values = new Interner();
  return {
    init: () => 0,
    step: (s, input, output) => apply(values, s, input, output),
    equal: (a, b) => a === b,
    hash: (s) => s,
    describeOp,
    opKey,
    describeState: (s) => quote(values.values[s]!),
  };
}

/** The whole store: state[k] is the interned value of keys[k]. */
export function kvStoreModel(keys: readonly string[]): Model<readonly number[], KvInput, KvOutput> {
  const values = new Interner();
  const slot = new Map(keys.map((k, i) => [k, i]));
  return {
    init: () => keys.map(() => 0),
    step(s, input, output) {
      const k = slot.get(input.key)!;
      const v = apply(values, s[k]!, input, output);
      if (v === undefined) return undefined;
      if (v === s[k]) return s;
      const copy = s.slice();
      copy[k] = v;
      return copy;
    },
    equal(a, b) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    },
    hash(s) {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s[i]!, 0x01000193);
      return h | 0;
    },
    describeOp,
    opKey,
    stateBytes: (s) => 32 + 8 * s.length,
    describeState: (s) => `{${keys.map((k, i) => `${quote(k)}: ${quote(values.values[s[i]!]!)}`).join(', ')}}`,
  };
}

type KvOp = Operation<KvInput, KvOutput>;

function keysOf(ops: readonly KvOp[]): string[] {
  return [...new Set(ops.map((o) => o.input.key))].sort();
}

export const kvSpec = {
  whole(ops: readonly KvOp[]): Part<KvInput, KvOutput> {
    const keys = keysOf(ops);
    return { label: `all ${keys.length} keys`, ops, model: kvStoreModel(keys) as Model<unknown, KvInput, KvOutput> };
  },
  split(ops: readonly KvOp[]): Part<KvInput, KvOutput>[] {
    const byKey = new Map<string, KvOp[]>();
    for (const o of ops) {
      let list = byKey.get(o.input.key);
      if (!list) byKey.set(o.input.key, (list = []));
      list.push(o);
    }
    return keysOf(ops).map((k) => ({
      label: `key ${quote(k)}`,
      ops: byKey.get(k)!,
      model: kvKeyModel() as Model<unknown, KvInput, KvOutput>,
    }));
  },
};
