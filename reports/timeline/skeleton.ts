/**
 * The static part of the page, drawn on the server with d3-node: the lanes with their state spans,
 * fault regions, violation lines and a time axis (for the whole run; the page script re-places
 * them when zooming), and the overview strip, drawn from spans aggregated to 1000 buckets so its
 * size does not grow with the trace.
 */
import { D3Node } from 'd3-node';
import type { Model } from './model.ts';
import { STATES } from './model.ts';
import type { Layout } from './layout.ts';
import { STATE_COLOURS } from './layout.ts';
import { secs } from './names.ts';

/** Nominal width the static SVG is drawn at; the page script fits it to the window. */
export const NOMINAL_WIDTH = 1400;
export const OVERVIEW_BUCKETS = 1000;

function spanLabel(state: string, epoch: number | undefined, leader?: string): string {
  if (state === 'starting') return '';
  if (state === 'down') return 'down';
  const role = leader !== undefined ? `${state} ${leader}` : state;
  return epoch !== undefined && state !== 'LOOKING' ? `${role} · epoch ${epoch}` : role;
}

// One jsdom for every SVG drawn in a process: creating one costs more than drawing a skeleton.
let shared: D3Node | undefined;
function d3node(): D3Node {
  shared ??= new D3Node();
  return shared;
}

/** Draws into the shared document and detaches the result, so nothing accumulates between pages. */
function drawSvg(width: number | undefined, height: number | undefined, attrs: Readonly<Record<string, string | number>>,
  draw: (svg: ReturnType<D3Node['createSVG']>, d3: D3Node['d3']) => void): string {
  const n = d3node();
  const svg = n.createSVG(width, height, attrs);
  try {
    draw(svg, n.d3);
    return fixCase(svg.node()?.outerHTML ?? '');
  } finally {
    svg.remove();
  }
}

/** jsdom lowercases some camel-case SVG names; put back the ones the skeleton uses. */
function fixCase(s: string): string {
  return s.replace(/patternunits=/g, 'patternUnits=').replace(/patterntransform=/g, 'patternTransform=').replace(/viewbox=/g, 'viewBox=')
    .replace(/preserveaspectratio=/g, 'preserveAspectRatio=');
}

export function mainSvg(m: Model, lay: Layout): string {
  const W = NOMINAL_WIDTH;
  const plotW = W - lay.gutter;
  return drawSvg(W, lay.height, { id: 'main', class: 'main' }, (svg, d3) => {
    const x = d3.scaleLinear().domain([m.t0, m.t1]).range([0, plotW]);
    const defs = svg.append('defs');
    const hatch = (id: string, colour: string, bg: string): void => {
      const p = defs.append('pattern').attr('id', id).attr('patternUnits', 'userSpaceOnUse').attr('width', 8).attr('height', 8)
        .attr('patternTransform', 'rotate(45)');
      p.append('rect').attr('width', 8).attr('height', 8).attr('fill', bg);
      p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 8).attr('stroke', colour).attr('stroke-width', 3);
    };
    hatch('hatch-down', '#555', '#2e2e2e');
    hatch('hatch-partition', 'rgba(214,69,65,0.16)', 'rgba(214,69,65,0.05)');
    hatch('hatch-pause', 'rgba(120,120,120,0.45)', 'rgba(255,255,255,0.2)');

    const lanesG = svg.append('g').attr('id', 'lanes');
    m.lanes.forEach((l, i) => {
      const g = lay.lanes[i];
      if (!g) return;
      lanesG.append('rect').attr('class', `lane-bg ${l.kind}${i % 2 ? ' odd' : ''}`).attr('x', 0).attr('y', g.y).attr('width', W).attr('height', g.h)
        .attr('data-lane', l.id);
      lanesG.append('text').attr('class', 'lane-label').attr('x', 10).attr('y', g.y + (l.kind === 'server' ? 24 : 22)).text(l.id);
      if (l.kind === 'server') {
        lanesG.append('text').attr('class', 'lane-sub').attr('x', 10).attr('y', g.y + 38).text('server');
        lanesG.append('line').attr('class', 'lane-line').attr('x1', lay.gutter).attr('x2', W).attr('y1', g.line).attr('y2', g.line);
      } else {
        lanesG.append('text').attr('class', 'lane-sub').attr('x', 44).attr('y', g.y + 22).text('client');
      }
    });

    const plot = svg.append('g').attr('id', 'plot').attr('transform', `translate(${lay.gutter},0)`);
    const axis = plot.append('g').attr('id', 'axis');
    for (const tk of x.ticks(10)) {
      axis.append('line').attr('class', 'tick').attr('x1', x(tk)).attr('x2', x(tk)).attr('y1', 18).attr('y2', lay.height - 8);
      axis.append('text').attr('class', 'tick-label').attr('x', x(tk)).attr('y', 12).text(secs(tk));
    }
    const place = (sel: ReturnType<typeof plot.append>, t0: number, t1: number): void => {
      sel.attr('data-t0', t0).attr('data-t1', t1).attr('x', x(t0)).attr('width', Math.max(0.5, x(t1) - x(t0)));
    };

    const regG = plot.append('g').attr('id', 'regions');
    const laneRegions = plot.append('g').attr('id', 'lane-regions');
    const lastLane = lay.lanes[lay.lanes.length - 1];
    const bottom = lastLane ? lastLane.y + lastLane.h : lay.top;
    for (const r of m.regions) {
      const ls = r.lanes.length ? r.lanes.map((i) => lay.lanes[i]).filter((g) => g !== undefined) : [];
      if (r.kind === 'leaders') {
        place(regG.append('rect').attr('class', 'region leaders').attr('y', 21).attr('height', 17), r.t0, r.t1);
        place(regG.append('text').attr('class', 'region-label leaders').attr('y', 34).text(r.label), r.t0, r.t1);
      } else if (r.lanes.length === 0) {
        place(regG.append('rect').attr('class', `region ${r.kind}`).attr('y', lay.top - 20).attr('height', bottom - lay.top + 20), r.t0, r.t1);
        place(regG.append('text').attr('class', `region-label ${r.kind}`).attr('y', lay.top - 7).text(r.label), r.t0, r.t1);
      } else {
        // Lane regions (a paused server, a clogged link) go over the state bar: drawn after the spans.
        if (r.kind === 'side') {
          // A partition side: a coloured strip along the bottom of each of its lanes, named.
          for (const g of ls) {
            place(laneRegions.append('rect').attr('class', `region side side-${(r.side ?? 0) % 4}`).attr('y', g.y + g.h - 5).attr('height', 5), r.t0, r.t1);
            place(laneRegions.append('text').attr('class', `region-label side side-${(r.side ?? 0) % 4}`).attr('y', g.y + g.h - 7).text(r.label.replace(/:.*/, '')), r.t0, r.t1);
          }
          continue;
        }
        for (const g of ls) {
          place(laneRegions.append('rect').attr('class', `region ${r.kind}`).attr('y', g.y + 1).attr('height', g.h - 2), r.t0, r.t1);
          if (r.kind !== 'pause') place(laneRegions.append('text').attr('class', `region-label lane ${r.kind}`).attr('y', g.y + 12).text(r.label), r.t0, r.t1);
        }
      }
    }

    const spanG = plot.append('g').attr('id', 'spans');
    laneRegions.raise();
    for (const s of m.spans) {
      const g = lay.lanes[s.lane];
      if (!g || s.t1 <= s.t0) continue;
      const rect = spanG.append('rect').attr('class', `span st-${s.state}`).attr('y', g.bar).attr('height', 18)
        .attr('data-lane', s.lane).attr('data-state', s.state);
      place(rect, s.t0, s.t1);
      rect.append('title').text(`${m.lanes[s.lane]?.id ?? ''} ${spanLabel(s.state, s.epoch, s.leader) || s.state} from ${secs(s.t0)} to ${secs(s.t1)}`);
      const label = spanLabel(s.state, s.epoch, s.leader);
      if (label) place(spanG.append('text').attr('class', `span-label st-${s.state}`).attr('y', g.bar + 13).text(label), s.t0, s.t1);
    }

    const vG = plot.append('g').attr('id', 'vmarks');
    m.verdicts.forEach((v, vi) => {
      v.violations.forEach((viol, j) => {
        const l = vG.append('line').attr('class', 'vmark').attr('data-t', viol.t).attr('data-v', `${vi}:${j}`)
          .attr('x1', x(viol.t)).attr('x2', x(viol.t)).attr('y1', lay.top - 20).attr('y2', bottom);
        l.append('title').text(`${v.name}: ${viol.message}`);
      });
    });
  });
}

export function overviewSvg(m: Model): string {
  const B = OVERVIEW_BUCKETS;
  const rowH = 6;
  const H = m.lanes.length * rowH + 14;
  const attrs = { id: 'overview', class: 'overview', viewBox: `0 0 ${B} ${H}`, preserveAspectRatio: 'none', width: '100%', height: H * 1.6 };
  return drawSvg(undefined, undefined, attrs, (svg) => {
    const span = m.t1 - m.t0;
    const bucket = (t: number): number => ((t - m.t0) / span) * B;
    // Partitions behind everything else.
    for (const r of m.regions) {
      if (r.kind !== 'partition') continue;
      svg.append('rect').attr('class', 'ov-region').attr('x', bucket(r.t0)).attr('width', Math.max(1, bucket(r.t1) - bucket(r.t0)))
        .attr('y', 0).attr('height', H);
    }
    // Per lane and bucket, how long each state covered it; the dominant state is drawn.
    m.lanes.forEach((l, li) => {
      if (l.kind !== 'server') return;
      const cover = STATES.map(() => new Float64Array(B));
      for (const s of m.spans) {
        if (s.lane !== li) continue;
        const si = STATES.indexOf(s.state);
        const a = bucket(s.t0);
        const b = bucket(s.t1);
        for (let k = Math.max(0, Math.floor(a)); k < Math.min(B, Math.ceil(b)); k++) {
          const row = cover[si];
          if (row) row[k] = (row[k] ?? 0) + Math.min(b, k + 1) - Math.max(a, k);
        }
      }
      let runStart = 0;
      let runState = -1;
      const flush = (end: number): void => {
        const st = STATES[runState];
        if (runState >= 0 && st) svg.append('rect').attr('x', runStart).attr('width', end - runStart).attr('y', li * rowH).attr('height', rowH - 1)
          .attr('fill', STATE_COLOURS[st] ?? '#ccc');
      };
      for (let k = 0; k <= B; k++) {
        let best = -1;
        let bestV = 0;
        if (k < B) cover.forEach((row, si) => {
          const v = row[k] ?? 0;
          if (v > bestV) {
            bestV = v;
            best = si;
          }
        });
        if (k === B || best !== runState) {
          flush(k);
          runStart = k;
          runState = best;
        }
      }
    });
    // Message density along the bottom: how busy the network is, at any length of trace.
    const counts = new Float64Array(B);
    for (const a of m.arrows) {
      const k = Math.min(B - 1, Math.max(0, Math.floor(bucket(a.t))));
      counts[k] = (counts[k] ?? 0) + 1;
    }
    let max = 1;
    for (const c of counts) if (c > max) max = c;
    let d = `M0 ${H}`;
    counts.forEach((c, k) => {
      d += `L${k} ${H - (c / max) * 12}L${k + 1} ${H - (c / max) * 12}`;
    });
    svg.append('path').attr('class', 'ov-density').attr('d', d + `L${B} ${H}Z`);
    for (const mk of m.marks) {
      if (mk.kind !== 'crash') continue;
      svg.append('rect').attr('class', 'ov-crash').attr('x', bucket(mk.t)).attr('width', 1.5).attr('y', mk.lane * rowH).attr('height', rowH);
    }
    for (const v of m.verdicts) for (const viol of v.violations) {
      svg.append('rect').attr('class', 'ov-violation').attr('x', bucket(viol.t) - 1).attr('width', 2).attr('y', 0).attr('height', H);
    }
    svg.append('rect').attr('id', 'ov-win').attr('x', 0).attr('width', B).attr('y', 0).attr('height', H);
  });
}
