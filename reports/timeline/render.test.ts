import { describe, expect, it } from 'vitest';
import { renderTimeline } from './render.ts';
import type { Packed } from './pack.ts';
import { splitBrainTrace, TraceBuilder } from './testing/synthetic.ts';
import { runScenario } from '../../sim/scenario.ts';
import splitBrainScenario from '../../scenarios/split-brain.ts';

function embedded(html: string): Packed {
  const m = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html);
  if (!m?.[1]) throw new Error('no embedded data');
  return JSON.parse(m[1]) as Packed;
}

describe('renderTimeline', () => {
  const html = renderTimeline(splitBrainTrace(), { title: 'split <brain>', seed: 7 });

  it('is one self-contained page: nothing is fetched from anywhere', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain('<title>split &lt;brain&gt;</title>');
    expect(html).toContain('seed <b>7</b>');
  });

  it('draws a lane label per server and client, and the state spans, in the static SVG', () => {
    const labels = [...html.matchAll(/<text class="lane-label"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['s1', 's2', 's3', 's4', 's5', 'c1', 'c2']);
    expect((html.match(/class="span st-LEADING"/g) ?? []).length).toBe(2); // s5 in epoch 1, s3 in epoch 2
    expect(html).toContain('class="region partition"');
    expect(html).toContain('2 leaders at once: s5 (epoch 1), s3 (epoch 2)');
  });

  it('embeds the events as compact JSON the page script can read', () => {
    const d = embedded(html);
    expect(d.lanes.map((l) => l[0])).toEqual(['s1', 's2', 's3', 's4', 's5', 'c1', 'c2']);
    expect(d.msgs.t.length).toBe(d.msgs.s.length);
    expect(d.msgs.t).toEqual([...d.msgs.t].sort((a, b) => a - b));
    expect(d.marks.t).toEqual([...d.marks.t].sort((a, b) => a - b));
    const votes = d.marks.k.filter((k) => d.kinds[k] === 'vote').length;
    expect(votes).toBeGreaterThan(10);
  });

  it('cannot be broken out of by text inside the trace', () => {
    const b = new TraceBuilder();
    b.send(0, 's1', 's2', 'NOTE', { text: '</script><script>alert(1)</script>' });
    b.node(5, 's1', 'zab.abandon', { reason: '<img src=x onerror=alert(1)>' });
    const page = renderTimeline(b.done(), { title: '<b>t</b>' });
    expect(page.match(/<script/g)?.length).toBe(2);
    expect(page).not.toContain('<img');
    const d = embedded(page);
    expect(d.str.some((s) => s.includes('</script><script>alert(1)'))).toBe(true);
  });

  it('renders an empty trace without failing', () => {
    const page = renderTimeline([], { title: 'empty' });
    expect(embedded(page).lanes).toEqual([]);
  });
});

describe('the split-brain scenario (whatever `npm run sim -- scenarios/split-brain.ts` runs today)', () => {
  it('renders one lane per node of the scenario and its partition', () => {
    const r = runScenario(splitBrainScenario);
    const page = renderTimeline(r.sim.trace.records, { title: splitBrainScenario.name, seed: r.seed });
    const labels = [...page.matchAll(/<text class="lane-label"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels.filter((l) => l?.startsWith('s'))).toEqual(splitBrainScenario.nodes.filter((n) => n.startsWith('s')));
    expect(page).toContain('class="region partition"');
  });
});
