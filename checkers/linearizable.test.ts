/**
 * The bridge to the linearizability checker: a real ensemble's client history is linearizable; the
 * same history with one reply forged (a delete of an existing node answered NONODE) is not, and
 * the violation points at the forged call's records.
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from '../ensemble/ensemble.ts';
import { connectAll } from '../ensemble/testing/workload.ts';
import type { TraceRecord } from './types.ts';
import { clientHistory, linearizable } from './linearizable.ts';

/** Fresh creates, unconditional sets, deletes of existing nodes, pipelined from two clients. */
function run(): TraceRecord[] {
  const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 3 });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  const keys: string[] = [];
  for (let i = 0; i < 6; i++) {
    keys.push(c.send('c1', { op: 'create', path: `/a${i}`, data: 'a' }));
    keys.push(c.send('c2', { op: 'create', path: `/b${i}`, data: 'b' }));
  }
  c.runFor(2_000);
  for (let i = 0; i < 6; i++) {
    keys.push(c.send('c1', { op: 'setData', path: `/b${i}`, data: 'c', version: -1 }));
    keys.push(c.send('c2', { op: 'delete', path: `/a${i}`, version: -1 }));
  }
  c.runFor(2_000);
  expect(keys.every((k) => (c.result(k) as { rc: number } | undefined)?.rc === 0)).toBe(true);
  return c.sim.trace.records.slice();
}

describe('linearizability of a trace', () => {
  it('a real run is linearizable', () => {
    const trace = run();
    const h = clientHistory(trace);
    expect(h.text.split('\n').filter((l) => l.includes('"invoke"')).length).toBeGreaterThanOrEqual(24);
    const r = linearizable(trace);
    expect(r.violations).toEqual([]);
    expect(r.note).toBeUndefined();
  });

  it('a forged reply is caught', () => {
    const trace = run();
    // A delete of a node created (and acknowledged) before it was issued now answers NONODE.
    const i = trace.findIndex((r) => r.ev === 'reply' && (r.result as { op?: string }).op === 'delete');
    expect(i).toBeGreaterThan(0);
    const reply = trace[i]!;
    if (reply.ev !== 'reply') throw new Error('not a reply');
    trace[i] = { ...reply, result: { ...(reply.result as Record<string, unknown>), rc: -101 } };
    const r = linearizable(trace);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.records).toContain(i);
  });
});

describe('linearizability with races and an expiry', () => {
  /** Clients race on a few paths with conditional writes; c1's ephemeral lock outlives c1 only
   *  until its session expires, after which c2 takes the lock. */
  function racing(): TraceRecord[] {
    const c = Ensemble.simulate({ servers: 3, clients: 3, seed: 4, client: { sessionTimeoutMs: 4000 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect((c.call('c1', { op: 'create', path: '/lock', data: '', flags: 1 }) as { rc: number }).rc).toBe(0);
    for (let i = 0; i < 8; i++) {
      for (const cl of ['c2', 'c3']) {
        c.send(cl, { op: 'create', path: `/r${i % 2}`, data: cl });
        c.send(cl, { op: 'setData', path: `/r${i % 2}`, data: cl, version: i % 3 });
        c.send(cl, { op: 'delete', path: `/r${(i + 1) % 2}`, version: i % 2 });
      }
      c.runFor(5);
    }
    expect((c.call('c2', { op: 'create', path: '/lock', data: '', flags: 1 }) as { rc: number }).rc).toBe(-110);
    c.call('c1', { op: 'abandon' });
    c.runFor(10_000);
    expect((c.call('c2', { op: 'create', path: '/lock', data: '', flags: 1 }) as { rc: number }).rc).toBe(0);
    return c.sim.trace.records.slice();
  }

  it('is linearizable, the expiry included', () => {
    const trace = racing();
    expect(clientHistory(trace).text).toContain('"op":"expire"');
    const r = linearizable(trace);
    expect(r.violations).toEqual([]);
    expect(r.note).toBeUndefined();
  });

  it('without the expiry the lock hand-over is impossible', () => {
    // Drop the server-side expiry records: the model now keeps c1's ephemeral forever.
    const trace = racing().map((r) =>
      r.ev === 'trace' && (r.event === 'session.expire' || r.event === 'session.expiring') ? ({ t: r.t, node: r.node, ev: 'note', text: r.event } as const) : r,
    );
    const r = linearizable(trace);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/lock/);
  });
});
