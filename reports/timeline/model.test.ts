import { describe, expect, it } from 'vitest';
import type { TraceRecord } from './records.ts';
import { toHappenings } from './records.ts';
import { buildModel, leaderOverlaps, MAX_CLIENT_LANES } from './model.ts';
import type { Model, Span } from './model.ts';
import { categoryOf } from './categories.ts';
import { largeTrace, splitBrainTrace, TraceBuilder } from './testing/synthetic.ts';
import { realSplitBrain } from './testing/real-runs.ts';

const lane = (m: Model, id: string): number => m.lanes.findIndex((l) => l.id === id);
const spansOf = (m: Model, id: string): Span[] => m.spans.filter((s) => s.lane === lane(m, id));

describe('trace → happenings', () => {
  it('joins a send to its recv, and marks a second delivery as a duplicate', () => {
    const tr: TraceRecord[] = [
      { t: 10, node: 's1', ev: 'send', to: 's2', m: 7, type: 'PING', msg: { type: 'PING', n: 1 } },
      { t: 15, node: 's1', ev: 'dup', to: 's2', m: 7 },
      { t: 40, node: 's2', ev: 'recv', from: 's1', m: 7, type: 'PING' },
      { t: 55, node: 's2', ev: 'recv', from: 's1', m: 7, type: 'PING' },
      { t: 60, node: 's1', ev: 'send', to: 's3', m: 8, type: 'PING', msg: { type: 'PING' } },
      { t: 60, node: 's3', ev: 'drop', from: 's1', m: 8, type: 'PING', reason: 'cut' },
    ];
    const msgs = toHappenings(tr).filter((h) => h.k === 'msg');
    expect(msgs.map((h) => [h.sent, h.t, h.from, h.to, h.fate])).toEqual([
      [10, 40, 's1', 's2', 'deliver'],
      [10, 55, 's1', 's2', 'duplicate'],
      [60, 60, 's1', 's3', 'drop'],
    ]);
    expect(msgs[0]?.k === 'msg' && msgs[0].msg['n']).toBe(1);
    expect(msgs[2]?.k === 'msg' && msgs[2].reason).toBe('cut');
  });

  it('reads faults and node trace effects', () => {
    const tr: TraceRecord[] = [
      { t: 1, node: '*', ev: 'fault', fault: 'isolate', target: 's2' },
      { t: 2, node: 's1', ev: 'trace', event: 'state', data: { state: 'LOOKING' } },
      { t: 3, node: 's1', ev: 'trace', event: 'state', data: { state: 'LEADING' } },
      { t: 4, node: 's1', ev: 'timer', timer: 'tick' },
      { t: 5, node: 's3', ev: 'clock', rate: 1.01, jumpMs: 0 },
    ];
    const hs = toHappenings(tr);
    expect(hs.map((h) => h.k)).toEqual(['fault', 'node', 'node', 'fault']);
    expect(hs[0]?.k === 'fault' && hs[0].isolated).toBe('s2');
    expect(hs[2]?.k === 'node' && hs[2].event === 'state' && hs[2].data.state).toBe('LEADING');
    expect(hs[3]?.k === 'fault' && hs[3].fault).toBe('skew');
  });
});

describe('timeline model', () => {
  it('has one lane per server in id order, then the clients', () => {
    const tr: TraceRecord[] = ['s10', 's2', 's1', 'c2', 'c1'].map((node, i) => ({ t: i, node, ev: 'boot' }));
    const m = buildModel(tr, { servers: ['s3'] });
    expect(m.lanes.map((l) => `${l.id}:${l.kind}`)).toEqual(['s1:server', 's2:server', 's3:server', 's10:server', 'c1:client', 'c2:client']);
  });

  it('folds many clients into one lane', () => {
    const tr: TraceRecord[] = Array.from({ length: MAX_CLIENT_LANES + 1 }, (_, i) => ({ t: i, node: `c${i + 1}`, ev: 'boot' }));
    expect(buildModel(tr).lanes.map((l) => l.id)).toEqual(['clients']);
  });

  it('draws the split brain: two LEADING spans of different epochs overlap, the partition is a region', () => {
    const m = buildModel(splitBrainTrace());
    const s5 = spansOf(m, 's5').find((s) => s.state === 'LEADING');
    const s3 = spansOf(m, 's3').find((s) => s.state === 'LEADING');
    expect(s5?.epoch).toBe(1);
    expect(s3?.epoch).toBe(2);
    expect(s3 && s5 && s3.t0 < s5.t1 && s5.t0 < s3.t1).toBe(true);
    const part = m.regions.filter((r) => r.kind === 'partition');
    expect(part).toHaveLength(1);
    expect(part[0]?.t0).toBe(3_000_000);
    expect(part[0]?.t1).toBe(9_000_000);
    // Nodes no group lists form one more side: here the clients, cut off from every server.
    expect(part[0]?.label).toBe('partition s1 s2 s3 | s4 s5 | c1 c2');
    const down = spansOf(m, 's2').filter((s) => s.state === 'down');
    expect(down.map((s) => [s.t0, s.t1])).toEqual([[10_000_000, 10_600_000]]);
  });

  it('spans tile each server lane without gaps or overlaps', () => {
    const m = buildModel(splitBrainTrace());
    for (const l of m.lanes.filter((x) => x.kind === 'server')) {
      const ss = spansOf(m, l.id);
      for (let i = 1; i < ss.length; i++) expect(ss[i]?.t0).toBe(ss[i - 1]?.t1);
      expect(ss[ss.length - 1]?.t1).toBe(m.t1);
    }
  });

  it('shades a paused server and a clogged link on their lanes, and marks clock skew', () => {
    const tr: TraceRecord[] = [
      { t: 0, node: 's1', ev: 'boot' },
      { t: 0, node: 's2', ev: 'boot' },
      { t: 100, node: 's1', ev: 'pause' },
      { t: 150, node: '*', ev: 'fault', fault: 'clog', from: 's1', to: 's2' },
      { t: 200, node: 's1', ev: 'resume' },
      { t: 250, node: '*', ev: 'fault', fault: 'unclog', from: 's1', to: 's2', released: 3 },
      { t: 300, node: 's2', ev: 'clock', rate: 1, jumpMs: 500 },
    ];
    const m = buildModel(tr);
    expect(m.regions.map((r) => [r.kind, r.t0, r.t1, r.lanes])).toEqual([
      ['pause', 100, 200, [0]],
      ['clog', 150, 250, [0, 1]],
    ]);
    const skew = m.marks.find((k) => k.kind === 'skew');
    expect(skew?.text).toBe("s2's wall clock jumps by 500 ms");
    expect(m.marks.find((k) => k.label === 'unclog')?.text).toBe('link s1 → s2 unclogged (3 held messages released)');
  });

  it("draws a client's notifications (watch events, connection states) on its lane", () => {
    const tr: TraceRecord[] = [
      { t: 0, node: 'c1', ev: 'boot' },
      { t: 10, node: 'c1', ev: 'notify', type: 'None', state: 'SyncConnected', path: null, zxid: -1 },
      { t: 20, node: 'c1', ev: 'notify', type: 'NodeDeleted', state: 'SyncConnected', path: '/eph', zxid: 0x100000003 },
    ];
    const m = buildModel(tr);
    const marks = m.marks.filter((k) => k.lane === lane(m, 'c1') && k.group === 'client').map((k) => [k.label, k.text]);
    expect(marks).toEqual([
      ['SyncConnected', "c1's application is told: SyncConnected"],
      ['⚑ NodeDeleted /eph', "c1's application is told: NodeDeleted /eph (zxid 0x100000003)"],
    ]);
  });

  it('pairs client calls with their answers', () => {
    const m = buildModel(splitBrainTrace());
    const ops = m.ops.map((o) => `${m.lanes[o.lane]?.id} ${o.label} ${o.ok}`);
    expect(ops).toContain('c2 create /c false');
    expect(ops).toContain('c1 create /a true');
    const open = new TraceBuilder();
    open.node(5, 'c1', 'client.invoke', { session: '0x1', xid: 9, op: 'getData', path: '/x' });
    const m2 = buildModel(open.done());
    expect(m2.ops[0]?.t1).toBeUndefined();
    expect(m2.ops[0]?.result).toBe('no reply');
  });

  it('every arrow goes between two lanes and never backwards in time', () => {
    const m = buildModel(largeTrace(20_000, 'arrows'));
    expect(m.arrows.length).toBeGreaterThan(5_000);
    const bad = m.arrows.filter((a) => a.sent > a.t || !m.lanes[a.from] || !m.lanes[a.to]);
    expect(bad).toEqual([]);
  });

  it('sorts message types into the filter categories', () => {
    expect(categoryOf('NOTIFICATION', 's1', 's2')).toBe('election');
    expect(categoryOf('LEADERINFO', 's1', 's2')).toBe('sync');
    expect(categoryOf('PROPOSAL', 's1', 's2')).toBe('broadcast');
    expect(categoryOf('PINGREPLY', 's1', 's2')).toBe('ping');
    expect(categoryOf('ZK_REQ', 'c1', 's2')).toBe('client');
    expect(categoryOf('QCLOSE', 's1', 's2')).toBe('other');
  });
});

describe('two leaders at once (the teaching highlight)', () => {
  it('finds the overlap in a planted split brain, and nothing in a run with one leader at a time', () => {
    const m = buildModel(splitBrainTrace());
    const r = leaderOverlaps(m.spans, m.lanes);
    expect(r).toHaveLength(1);
    expect(r[0]?.label).toBe('2 leaders at once: s5 (epoch 1), s3 (epoch 2)');
    // Cut the story before the second leader: no overlap.
    const early = splitBrainTrace().filter((x) => x.t < 5_100_000);
    const m2 = buildModel(early);
    expect(leaderOverlaps(m2.spans, m2.lanes)).toEqual([]);
  });

  it('is one stretch even when a leader learns its new epoch half-way', () => {
    const spans: Span[] = [
      { lane: 0, t0: 0, t1: 100, state: 'LEADING', epoch: 1 },
      { lane: 1, t0: 50, t1: 60, state: 'LEADING', epoch: 1 },
      { lane: 1, t0: 60, t1: 200, state: 'LEADING', epoch: 2 },
    ];
    const r = leaderOverlaps(spans, [{ id: 's1', kind: 'server' }, { id: 's2', kind: 'server' }]);
    expect(r.map((x) => [x.t0, x.t1, x.label])).toEqual([[50, 100, '2 leaders at once: s1 (epoch 1), s2 (epoch 2)']]);
  });

  it('shows the real ensemble\'s split brain: the old leader still LEADING while the majority elects a new one', () => {
    const run = realSplitBrain(1);
    const m = buildModel(run.trace);
    expect(m.lanes.filter((l) => l.kind === 'server')).toHaveLength(5);
    const r = leaderOverlaps(m.spans, m.lanes);
    expect(r.length).toBeGreaterThanOrEqual(1);
    expect(r[0]?.label).toContain(run.oldLeader);
    expect(r[0]?.label).toContain(run.newLeader);
    expect(m.regions.some((x) => x.kind === 'partition')).toBe(true);
  });
});
