/**
 * `renderTimeline`: a trace (plus checker verdicts) → ONE self-contained HTML page: the static SVG
 * skeleton from d3-node, the data as compact JSON, the stylesheet and a small script, all inline
 * (the page loads nothing from the network).
 */
import { readFileSync } from 'node:fs';
import type { TraceRecord } from './records.ts';
import type { Model, Verdict } from './model.ts';
import { buildModel } from './model.ts';
import { layout, CATEGORY_COLOURS, STATE_COLOURS } from './layout.ts';
import { mainSvg, overviewSvg } from './skeleton.ts';
import { pack } from './pack.ts';
import { CATEGORIES } from './categories.ts';
import { secs } from './names.ts';
import { narrateLines } from '../narrate.ts';
import type { Line } from '../narrate.ts';
import { episodes } from './episodes.ts';
import type { Episodes } from './episodes.ts';
import { toHappenings } from './records.ts';

export interface TimelineOptions {
  readonly title: string;
  readonly verdicts?: readonly Verdict[];
  readonly seed?: string | number;
  /** Servers to draw even if the trace never mentions them. */
  readonly servers?: readonly string[];
  /** Message categories hidden at first (the reader can tick them on). Default: `ping`. */
  readonly hidden?: readonly string[];
}

let assets: { css: string; js: string } | undefined;
function loadAssets(): { css: string; js: string } {
  assets ??= {
    css: readFileSync(new URL('./style.css', import.meta.url), 'utf8'),
    js: readFileSync(new URL('./browser.js', import.meta.url), 'utf8'),
  };
  return assets;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function verdictsHtml(vs: readonly Verdict[]): string {
  if (vs.length === 0) return '<span class="meta">no checker verdicts attached</span>';
  // All green: one line (the lanes need the room); the names stay one click away.
  if (vs.every((v) => v.ok)) {
    return `<details class="all-ok"><summary><span class="verdict ok"><span class="mark">✓</span>all ${vs.length} checkers pass</span></summary>${verdictList(vs)}</details>`;
  }
  return verdictList(vs);
}

function verdictList(vs: readonly Verdict[]): string {
  return vs
    .map((v, vi) => {
      const items = v.violations
        .slice(0, 20)
        .map((viol, j) => `<button data-v="${vi}:${j}" title="${esc(viol.message)}">t=${secs(viol.t)}${viol.node ? ' ' + esc(viol.node) : ''}: ${esc(viol.message.length > 70 ? viol.message.slice(0, 67) + '...' : viol.message)}</button>`)
        .join(' ');
      const extra = v.violations.length - Math.min(20, v.violations.length) + (v.omitted ?? 0);
      const more = (extra > 0 ? ` <span class="meta">+${extra} more</span>` : '') + (v.note ? ` <span class="meta" title="${esc(v.note)}">(note)</span>` : '');
      return `<span class="verdict ${v.ok ? 'ok' : 'bad'}"><span class="mark">${v.ok ? '✓' : '✗'}</span>${esc(v.name)}${items ? ' ' + items : ''}${more}</span>`;
    })
    .join('');
}

function legendHtml(): string {
  const states = Object.entries(STATE_COLOURS)
    .map(([s, c]) => `<span class="item"><span class="chip" style="background:${c}"></span>${s}</span>`)
    .join('');
  const glyphs = [
    '◆ vote (→ whom)', '★ election decided / leader established', '✖ crash', '↻ restart', '| commit',
    '▭ client call (green ok, red error, dashed: no answer)', 'hatched red band: network partition', 'grey hatching on a lane: server paused', '✗ on an arrow: message dropped',
  ]
    .map((g) => `<span class="item">${esc(g)}</span>`)
    .join('');
  return `<b>States</b> ${states} <b>Marks</b> ${glyphs}`;
}

/** The elections as buttons: a click frames the election and shows its ballot. */
function electionsHtml(ep: Episodes): string {
  if (ep.elections.length === 0) return '';
  const bs = ep.elections.map((e, k) => `<button class="election" data-e="${k}" title="${esc(e.why)}">${e.n} · ${esc(e.title)}</button>`).join(' ');
  return `<span id="elections">elections: ${bs}</span>`;
}

/** The narration as a clickable list: a student reads the story, a click puts the cursor there. */
function storyHtml(trace: readonly TraceRecord[], model: Model, ep: Episodes): string {
  const MAX = 400;
  const lines = narrateLines(trace, { verdicts: model.verdicts, model });
  if (lines.length === 0) return '';
  // A line that tells a stretch (an election, a collapsed run) frames it; an election's line
  // selects that election (its ballot).
  const electionOf = (l: Line): string => {
    if (l.span === undefined) return '';
    const k = ep.elections.findIndex((e) => e.t0 === l.span?.fromUs);
    return ` data-from="${l.span.fromUs}" data-to="${l.span.toUs}"${k >= 0 && / wins /.test(l.text) ? ` data-e="${k}"` : ''}`;
  };
  const items = lines
    .slice(0, MAX)
    .map((l) => `<li data-t="${l.t}"${electionOf(l)}${l.text.startsWith('CHECK FAILED') ? ' class="bad"' : ''}><span class="when">t=${secs(l.t)}</span> ${esc(l.text)}</li>`)
    .join('');
  const more = lines.length > MAX ? `<li class="meta">… ${lines.length - MAX} more</li>` : '';
  return `<section id="story"><h2>What happened (click a line to go there)</h2><ol>${items}${more}</ol></section>`;
}

export function renderTimeline(trace: readonly TraceRecord[], options: TimelineOptions): string {
  const { css, js } = loadAssets();
  const model = buildModel(trace, { verdicts: options.verdicts ?? [], servers: options.servers ?? [] });
  const lay = layout(model.lanes);
  const seed = options.seed === undefined ? null : String(options.seed);
  const ep = episodes(trace, toHappenings(trace), model.lanes);
  const data = pack(model, lay, options.title, seed, ep);
  const hidden = new Set(options.hidden ?? ['ping']);
  const servers = model.lanes.filter((l) => l.kind === 'server').length;
  const clients = model.lanes.length - servers;
  const filters = CATEGORIES.map(
    (c) => `<label><input type="checkbox" class="filter" value="${c}"${hidden.has(c) ? '' : ' checked'}><span class="swatch" style="background:${CATEGORY_COLOURS[c]}"></span>${c}</label>`,
  ).join('');
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)}</title>
<style>${css}</style></head>
<body>
<header><h1>${esc(options.title)}</h1><span class="meta">${servers} servers · ${clients} client lanes · ${trace.length.toLocaleString('en')} trace records · ${secs(model.t1 - model.t0)} of virtual time${seed !== null ? ` · seed <b>${esc(seed)}</b>` : ''}</span></header>
<section id="verdicts">${verdictsHtml(model.verdicts)}</section>
<div id="violation-note"></div>
<div id="controls">
<span><button id="prev" title="previous event (←)">◀ prev</button> <button id="next" title="next event (→)">next ▶</button>
<select id="stepmode" title="what next/prev step through"><option value="all">every event</option><option value="notable">notable events only</option></select></span>
<span class="filters">${filters}</span>
<span>window <input type="text" id="from" aria-label="from (s)"> – <input type="text" id="to" aria-label="to (s)"> s
<button id="zin" title="zoom in (+)">+</button><button id="zout" title="zoom out (−)">−</button><button id="fit" title="whole run (0)">fit</button></span>
<span class="hint">←/→ step · wheel zoom · drag pan · click an event</span>
${electionsHtml(ep)}
</div>
<div id="desc"></div>
<div id="ovwrap"><span class="ovlabel">overview: drag to zoom</span>${overviewSvg(model)}</div>
<div id="density-note"></div>
<div id="view">${mainSvg(model, lay)}<canvas id="canvas"></canvas><div id="tip"></div></div>
<div id="below"><section id="inspect"><h2>Each server's state: before → after the selected event (changed cells highlighted)</h2><div id="status"></div></section><section id="ballot"></section><section id="write"></section>${storyHtml(trace, model, ep)}</div>
<div id="legend">${legendHtml()}</div>
<script type="application/json" id="data">${json}</script>
<script>${js}</script>
</body></html>
`;
}
