/**
 * Field descriptors: the small vocabulary the trace schema (`schema.ts`) is written in. Each
 * descriptor checks a parsed JSON value at run time (the strict decoder) and carries the value's
 * TypeScript type at compile time, so the record types are derived from the same table the decoder
 * and the documentation test read — one source, no drift.
 */

/** A field of a record: `check` answers null when `v` fits, else what was expected. */
export interface Field<T, O extends boolean = boolean> {
  /** How the field is written in `trace/README.md` (e.g. `int`, `string[]`, `'cut'|'loss'`). */
  readonly doc: string;
  /** May be absent (an absent field and `undefined` are the same thing in JSON). */
  readonly optional: O;
  check(v: unknown): string | null;
  /** A valid value (the decoder's round-trip test builds every record kind from these). */
  readonly sample: unknown;
  /** Compile-time only: the value's type. */
  readonly __type?: T;
}

export type Fields = { readonly [name: string]: Field<unknown> };

export type TypeOf<F> = F extends Field<infer T> ? T : never;

type OptionalKeys<S extends Fields> = { [K in keyof S]: S[K] extends Field<unknown, true> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The object type a field table describes (optional fields are `?`). */
export type Shape<S extends Fields> = Flat<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: TypeOf<S[K]> } & { readonly [K in OptionalKeys<S>]?: TypeOf<S[K]> }
>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function field<T>(doc: string, sample: T, ok: (v: unknown) => boolean): Field<T, false> {
  return { doc, optional: false, sample, check: (v) => (ok(v) ? null : `expected ${doc}, got ${describe(v)}`) };
}

/** Any finite number (zxids are numbers up to 2^53, see `protocol/zxid.ts`). */
export const num = field<number>('number', 2.5, (v) => typeof v === 'number' && Number.isFinite(v));
/** An integer (counts, ids, sids, microseconds). Negative values are allowed (`-1` = none). */
export const int = field<number>('int', 3, (v) => Number.isInteger(v));
export const str = field<string>('string', 's1', (v) => typeof v === 'string');
export const bool = field<boolean>('boolean', true, (v) => typeof v === 'boolean');
/** Anything at all (an application request or reply: opaque to the trace). */
export const any: Field<unknown, true> = { doc: 'any', optional: true, sample: { op: 'x', n: [1] }, check: () => null };

/** One of some string constants. */
export function oneOf<const L extends readonly string[]>(...values: L): Field<L[number], false> {
  const set = new Set<unknown>(values);
  return field<L[number]>(values.map((x) => `'${x}'`).join('|'), values[0] as L[number], (v) => set.has(v));
}

/** A value that may also be `null`. */
export function orNull<T>(f: Field<T, false>): Field<T | null, false> {
  return { doc: `${f.doc}|null`, optional: false, sample: f.sample, check: (v) => (v === null ? null : f.check(v)) };
}

/** A number or a string (the run seed). */
export const numOrStr = field<number | string>('number|string', 7, (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));

/** A field that may be absent. */
export function opt<T>(f: Field<T, false>): Field<T, true> {
  return { doc: `${f.doc}?`, optional: true, sample: f.sample, check: (v) => (v === undefined ? null : f.check(v)) };
}

export function arrayOf<T>(f: Field<T, false>): Field<readonly T[], false> {
  return {
    doc: `${f.doc}[]`,
    optional: false,
    sample: [f.sample],
    check(v) {
      if (!Array.isArray(v)) return `expected ${f.doc}[], got ${describe(v)}`;
      for (let i = 0; i < v.length; i++) {
        const bad = f.check(v[i]);
        if (bad !== null) return `[${i}]: ${bad}`;
      }
      return null;
    },
  };
}

/** A nested object with exactly these fields. */
export function object<S extends Fields>(fields: S): Field<Shape<S>, false> {
  const doc = `{${Object.keys(fields).join(', ')}}`;
  return {
    doc,
    optional: false,
    sample: sampleOf(fields),
    check(v) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `expected ${doc}, got ${describe(v)}`;
      return checkFields(v as Record<string, unknown>, fields, '');
    },
  };
}

/** A message between nodes (`protocol/contract.ts` `Message`): an object with a string `type`. */
export const message = field<{ readonly type: string; readonly [k: string]: unknown }>(
  'message',
  { type: 'PING', zxid: 1 },
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string',
);

/**
 * Checks `obj`'s fields against `fields`, plus `skip` (names checked by the caller). Every field
 * must fit and no other field may be present: a renamed field is an error, never silently unread.
 */
export function checkFields(obj: Record<string, unknown>, fields: Fields, prefix: string, skip?: ReadonlySet<string>): string | null {
  for (const name in fields) {
    const f = fields[name]!;
    const v = obj[name];
    if (v === undefined && !f.optional) return `missing field ${prefix}${name} (${f.doc})`;
    const bad = f.check(v);
    if (bad !== null) return `field ${prefix}${name}: ${bad}`;
  }
  for (const name in obj) {
    if (!(name in fields) && !(skip?.has(name) ?? false) && obj[name] !== undefined) return `unknown field ${prefix}${name}`;
  }
  return null;
}

/** A valid object for a field table: every field (optional ones too) at its sample value. */
export function sampleOf(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in fields) out[name] = fields[name]!.sample;
  return out;
}
