import { describe, expect, it } from 'vitest';
import type { DurableState, Effect, Input } from '../protocol/contract.ts';
import { append, fsync, puppetSim, type Puppets } from './puppet.ts';
import { WALL_EPOCH_MS } from './clock.ts';
import { ms } from './time.ts';

const setup = (seed: number | string = 1, nodes = ['a', 'b', 'c']) => puppetSim(seed, nodes);

function startDurable(p: Puppets, node: string): DurableState {
  const starts = p.of(node, 'start');
  const last = starts[starts.length - 1]?.input as Extract<Input, { kind: 'start' }>;
  return last.durable;
}

describe('crash and disk durability', () => {
  it('a crash loses the un-fsynced writes and keeps the fsynced ones', () => {
    const { sim, p, act } = setup();
    act('a', append(1, 'r1', 'r2'), fsync(2));
    sim.run(); // fsync completes
    expect(p.of('a', 'disk').map((s) => s.input)).toEqual([{ kind: 'disk', id: 2, op: 'fsync', status: { ok: true } }]);
    act('a', append(3, 'r3', 'r4', 'r5'), fsync(4)); // this fsync is still in flight at the crash
    sim.crash('a');
    const crash = sim.trace.records.find((r) => r.ev === 'crash');
    const kept = crash?.['kept'] as number;
    expect((crash?.['lost'] as number) + kept).toBe(3);
    sim.restart('a');
    sim.run();
    const log = startDurable(p, 'a').log;
    expect(log).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'].slice(0, 2 + kept));
    expect(p.of('a', 'disk')).toHaveLength(1); // the in-flight fsync never completed
  });

  it('torn writes keep a prefix: over many seeds every prefix length occurs, never more', () => {
    const keptCounts = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const { sim, p, act } = setup(seed, ['a']);
      act('a', append(1, 'd1'), fsync(2));
      sim.run();
      act('a', append(3, 'u1', 'u2', 'u3'));
      sim.crash('a');
      sim.restart('a');
      sim.run();
      const log = startDurable(p, 'a').log as string[];
      expect(log.slice(0, 1)).toEqual(['d1']);
      expect(log.slice(1)).toEqual(['u1', 'u2', 'u3'].slice(0, log.length - 1));
      keptCounts.add(log.length - 1);
    }
    expect([...keptCounts].sort()).toEqual([0, 1, 2, 3]);
  });

  it('an fsync covers only records appended before it', () => {
    const { sim, p, act } = setup('x', ['a']);
    act('a', append(1, 'r1'), fsync(2), append(3, 'r2'));
    sim.run();
    expect(sim.disk('a').durableState().log).toEqual(['r1']);
    sim.crash('a');
    sim.restart('a');
    sim.run();
    expect((startDurable(p, 'a').log as string[]).slice(0, 1)).toEqual(['r1']);
  });

  it('writeMeta, snapshot and truncate are durable only once completed', () => {
    const { sim, p, act } = setup();
    act('a', append(1, 'r1', 'r2', 'r3'), fsync(2), { kind: 'disk', id: 3, op: { op: 'writeMeta', key: 'epoch', value: 1 } });
    act('a', { kind: 'disk', id: 4, op: { op: 'snapshot', snapshot: { zxid: 7 } } });
    sim.run();
    act('a', { kind: 'disk', id: 5, op: { op: 'writeMeta', key: 'epoch', value: 2 } });
    act('a', { kind: 'disk', id: 6, op: { op: 'snapshot', snapshot: { zxid: 9 } } });
    act('a', { kind: 'disk', id: 7, op: { op: 'truncate', length: 1 } });
    sim.crash('a'); // none of 5, 6, 7 completed
    sim.restart('a');
    sim.run();
    expect(startDurable(p, 'a')).toEqual({ log: ['r1', 'r2', 'r3'], snapshots: [{ zxid: 7 }], meta: { epoch: 1 } });
    act('a', { kind: 'disk', id: 8, op: { op: 'truncate', length: 1 } });
    act('a', { kind: 'disk', id: 9, op: { op: 'writeMeta', key: 'epoch', value: 3 } });
    sim.run();
    // Completions arrive in issue order.
    expect(p.of('a', 'disk').map((s) => (s.input as { id: number }).id)).toEqual([2, 3, 4, 8, 9]);
    sim.crash('a');
    sim.restart('a');
    sim.run();
    expect(startDurable(p, 'a')).toEqual({ log: ['r1'], snapshots: [{ zxid: 7 }], meta: { epoch: 3 } });
  });
});

describe('restart', () => {
  it('creates a new process that starts from durable state only', () => {
    const { sim, p, act } = setup();
    act('a', append(1, 'r1'), fsync(2), { kind: 'setTimer', timer: 't', afterMs: 50 });
    sim.runFor(ms(10));
    sim.crash('a');
    sim.runFor(ms(100)); // the timer would have fired here
    expect(p.of('a', 'timer')).toHaveLength(0);
    sim.restart('a');
    sim.run();
    const starts = p.of('a', 'start');
    expect(starts.map((s) => [s.process, (s.input as { restart: boolean }).restart])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(startDurable(p, 'a').log).toEqual(['r1']);
    expect(p.of('a', 'timer')).toHaveLength(0); // timers died with the old process
  });

  it('resets its connections at live peers that are not cut off, one link latency later', () => {
    const { sim, p, act } = setup();
    act('a', { kind: 'listen', port: 'election' });
    act('b', { kind: 'connect', conn: 'b>a#1', to: 'a', port: 'election' });
    act('c', { kind: 'connect', conn: 'c>a#1', to: 'a', port: 'election' });
    sim.run();
    sim.cut('a', 'c');
    const t0 = sim.now;
    sim.crash('a');
    sim.run();
    expect(p.of('b', 'lost').map((s) => s.input)).toEqual([{ kind: 'lost', conn: 'b>a#1', reason: 'reset' }]);
    const t = sim.trace.records.find((r) => r.ev === 'lost')?.t as number;
    expect(t - t0).toBeGreaterThanOrEqual(100);
    expect(t - t0).toBeLessThanOrEqual(1000);
    expect(p.of('c', 'lost')).toHaveLength(0);
  });

  it('drops requests to a crashed node', () => {
    const { sim, p } = setup();
    sim.crash('b');
    sim.request('b', { effects: [] });
    sim.run();
    expect(p.of('b', 'request')).toHaveLength(0);
    expect(sim.trace.records.some((r) => r.ev === 'drop' && r['type'] === 'request')).toBe(true);
  });
});

describe('pause', () => {
  it("fires a paused node's timers late (at resume) and queues its messages until then", () => {
    const { sim, p, act } = setup();
    act('a', { kind: 'setTimer', timer: 't', afterMs: 10 });
    sim.runFor(ms(5));
    sim.pause('a');
    sim.runFor(ms(15)); // t = 20 ms: timer due at 10 ms, still frozen
    act('b', { kind: 'send', to: 'a', msg: { type: 'm1' } }, { kind: 'send', to: 'a', msg: { type: 'm2' } });
    sim.runFor(ms(30));
    expect(p.of('a', 'timer')).toHaveLength(0);
    expect(p.of('a', 'message')).toHaveLength(0);
    const tResume = sim.now;
    sim.resume('a');
    sim.run();
    const after = p.of('a').filter((s) => s.input.kind === 'timer' || s.input.kind === 'message');
    expect(after.map((s) => (s.input.kind === 'timer' ? 'timer' : (s.input as { msg: { type: string } }).msg.type))).toEqual([
      'timer',
      'm1',
      'm2',
    ]);
    for (const s of after) expect(s.now).toBe(tResume / 1000);
  });

  it('a paused node still gets its disk writes done; a crash while paused loses what queued', () => {
    const { sim, p, act } = setup();
    act('a', append(1, 'r1'), fsync(2));
    sim.pause('a');
    sim.run();
    expect(sim.disk('a').durableState().log).toEqual(['r1']); // the OS finished the fsync
    expect(p.of('a', 'disk')).toHaveLength(0); // but the process has not seen it
    sim.crash('a');
    sim.restart('a');
    sim.run();
    expect(p.of('a', 'disk')).toHaveLength(0);
    expect(startDurable(p, 'a').log).toEqual(['r1']);
  });
});

describe('clock skew', () => {
  it("changes that node's local clock and timer lengths only", () => {
    const { sim, p, act } = setup();
    const t0 = sim.now;
    sim.setClockRate('a', 2);
    sim.runFor(ms(100));
    expect(sim.localNow('a')).toBeCloseTo(t0 / 1000 + 200, 6);
    expect(sim.localNow('b')).toBeCloseTo(t0 / 1000 + 100, 6);
    const t1 = sim.now;
    act('a', { kind: 'setTimer', timer: 't', afterMs: 100 });
    act('b', { kind: 'setTimer', timer: 't', afterMs: 100 });
    sim.run();
    const fired = sim.trace.records.filter((r) => r.ev === 'timer');
    expect(fired.map((r) => [r.node, r.t - t1])).toEqual([
      ['a', ms(50)],
      ['b', ms(100)],
    ]);
    expect(p.of('a', 'timer')[0]?.now).toBeCloseTo(t0 / 1000 + 200 + 100, 6);
  });

  it('a jump moves the wall clock only: not the monotonic clock, not armed timers', () => {
    const { sim, p, act } = setup();
    act('a', { kind: 'setTimer', timer: 't', afterMs: 100 });
    const t0 = sim.now;
    const local0 = sim.localNow('a');
    const wall0 = sim.wallNow('a');
    expect(wall0).toBe(WALL_EPOCH_MS + Math.floor(local0));
    sim.jumpClock('a', 5000);
    expect(sim.localNow('a')).toBeCloseTo(local0, 6);
    expect(sim.wallNow('a')).toBe(wall0 + 5000);
    expect(sim.wallNow('b')).toBe(wall0);
    sim.run();
    const fired = sim.trace.records.find((r) => r.ev === 'timer');
    expect(fired?.t).toBe(t0 + ms(100));
    const seen = p.of('a', 'timer')[0]!;
    expect(seen.now).toBeCloseTo(local0 + 100, 6);
    expect(seen.wall).toBe(WALL_EPOCH_MS + Math.floor(local0 + 100) + 5000);
  });

  it('a drift rate runs both clocks at that rate', () => {
    const { sim } = setup();
    const local0 = sim.localNow('a');
    const wall0 = sim.wallNow('a');
    sim.setClockRate('a', 1.5);
    sim.runFor(ms(1000));
    expect(sim.localNow('a')).toBeCloseTo(local0 + 1500, 6);
    expect(sim.wallNow('a')).toBe(wall0 + 1500);
  });
});
