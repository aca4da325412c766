/**
 * The model as compact, column-oriented JSON for the page script: parallel arrays of numbers and
 * a shared string table, so a 100,000-event trace stays a few megabytes and parses in milliseconds.
 */
import type { MarkKind, Model } from './model.ts';
import { STATES } from './model.ts';
import { CATEGORIES } from './categories.ts';
import type { Layout } from './layout.ts';
import type { Episodes } from './episodes.ts';
import { hexZxid } from './names.ts';
import { stringTable } from './strings.ts';
import { CATEGORY_COLOURS, STATE_COLOURS } from './layout.ts';

export const GROUPS = [...CATEGORIES, 'state', 'fault'] as const;
export const MARK_KINDS = [
  'state', 'vote', 'election', 'decided', 'established', 'epoch', 'sync', 'propose', 'ack', 'commit', 'apply', 'invoke',
  'return', 'session', 'crash', 'restart', 'boot', 'pause', 'resume', 'skew', 'partition', 'heal', 'clog', 'disk', 'serving',
  'other',
] as const satisfies readonly MarkKind[];

export interface Packed {
  readonly title: string;
  readonly seed: string | null;
  readonly t0: number;
  readonly t1: number;
  readonly layout: Layout;
  readonly lanes: readonly (readonly [string, string])[];
  readonly states: readonly string[];
  readonly stateColours: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  readonly groupColours: Readonly<Record<string, string>>;
  readonly kinds: readonly string[];
  /** [lane, t0, t1, state index, epoch or -1] per span, flattened. */
  readonly spans: readonly number[];
  readonly types: readonly string[];
  readonly typeGroup: readonly number[];
  /** Messages sorted by arrival time. f = fate: 0 delivered, 1 dropped, 2 duplicated; d = fields, r = drop reason. */
  readonly msgs: { s: number[]; t: number[]; a: number[]; b: number[]; y: number[]; f: number[]; d: number[]; r: number[]; i: number[]; z: number[] };
  readonly maxLatency: number;
  /** Marks sorted by time. g = group index, b = label, d = description, v = vote, z = zxid (string indexes, -1 none). */
  readonly marks: { t: number[]; l: number[]; k: number[]; g: number[]; b: number[]; d: number[]; v: number[]; z: number[]; i: number[] };
  /** [lane, t0, t1 or -1, label, ok 1/0/-1, result] per client operation, flattened. */
  readonly ops: readonly number[];
  readonly verdicts: Model['verdicts'];
  readonly str: readonly string[];
  /** Election ballots, writes, inspector changes (`episodes.ts`). */
  readonly ep: Episodes | null;
}

export function pack(m: Model, lay: Layout, title: string, seed: string | null, ep: Episodes | null = null): Packed {
  const strings = stringTable();
  const str = strings.table;
  const s = (v: string | undefined): number => strings.id(v);
  const spans: number[] = [];
  for (const sp of m.spans) spans.push(sp.lane, sp.t0, sp.t1, STATES.indexOf(sp.state), sp.epoch ?? -1);

  const types: string[] = [];
  const typeGroup: number[] = [];
  const typeIds = new Map<string, number>();
  const msgs = { s: [] as number[], t: [] as number[], a: [] as number[], b: [] as number[], y: [] as number[], f: [] as number[], d: [] as number[], r: [] as number[], i: [] as number[], z: [] as number[] };
  let maxLatency = 0;
  const arrows = [...m.arrows].sort((x, y) => x.t - y.t || x.i - y.i);
  for (const a of arrows) {
    const key = `${a.type}\u0000${a.cat}`;
    let ty = typeIds.get(key);
    if (ty === undefined) {
      ty = types.length;
      types.push(a.type);
      typeGroup.push(GROUPS.indexOf(a.cat));
      typeIds.set(key, ty);
    }
    msgs.s.push(a.sent);
    msgs.t.push(a.t);
    msgs.a.push(a.from);
    msgs.b.push(a.to);
    msgs.y.push(ty);
    msgs.f.push(a.fate === 'deliver' ? 0 : a.fate === 'drop' ? 1 : 2);
    msgs.d.push(s(a.fields));
    msgs.r.push(s(a.reason));
    msgs.i.push(a.i);
    msgs.z.push(a.zxid !== undefined ? s(hexZxid(a.zxid)) : -1);
    if (a.t - a.sent > maxLatency) maxLatency = a.t - a.sent;
  }
  const marks = { t: [] as number[], l: [] as number[], k: [] as number[], g: [] as number[], b: [] as number[], d: [] as number[], v: [] as number[], z: [] as number[], i: [] as number[] };
  const sorted = [...m.marks].sort((x, y) => x.t - y.t || x.i - y.i);
  for (const mk of sorted) {
    marks.t.push(mk.t);
    marks.l.push(mk.lane);
    marks.k.push(MARK_KINDS.indexOf(mk.kind));
    marks.g.push(GROUPS.indexOf(mk.group));
    marks.b.push(s(mk.label));
    marks.d.push(s(mk.text));
    marks.v.push(s(mk.vote));
    marks.z.push(s(mk.zxid));
    marks.i.push(mk.i);
  }
  const ops: number[] = [];
  for (const o of m.ops) ops.push(o.lane, o.t0, o.t1 ?? -1, s(o.label), o.ok === undefined ? -1 : o.ok ? 1 : 0, s(o.result));
  return {
    title, seed, t0: m.t0, t1: m.t1, layout: lay,
    lanes: m.lanes.map((l) => [l.id, l.kind] as const),
    states: [...STATES], stateColours: STATE_COLOURS,
    groups: [...GROUPS], groupColours: { ...CATEGORY_COLOURS, state: '#333333', fault: '#d64541' },
    kinds: [...MARK_KINDS], spans, types, typeGroup, msgs, maxLatency, marks, ops, verdicts: m.verdicts, str, ep,
  };
}
