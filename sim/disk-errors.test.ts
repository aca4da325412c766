/**
 * I/O errors on the simulated disk (sim/disk.ts, protocol/contract.ts DiskOp): a scripted failure
 * hits exactly the op it names, a failed op leaves what the contract says, random errors draw from
 * the `disk` stream only when switched on, and a `halt` effect stops the node for good.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../protocol/contract.ts';
import { applyFault } from './faults.ts';
import { append, fsync, puppetSim, writeMeta, type Puppets } from './puppet.ts';

const setup = (seed: number | string = 1, nodes = ['a']) => puppetSim(seed, nodes);

const meta = (id: number, value: number): Effect => writeMeta(id, value);
const statuses = (p: Puppets, node: string) =>
  p.of(node, 'disk').map((s) => {
    const i = s.input as Extract<typeof s.input, { kind: 'disk' }>;
    return `${i.op}#${i.id}:${i.status.ok ? 'ok' : i.status.error}`;
  });

describe('disk errors', () => {
  it('failDisk fails the nth op of its kind, in issue order with the others, and is traced', () => {
    const { sim, p, act } = setup();
    applyFault(sim, { kind: 'failDisk', node: 'a', op: 'fsync', nth: 2, error: 'ENOSPC' });
    act('a', append(1, 'r1'), fsync(2), meta(3, 1), append(4, 'r2'), fsync(5), append(6, 'r3'), fsync(7));
    sim.run();
    expect(statuses(p, 'a')).toEqual(['fsync#2:ok', 'writeMeta#3:ok', 'fsync#5:ENOSPC', 'fsync#7:ok']);
    const recs = sim.trace.records.filter((r) => r.ev === 'disk' || (r.ev === 'fault' && r['fault'] === 'failDisk'));
    expect(recs.map((r) => (r.ev === 'fault' ? `fault ${r['op']} ${r['nth']} ${r['error']}` : `${r['op']}#${r['id']}${r['error'] ? ' ' + r['error'] : ''}`))).toEqual([
      'fault fsync 2 ENOSPC',
      'fsync#2',
      'writeMeta#3',
      'fsync#5 ENOSPC',
      'fsync#7',
    ]);
    // The failed fsync dropped r2 and r3 (appended before the failure was reported) from the page
    // cache; fsync#7, pending then, covers nothing more.
    expect(sim.disk('a').durableState().log).toEqual(['r1']);
    act('a', append(8, 'r4'), fsync(9));
    sim.run();
    expect(sim.disk('a').durableState().log).toEqual(['r1', 'r4']);
  });

  it('a failed fsync: its records are never durable, and an fsync pending meanwhile does not cover them', () => {
    const { sim, act } = setup();
    applyFault(sim, { kind: 'failDisk', node: 'a', op: 'fsync' });
    act('a', append(1, 'r1'), fsync(2), append(3, 'r2'), fsync(4));
    sim.run();
    expect(sim.disk('a').durableState().log).toEqual([]);
    expect(sim.disk('a').log).toEqual([]);
  });

  it('a failed writeMeta keeps the old value; a failed snapshot leaves none', () => {
    const { sim, act } = setup();
    act('a', meta(1, 1));
    sim.run();
    applyFault(sim, { kind: 'failDisk', node: 'a', op: 'writeMeta' });
    applyFault(sim, { kind: 'failDisk', node: 'a', op: 'snapshot' });
    act('a', meta(2, 2), { kind: 'disk', id: 3, op: { op: 'snapshot', snapshot: { zxid: 1 } } });
    sim.run();
    const d = sim.disk('a').durableState();
    expect(d.meta).toEqual({ k: 1 });
    expect(d.snapshots).toEqual([]);
  });

  it('purge deletes the oldest snapshots and the log front at once, and pending fsyncs shift with it', () => {
    const { sim, act } = setup();
    act('a', append(1, 'r1', 'r2'), fsync(2), { kind: 'disk', id: 3, op: { op: 'snapshot', snapshot: 's1' } }, { kind: 'disk', id: 4, op: { op: 'snapshot', snapshot: 's2' } });
    sim.run();
    act('a', append(5, 'r3'), fsync(6), { kind: 'disk', id: 7, op: { op: 'purge', snapshots: 1, log: 2 } });
    expect(sim.disk('a').log).toEqual(['r3']);
    sim.run();
    expect(sim.disk('a').durableState()).toEqual({ log: ['r3'], snapshots: ['s2'], meta: {} });
  });

  it('errorP draws from the disk stream only when on: a run without it keeps its trace', () => {
    const run = (errorP: number | null) => {
      const { sim, act } = setup('e');
      if (errorP !== null) sim.setDisk('a', { errorP });
      for (let i = 0; i < 50; i++) act('a', append(2 * i + 1, `r${i}`), fsync(2 * i + 2));
      sim.run();
      return sim.trace.records.filter((r) => r.ev === 'disk');
    };
    const plain = run(null);
    expect(run(0)).toEqual(plain);
    const failing = run(0.2);
    const errors = failing.filter((r) => r['error'] === 'EIO').length;
    expect(errors).toBeGreaterThan(2);
    expect(errors).toBeLessThan(25);
    expect(() => setup().sim.setDisk('a', { errorP: 2 })).toThrow(/errorP must be a number in \[0, 1\]/);
  });

  it('a halt effect stops the node like a process exit: appended records kept, later effects dropped, no restart', () => {
    const { sim, p, act } = setup(1, ['a', 'b']);
    act('a', append(1, 'r1'), { kind: 'halt', code: 10, reason: 'snapshot failed' }, { kind: 'send', to: 'b', msg: { type: 'X' } });
    sim.run();
    expect(sim.isUp('a')).toBe(false);
    const crash = sim.trace.records.find((r) => r.ev === 'crash');
    expect(crash).toMatchObject({ node: 'a', graceful: true, halt: 10, reason: 'snapshot failed', lost: 0, kept: 1 });
    expect(p.of('b', 'message')).toHaveLength(0);
    sim.restart('a');
    sim.run();
    expect(sim.disk('a').durableState().log).toEqual(['r1']);
  });

  it('bad failDisk arguments are one clear error', () => {
    const { sim } = setup();
    expect(() => sim.failDisk('a', { op: 'append' as 'fsync' })).toThrow(/op must be one of fsync, writeMeta, snapshot, truncate, purge/);
    expect(() => sim.failDisk('a', { op: 'fsync', nth: 0 })).toThrow(/nth must be an integer >= 1/);
    expect(() => sim.failDisk('a', { op: 'fsync', error: 'boom' })).toThrow(/errno name/);
  });
});
