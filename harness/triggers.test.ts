/**
 * Targeted crashes fire on their protocol step, not on the clock: the crash lands right after the
 * matching record (same virtual instant with delay 0), hits the emitter and its peer, restarts in
 * the chosen order; an ACKEPOCH trigger restarts a server with acceptedEpoch > currentEpoch. Swarm
 * runs draw their own mixes (even ensemble sizes, subsets of fault kinds) and, with no bug planted,
 * pass every checker.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, SWARM_SHAPE } from './arbitraries.ts';
import type { Case, Episode } from './case.ts';
import { runCase } from './run.ts';
import { TRIGGERS, triggerOf, WINDOWS, windowOf } from './triggers.ts';

function withTrigger(on: (typeof TRIGGERS)[number], x: number, reverse = false): Case {
  const b = TRIGGERS.indexOf(on) + (reverse ? TRIGGERS.length * 5 : 0);
  const ep: Episode = { kind: 'crashAfter', atMs: 0, forMs: 1500, a: 0, b, x };
  return {
    v: 1,
    seed: 3,
    ensemble: { servers: 3, observers: 0, tickTime: 200, sessionTimeoutMs: 2000 },
    windowMs: 8000,
    faults: [ep],
    workload: [{ recipe: 'counter', startMs: 0, rounds: 30, gapMs: 50 }],
  };
}

describe('targeted crashes', () => {
  it('episode fields decode to a trigger', () => {
    expect(triggerOf({ kind: 'crashAfter', atMs: 10, forMs: 50_000, a: 2, b: TRIGGERS.length * 5 + 1, x: 0.9 })).toEqual({
      on: TRIGGERS[1],
      afterUs: 10_000,
      crash: 3,
      delayUs: 0,
      gapUs: 10_000_000,
      reverse: true,
      third: 2,
    });
  });

  it('a NEWLEADER-ack trigger crashes the acking follower and the leader at that instant, restarts them in order', () => {
    const r = runCase(withTrigger('newLeaderAck', 0.5), { keepTrace: true });
    const tr = r.trace! as unknown as readonly (Record<string, unknown> & { t: number; node: string; ev: string })[];
    const ack = tr.findIndex((x) => x.ev === 'send' && x['type'] === 'ACK' && ((x['msg'] as { zxid: number }).zxid % 2 ** 32) === 0);
    expect(ack).toBeGreaterThan(-1);
    const crashes = tr.filter((x) => x.ev === 'crash');
    expect(crashes.map((x) => x.node)).toEqual([tr[ack]!.node, tr[ack]!['to']]);
    expect(crashes[0]!.t).toBe(tr[ack]!.t);
    const restarts = tr.filter((x) => x.ev === 'restart');
    expect(restarts.map((x) => x.node)).toEqual(crashes.map((x) => x.node));
    expect(restarts[1]!.t - restarts[0]!.t).toBe(1_500_000);
    expect(r.failures).toEqual([]);
  });

  it('reverse order restarts the peer first', () => {
    const tr = runCase(withTrigger('newLeaderAck', 0.5, true), { keepTrace: true }).trace! as unknown as readonly { node: string; ev: string }[];
    const crashes = tr.filter((x) => x.ev === 'crash').map((x) => x.node);
    expect(tr.filter((x) => x.ev === 'restart').map((x) => x.node)).toEqual([...crashes].reverse());
  });

  it('an ACKEPOCH trigger restarts a follower whose acceptedEpoch is above its currentEpoch', () => {
    const tr = runCase(withTrigger('ackEpoch', 0), { keepTrace: true }).trace! as unknown as readonly (Record<string, unknown> & { node: string; ev: string })[];
    const crash = tr.findIndex((x) => x.ev === 'crash');
    expect(crash).toBeGreaterThan(-1);
    const node = tr[crash]!.node;
    const last = (event: string): number => {
      let e = 0;
      for (const x of tr.slice(0, crash)) if (x.node === node && x.ev === 'trace' && x['event'] === event) e = (x['data'] as { epoch: number }).epoch;
      return e;
    };
    // Durable when it crashed (and so after its restart): acceptedEpoch written, currentEpoch not yet.
    expect(last('epoch.accepted')).toBeGreaterThan(last('epoch.current'));
  });
});

describe('durability windows', () => {
  type Rec = Record<string, unknown> & { t: number; node: string; ev: string };
  function inWindow(on: 'syncEpoch' | 'commit', bugs?: Case['bugs']): Case {
    const ep: Episode = { kind: 'window', atMs: 2037, forMs: 13, a: 1, b: WINDOWS.indexOf(on) + 2, x: 0.5 };
    return {
      v: 1,
      seed: 1,
      ensemble: { servers: 3, observers: 0, tickTime: 500, sessionTimeoutMs: 4000 },
      windowMs: 20_000,
      faults: [ep],
      workload: [
        { recipe: 'counter', startMs: 0, rounds: 40, gapMs: 100 },
        { recipe: 'lock', startMs: 100, rounds: 20, gapMs: 100 },
      ],
      ...(bugs ? { bugs } : {}),
    };
  }

  it('episode fields decode to a window story', () => {
    expect(windowOf({ kind: 'window', atMs: 10, forMs: 1_250, a: 2, b: 5, x: 0 })).toEqual({ on: 'commit', afterUs: 10_000, victim: 2, lag: 3, gapUs: 251_000 });
  });

  it('syncEpoch: the lagging learner is crashed at learner.afterCurrentEpoch with its quorum; 3.8 loses nothing, ZOOKEEPER-3911 and -4643 lose committed txns', () => {
    const r = runCase(inWindow('syncEpoch'), { keepTrace: true });
    expect(r.windows).toEqual(['syncEpoch:isolate', 'syncEpoch:lagged', 'syncEpoch:crash']);
    const tr = r.trace! as unknown as readonly Rec[];
    const point = tr.findIndex((x) => x.ev === 'point' && x['point'] === 'learner.afterCurrentEpoch');
    expect(point).toBeGreaterThan(-1);
    // The story is in the trace: notes, then the victim's crash at the point and its quorum's at that instant.
    expect(tr.filter((x) => x.ev === 'note' && String(x['text']).startsWith('window syncEpoch')).length).toBe(3);
    const crashes = tr.filter((x) => x.ev === 'crash' && x.t === tr[point]!.t);
    expect(crashes[0]!.node).toBe(tr[point]!.node);
    expect(crashes.length).toBeGreaterThan(1);
    expect(r.failures).toEqual([]);
    for (const bug of ['ackNewLeaderBeforeLogging', 'currentEpochBeforeLogging'] as const) {
      const b = runCase(inWindow('syncEpoch', { [bug]: true }));
      expect(b.windows, bug).toContain('syncEpoch:crash');
      expect(b.failures, bug).toContain('LeaderLogCompleteness');
    }
  });

  it('commit: a follower whose ACK left before its fsync is crashed, then the leader at that commit; 3.8 never opens the window', () => {
    const ok = runCase(inWindow('commit'));
    expect(ok.windows).toEqual(['commit:isolate', 'commit:lagged', 'commit:fallback']);
    expect(ok.failures).toEqual([]);
    const r = runCase(inWindow('commit', { ackBeforeFsync: true }), { keepTrace: true });
    expect(r.windows).toEqual(['commit:isolate', 'commit:lagged', 'commit:ackBeforeFsync', 'commit:crash']);
    const tr = r.trace! as unknown as readonly Rec[];
    const notes = tr.filter((x) => x.ev === 'note' && String(x['text']).startsWith('window commit'));
    expect(notes.map((x) => String(x['text']))).toEqual([
      expect.stringMatching(/^window commit: cut off s\d until 2 commits$/),
      expect.stringMatching(/^window commit: s\d acked [0-9a-f]+ before its fsync; crash it$/),
      expect.stringMatching(/^window commit: s\d committed [0-9a-f]+; crash it/),
    ]);
    expect(r.failures).toContain('LeaderLogCompleteness');
  });
});

describe('swarm runs', () => {
  it('draw their own mixes: even ensemble sizes, targeted crashes, subsets of fault kinds', () => {
    const cases = fc.sample(caseArb(SWARM_SHAPE), { seed: 42, numRuns: 300 });
    const sizes = new Set(cases.map((c) => c.ensemble.servers));
    for (const n of [3, 4, 5, 6, 7]) expect(sizes.has(n), `${n} voters`).toBe(true);
    expect(cases.some((c) => c.faults.some((f) => f.kind === 'crashAfter'))).toBe(true);
    expect(cases.some((c) => c.faults.some((f) => f.kind === 'window'))).toBe(true);
    const kindsPerRun = cases.map((c) => new Set(c.faults.map((f) => f.kind)).size);
    expect(Math.min(...kindsPerRun)).toBe(1);
    expect(cases.every((c) => c.faults.length >= 1)).toBe(true);
  });

  it('with no bug planted, 40 swarm runs pass every checker', () => {
    for (const c of fc.sample(caseArb(SWARM_SHAPE), { seed: 7, numRuns: 40 })) {
      const r = runCase(c);
      expect(r.failures, JSON.stringify(c)).toEqual([]);
    }
  }, 240_000);
});
