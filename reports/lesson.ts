/**
 * A lesson page: the timeline (`timeline/render.ts`) with a panel of framed steps above it. Each
 * step is a plain `{ fromMs, toMs, focus?, text }`; the current one is shown above the timeline,
 * the whole list folds open under it; choosing a step (a click in the list, the ‹ › buttons /
 * the `[` `]` keys) sets the timeline's window to the step's frame through the page's own window
 * inputs and ticks the message category it focuses on. One self-contained HTML file.
 */
import type { TraceRecord } from '../trace/records.ts';
import { renderTimeline } from './timeline/render.ts';
import type { Verdict } from './timeline/model.ts';

export interface LessonStep {
  readonly fromMs: number;
  readonly toMs: number;
  readonly focus?: string;
  readonly text: string;
}

export interface LessonPage {
  readonly title: string;
  readonly intro: string;
  readonly steps: readonly LessonStep[];
  readonly verdicts?: readonly Verdict[];
  readonly seed?: string | number;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const CSS = `
#lesson{margin:4px 12px;padding:6px 10px;border:1px solid #c9d3e0;border-radius:6px;background:#f6f9fc;font-size:14px}
#lesson .intro{margin:0 0 4px;color:#445;font-size:13px}
#lesson .now{display:flex;gap:8px;align-items:baseline;font-size:15px}
#lesson details{margin-top:4px;font-size:13px}
#lesson summary{cursor:pointer;color:#345}
#lesson .now b{white-space:nowrap}
#lesson ol{margin:0;padding-left:22px;max-height:7.5em;overflow:auto}
#lesson li{cursor:pointer;padding:1px 4px;border-radius:3px}
#lesson li:hover{background:#e6eef8}
#lesson li.on{background:#d5e4f7;font-weight:600}
#lesson li .when{color:#667;font-size:12px;margin-left:6px}
`;

function stepsHtml(steps: readonly LessonStep[]): string {
  return steps
    .map((s, i) => `<li data-i="${i}">${esc(s.text)}<span class="when">${(s.fromMs / 1000).toFixed(3)}–${(s.toMs / 1000).toFixed(3)} s${s.focus !== undefined ? ` · ${esc(s.focus)}` : ''}</span></li>`)
    .join('');
}

// Plain browser JavaScript: drives the timeline through its window inputs (`#from`, `#to`, change).
const JS = `(function () {
  'use strict';
  var steps = JSON.parse(document.getElementById('lesson-data').textContent);
  var items = document.querySelectorAll('#lesson li');
  var nowEl = document.getElementById('lesson-now');
  var cur = -1;
  function show(i) {
    if (!steps.length) return;
    cur = Math.max(0, Math.min(steps.length - 1, i));
    var s = steps[cur];
    var from = document.getElementById('from'), to = document.getElementById('to');
    from.value = String(s.fromMs / 1000);
    to.value = String(Math.max(s.toMs, s.fromMs + 1) / 1000);
    from.dispatchEvent(new Event('change'));
    if (s.focus) {
      Array.prototype.forEach.call(document.querySelectorAll('input.filter'), function (el) {
        if (el.value === s.focus && !el.checked) { el.checked = true; el.dispatchEvent(new Event('change')); }
      });
    }
    Array.prototype.forEach.call(items, function (li, k) { li.className = k === cur ? 'on' : ''; });
    if (items[cur] && items[cur].offsetParent !== null) items[cur].scrollIntoView({ block: 'nearest' });
    nowEl.textContent = s.text;
    document.getElementById('lesson-count').textContent = 'step ' + (cur + 1) + ' of ' + steps.length;
    document.body.setAttribute('data-lesson-step', String(cur));
  }
  Array.prototype.forEach.call(items, function (li) {
    li.addEventListener('click', function () { show(Number(li.getAttribute('data-i'))); });
  });
  document.getElementById('lesson-prev').addEventListener('click', function () { show(cur - 1); });
  document.getElementById('lesson-next').addEventListener('click', function () { show(cur + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT' && e.target.type === 'text') return;
    if (e.key === ']') { show(cur + 1); e.preventDefault(); }
    if (e.key === '[') { show(cur - 1); e.preventDefault(); }
  });
  show(0);
})();`;

/** The lesson as one self-contained HTML page. */
export function renderLesson(trace: readonly TraceRecord[], page: LessonPage): string {
  const html = renderTimeline(trace, {
    title: page.title,
    ...(page.verdicts === undefined ? {} : { verdicts: page.verdicts }),
    ...(page.seed === undefined ? {} : { seed: page.seed }),
  });
  const data = JSON.stringify(page.steps).replace(/</g, '\\u003c');
  const panel = `<section id="lesson"><p class="intro">${esc(page.intro)}</p>
<div class="now"><button id="lesson-prev" title="previous step ([)">‹</button><button id="lesson-next" title="next step (])">›</button><b id="lesson-count"></b><span id="lesson-now"></span></div>
<details><summary>all ${page.steps.length} steps</summary><ol>${stepsHtml(page.steps)}</ol></details></section>`;
  const headerEnd = html.indexOf('</header>');
  const bodyEnd = html.lastIndexOf('</body>');
  const styleEnd = html.indexOf('</style>');
  if (headerEnd < 0 || bodyEnd < 0 || styleEnd < 0) throw new Error('renderLesson: the timeline page has no </header>, </style> or </body>');
  const afterHeader = headerEnd + '</header>'.length;
  return html.slice(0, styleEnd) + CSS + html.slice(styleEnd, afterHeader) + '\n' + panel + html.slice(afterHeader, bodyEnd)
    + `<script type="application/json" id="lesson-data">${data}</script>\n<script>${JS}</script>\n` + html.slice(bodyEnd);
}
