/**
 * Geometry shared by the server-side SVG skeleton and the in-page script (which receives it in the
 * embedded data), so both draw lanes at the same place.
 */
import type { Lane } from './model.ts';

export interface Layout {
  /** Left column for lane names. */
  readonly gutter: number;
  /** Time axis and partition labels above the first lane. */
  readonly top: number;
  readonly height: number;
  /** Per lane: top y, height, y of the state bar, y where arrows attach. */
  readonly lanes: readonly { readonly y: number; readonly h: number; readonly bar: number; readonly line: number }[];
}

export const GUTTER = 104;
export const TOP = 64;
const SERVER_H = 54;
const CLIENT_H = 34;
const GAP = 4;

export function layout(lanes: readonly Lane[]): Layout {
  let y = TOP;
  const out = lanes.map((l) => {
    const h = l.kind === 'server' ? SERVER_H : CLIENT_H;
    const g = { y, h, bar: y + 4, line: l.kind === 'server' ? y + 42 : y + 18 };
    y += h + GAP;
    return g;
  });
  return { gutter: GUTTER, top: TOP, height: y + 8, lanes: out };
}

/** Fill colours of the state spans (also used by the legend). */
export const STATE_COLOURS: Readonly<Record<string, string>> = {
  LOOKING: '#f4b63f',
  FOLLOWING: '#5b8def',
  LEADING: '#2f9e55',
  OBSERVING: '#9b77d4',
  down: '#3b3b3b',
  starting: '#d5d5d5',
};

/** Stroke colours of the message categories (also used by the filters). */
export const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  election: '#e07b00',
  sync: '#8a4fd0',
  broadcast: '#1f6fb5',
  ping: '#a0a0a0',
  client: '#129488',
  other: '#666666',
};
