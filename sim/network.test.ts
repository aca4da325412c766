import { describe, expect, it } from 'vitest';
import type { Effect, Message } from '../protocol/contract.ts';
import { puppets } from './puppet.ts';
import { Simulation } from './simulation.ts';
import { ms } from './time.ts';

function setup(seed = 1, nodes = ['a', 'b', 'c']) {
  const p = puppets();
  const sim = new Simulation({ seed, nodes, factory: p.factory });
  sim.run(); // boot
  const send = (from: string, to: string, count = 1, tag = '') => {
    const effects: Effect[] = [];
    for (let i = 0; i < count; i++) effects.push({ kind: 'send', to, msg: { type: 'x', i, tag } });
    sim.request(from, { effects });
  };
  const got = (node: string, from?: string) =>
    p
      .of(node, 'message')
      .filter((s) => s.input.kind === 'message' && (from === undefined || s.input.from === from))
      .map((s) => (s.input as { msg: Message }).msg);
  const drops = (reason: string) => sim.trace.records.filter((r) => r.ev === 'drop' && r['reason'] === reason);
  return { sim, p, send, got, drops };
}

describe('network', () => {
  it('delivers with latency in [min, min + tailMax] by default', () => {
    const { sim, send, p } = setup();
    const t0 = sim.now;
    send('a', 'b', 50);
    sim.run();
    const ts = sim.trace.records.filter((r) => r.ev === 'recv').map((r) => r.t - t0);
    expect(ts).toHaveLength(50);
    for (const d of ts) {
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(1000);
    }
    expect(p.of('b', 'message')).toHaveLength(50);
  });

  it('latencies are drawn from the seed: same seed same times, other seed other times', () => {
    const times = (seed: number) => {
      const { sim, send } = setup(seed);
      send('a', 'b', 20);
      sim.run();
      return sim.trace.records.filter((r) => r.ev === 'recv').map((r) => r.t);
    };
    expect(times(1)).toEqual(times(1));
    expect(times(2)).not.toEqual(times(1));
  });

  it('rejects nonsense configuration loudly', () => {
    const { sim } = setup();
    expect(() => sim.setLink('a', 'b', { loss: 2 })).toThrow(/probability/);
    expect(() => sim.setDefaultLink({ minUs: -1 })).toThrow(/minUs/);
    expect(() => sim.at(Number.NaN, () => {})).toThrow(/finite/);
    expect(() => sim.crash('nobody')).toThrow(/unknown node nobody/);
    sim.request('a', { effects: [{ kind: 'sned', to: 'b' }] });
    expect(() => sim.run()).toThrow(/node a returned an unknown effect/);
    sim.request('a', { effects: [{ kind: 'disk', id: 1, op: { op: 'fsyncc' } }] });
    expect(() => sim.run()).toThrow(/unknown disk op/);
  });

  it('is FIFO per link by default, even with a long latency tail', () => {
    const { sim, send, got } = setup();
    sim.setDefaultLink({ tailMeanUs: 5000, tailMaxUs: 50_000 });
    for (let k = 0; k < 20; k++) {
      send('a', 'b', 10);
      sim.runFor(200);
    }
    sim.run();
    const seq = got('b', 'a').map((m) => m['i'] as number);
    expect(seq).toHaveLength(200);
    // i restarts at 0 in each batch of 10: the sequence must be 0..9 repeated.
    expect(seq).toEqual(Array.from({ length: 200 }, (_, j) => j % 10));
  });

  it('reorders when the link allows it, and still delivers everything', () => {
    const { sim, send, got } = setup();
    sim.setLink('a', 'b', { reorder: true, tailMeanUs: 5000, tailMaxUs: 50_000 });
    send('a', 'b', 100);
    sim.run();
    const seq = got('b', 'a').map((m) => m['i'] as number);
    expect([...seq].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, j) => j));
    expect(seq).not.toEqual(Array.from({ length: 100 }, (_, j) => j));
  });

  it('does not deliver across a partition, in either direction, until healed', () => {
    const { sim, send, got, drops } = setup();
    sim.partition([['a'], ['b', 'c']]);
    send('a', 'b');
    send('b', 'a');
    send('b', 'c');
    sim.run();
    expect(got('b', 'a')).toHaveLength(0);
    expect(got('a', 'b')).toHaveLength(0);
    expect(got('c', 'b')).toHaveLength(1);
    expect(drops('cut')).toHaveLength(2);
    sim.heal();
    send('a', 'b');
    sim.run();
    expect(got('b', 'a')).toHaveLength(1);
  });

  it('drops a message already in flight when a partition starts', () => {
    const { sim, send, got, drops } = setup();
    send('a', 'b');
    sim.runFor(1); // the send happens, the message is in flight (latency >= 100 µs)
    sim.isolate('b');
    sim.run();
    expect(got('b', 'a')).toHaveLength(0);
    expect(drops('cut')).toHaveLength(1);
  });

  it('a one-way cut blocks one direction only', () => {
    const { sim, send, got } = setup();
    sim.cut('a', 'b');
    send('a', 'b');
    send('b', 'a');
    send('a', 'c');
    sim.run();
    expect(got('b', 'a')).toHaveLength(0);
    expect(got('a', 'b')).toHaveLength(1);
    expect(got('c', 'a')).toHaveLength(1);
    sim.uncut('a', 'b');
    send('a', 'b');
    sim.run();
    expect(got('b', 'a')).toHaveLength(1);
  });

  it('a clog holds messages and releases them in order at unclog', () => {
    const { sim, send, got } = setup();
    sim.clog('a', 'b');
    send('a', 'b', 5);
    send('b', 'a', 1);
    sim.runFor(ms(100));
    expect(got('b', 'a')).toHaveLength(0);
    expect(got('a', 'b')).toHaveLength(1); // the other direction flows
    const tUnclog = sim.now;
    sim.unclog('a', 'b');
    sim.run();
    expect(got('b', 'a').map((m) => m['i'])).toEqual([0, 1, 2, 3, 4]);
    const recvTimes = sim.trace.records.filter((r) => r.ev === 'recv' && r.node === 'b').map((r) => r.t);
    expect(recvTimes.every((t) => t === tUnclog)).toBe(true);
  });

  it('loss drops about the configured fraction', () => {
    const { sim, send, got, drops } = setup(3);
    sim.setLink('a', 'b', { loss: 0.3 });
    send('a', 'b', 2000);
    sim.run();
    const n = got('b', 'a').length;
    expect(n).toBeGreaterThan(1300);
    expect(n).toBeLessThan(1500);
    expect(drops('loss')).toHaveLength(2000 - n);
    sim.setLink('a', 'b', { loss: 1 });
    send('a', 'b', 100);
    sim.run();
    expect(got('b', 'a').length).toBe(n);
  });

  it('duplication delivers a message twice', () => {
    const { sim, send, got } = setup();
    sim.setLink('a', 'b', { dup: 1 });
    send('a', 'b', 10);
    sim.run();
    const seq = got('b', 'a').map((m) => m['i'] as number);
    expect(seq).toHaveLength(20);
    for (let i = 0; i < 10; i++) expect(seq.filter((x) => x === i)).toHaveLength(2);
    expect(sim.stats.duplicated).toBe(10);
  });

  it('drops messages sent to a crashed node, and in-flight ones to a node that crashed or restarted', () => {
    const { sim, send, got, drops } = setup();
    sim.crash('b');
    send('a', 'b');
    sim.run();
    expect(drops('down')).toHaveLength(1);
    sim.restart('b');
    sim.run();
    send('a', 'b');
    sim.runFor(1);
    sim.crash('b');
    sim.restart('b'); // a new process: the old connection's data never reaches it
    sim.run();
    expect(got('b', 'a')).toHaveLength(0);
    expect(drops('stale')).toHaveLength(1);
  });
});
