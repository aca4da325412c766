/**
 * A violation drawn as Porcupine draws one: one self-contained HTML file (inline SVG and CSS, no
 * script, no network) with the failing part's history as bars, one row per process, the longest
 * linearizable prefix numbered in its order (green), the op that cannot be placed next (red) and
 * the other ops pending when it returned (amber outline). Hovering a bar shows its op, interval
 * and, for the prefix, the state after it.
 *
 * The x axis is event order, not time: every distinct call/return instant gets one slot, so
 * short and long ops stay readable. A long history is cut to a window around the violation
 * (the last `WINDOW` ops of the prefix and everything pending then); the page says so.
 */
import type { CheckResult, ExplainedOp } from './types.ts';

const WINDOW = 80;
const MAX_DRAWN = 400;
const ROW = 34;
const LEFT = 90;

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const when = (o: ExplainedOp): string => `[${o.call}, ${o.ret === null ? '∞' : o.ret}]`;

export function explanationHtml(file: string, model: string, result: CheckResult): string {
  const head = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(file)}: ${result.verdict}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:18px;margin:0 0 8px} .v-bad{color:#b00020} .v-ok{color:#1b7f3b} .v-unk{color:#8a6d00}
table{border-collapse:collapse;margin:8px 0} td{padding:2px 10px 2px 0;vertical-align:top}
code{font:12px ui-monospace,monospace} .legend span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid #555}
svg text{font:11px ui-monospace,monospace}
</style></head><body>`;
  const x = result.explanation;
  if (!x) {
    const cls = result.verdict === 'linearizable' ? 'v-ok' : 'v-unk';
    const why = result.reason ? ` — ${esc(result.reason)}` : '';
    return `${head}<h1>${esc(file)}: <span class="${cls}">${result.verdict}</span></h1>
<p>${result.ops} ops, model ${esc(model)}${why}. Nothing to explain.</p></body></html>\n`;
  }

  // Which ops to draw: the tail of the prefix, the blocking op, and every op pending with it.
  const orderOf = new Map<number, number>(x.linearized.map((o, k) => [o.index, k + 1]));
  const stateAfter = new Map<number, string>(x.linearized.map((o) => [o.index, o.stateAfter]));
  const candidates = new Set(x.candidates.map((o) => o.index));
  const tail = x.linearized.slice(Math.max(0, x.linearized.length - WINDOW));
  const from = Math.min(x.blocking.call, ...tail.map((o) => o.call), ...x.candidates.map((o) => o.call));
  const to = x.blocking.ret ?? Infinity;
  let drawn = x.ops.filter((o) => (o.ret === null || o.ret >= from) && o.call <= to);
  const cut = drawn.length > MAX_DRAWN;
  if (cut) {
    // Keep the ops nearest the blocking op.
    const keep = new Set([x.blocking.index, ...candidates]);
    const rest = drawn.filter((o) => !keep.has(o.index)).sort((a, b) => b.call - a.call);
    const room = Math.max(0, MAX_DRAWN - keep.size);
    const kept = new Set(rest.slice(0, room).map((o) => o.index));
    drawn = drawn.filter((o) => keep.has(o.index) || kept.has(o.index));
  }

  // Event-order x axis.
  const instants = [...new Set(drawn.flatMap((o) => (o.ret === null ? [o.call] : [o.call, o.ret])))].sort((a, b) => a - b);
  const slot = new Map(instants.map((t, i) => [t, i]));
  // Wide slots when there are few instants, so the op labels fit.
  const SLOT = Math.max(26, Math.min(90, Math.floor(1100 / Math.max(1, instants.length))));
  const width = LEFT + (instants.length + 2) * SLOT + 120;
  const processes = [...new Set(drawn.map((o) => o.process))].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
  });
  // A process's ops overlap only when it reused its id after an op that never returned: such
  // ops get lanes of their own within the process's band.
  const laneOf = new Map<number, number>();
  const lanes = new Map<string, number>();
  for (const p of processes) {
    const ends: number[] = [];
    for (const o of drawn.filter((d) => d.process === p).sort((a, b) => a.call - b.call)) {
      const end = o.ret ?? Infinity;
      let lane = ends.findIndex((e) => e < o.call);
      if (lane < 0) lane = ends.push(end) - 1;
      else ends[lane] = end;
      laneOf.set(o.index, lane);
    }
    lanes.set(p, ends.length);
  }
  const top = new Map<string, number>();
  let y0 = 30;
  for (const p of processes) {
    top.set(p, y0);
    y0 += lanes.get(p)! * ROW;
  }
  const height = y0 + 10;

  const bars: string[] = [];
  for (const p of processes) {
    const y = top.get(p)!;
    const h = lanes.get(p)! * ROW;
    bars.push(`<text x="6" y="${y + 17}">${esc(p.length > 10 ? `${p.slice(0, 9)}…` : p)}</text>`);
    bars.push(`<line x1="${LEFT - 4}" x2="${width}" y1="${y + h - 4}" y2="${y + h - 4}" stroke="#eee"/>`);
  }
  for (const o of drawn) {
    const y = top.get(o.process)! + laneOf.get(o.index)! * ROW + 4;
    const x0 = LEFT + slot.get(o.call)! * SLOT + 2;
    const x1 = o.ret === null ? width - 124 : LEFT + slot.get(o.ret)! * SLOT + SLOT - 2;
    const k = orderOf.get(o.index);
    const isBlocking = o.index === x.blocking.index;
    let fill = '#d9d9d9';
    let stroke = '#999';
    let cls = 'op';
    if (k !== undefined) {
      fill = '#a8dbb5';
      stroke = '#1b7f3b';
      cls = 'op linearized';
    }
    if (isBlocking) {
      fill = '#f4a3a8';
      stroke = '#b00020';
      cls = 'op blocking';
    } else if (k === undefined && candidates.has(o.index)) {
      fill = '#fff3cd';
      stroke = '#c98a00';
      cls = 'op candidate';
    }
    const dash = o.ret === null ? ' stroke-dasharray="4 3"' : '';
    const tip = `#${o.label} process ${o.process} ${when(o)}\n${o.op}${k !== undefined ? `\nlinearized ${k}th; state after: ${stateAfter.get(o.index)}` : ''}${isBlocking ? '\ncannot be placed next' : ''}`;
    const label = `${k !== undefined ? `${k}: ` : ''}${o.op}`;
    bars.push(
      `<g class="${cls}" data-index="${o.index}"><title>${esc(tip)}</title>` +
        `<rect x="${x0}" y="${y}" width="${Math.max(4, x1 - x0)}" height="${ROW - 12}" rx="3" fill="${fill}" stroke="${stroke}"${dash}${isBlocking ? ' stroke-width="2"' : ''}/>` +
        `<text x="${x0 + 4}" y="${y + 15}">${esc(label.length > Math.max(1, Math.floor((x1 - x0 - 6) / 6.6)) ? `${label.slice(0, Math.max(1, Math.floor((x1 - x0 - 6) / 6.6) - 1))}…` : label)}</text></g>`,
    );
  }
  // The time axis: event order, with the blocking op's return marked.
  const axis: string[] = [];
  if (x.blocking.ret !== null && slot.has(x.blocking.ret)) {
    const bx = LEFT + slot.get(x.blocking.ret)! * SLOT + SLOT - 2;
    axis.push(`<line x1="${bx}" x2="${bx}" y1="18" y2="${height - 6}" stroke="#b00020" stroke-dasharray="3 3"/>`);
    axis.push(`<text x="${bx + 3}" y="14" fill="#b00020">#${esc(x.blocking.label)} returns</text>`);
  }

  const shown = drawn.length < x.ops.length ? `<p>Showing ${drawn.length} of the part's ${x.ops.length} ops: the last ${tail.length} of the prefix and what was pending with the blocking op${cut ? ` (cut to the ${MAX_DRAWN} nearest it)` : ''}.</p>` : '';
  const prefixTail = x.linearized
    .slice(Math.max(0, x.linearized.length - 8))
    .map((o) => `<tr><td>${orderOf.get(o.index)}.</td><td><code>#${esc(o.label)}</code></td><td>${esc(o.process)}</td><td><code>${esc(o.op)}</code></td><td>→ <code>${esc(o.stateAfter)}</code></td></tr>`)
    .join('');
  const others = x.candidates.filter((c) => c.index !== x.blocking.index);
  return `${head}<h1>${esc(file)}: <span class="v-bad">not linearizable</span></h1>
<p>Model ${esc(model)}, ${result.ops} ops; failing part <b>${esc(x.part)}</b> (${x.partOps} ops).
The longest linearizable prefix has <b>${x.linearized.length}</b> ops and leaves the state <code>${esc(x.stateBefore)}</code>.
Then <b class="v-bad">#${esc(x.blocking.label)}</b> (process ${esc(x.blocking.process)}, <code>${esc(x.blocking.op)}</code>, ${when(x.blocking)})
cannot be placed next: the search tried every order of the ops before its return${others.length > 0 ? ` (${others.length} other op${others.length === 1 ? '' : 's'} still pending then, in amber)` : ''} and none allows it.</p>
<table>${x.linearized.length > 8 ? `<tr><td colspan="5">… ${x.linearized.length - 8} earlier ops of the prefix</td></tr>` : ''}${prefixTail}
<tr><td>✗</td><td><code>#${esc(x.blocking.label)}</code></td><td>${esc(x.blocking.process)}</td><td><code>${esc(x.blocking.op)}</code></td><td>from <code>${esc(x.stateBefore)}</code>: impossible</td></tr></table>
<p class="legend"><span><i class="sw" style="background:#a8dbb5"></i>linearized (number = position in the order)</span><span><i class="sw" style="background:#f4a3a8"></i>cannot be placed</span><span><i class="sw" style="background:#fff3cd"></i>pending, tried in every order</span><span><i class="sw" style="background:#d9d9d9"></i>other</span><span>dashed: never returned</span></p>
${shown}<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="history">${axis.join('')}${bars.join('')}</svg>
</body></html>
`;
}
