/**
 * Session and ephemeral checkers on real simulated ensembles (DataTree backend): an abandoned
 * session expires in time and its ephemeral goes; a create pipelined before closeSession leaves no
 * orphan; every checker passes. A checker told a shorter timeout than the run used flags the expiry
 * as late (it measures time, it does not just look for an expiry record).
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from '../ensemble/ensemble.ts';
import { connectAll, converge } from '../ensemble/testing/workload.ts';
import { CHECKERS, failures, runAll } from './index.ts';

const EPHEMERAL = 1;

function abandoned(): Ensemble {
  const c = Ensemble.simulate({ servers: 3, observers: 1, clients: 2, seed: 21, client: { sessionTimeoutMs: 6000 } });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  expect((c.call('c1', { op: 'create', path: '/eph', data: '', flags: EPHEMERAL }) as { rc: number }).rc).toBe(0);
  expect((c.call('c2', { op: 'exists', path: '/eph' }) as { rc: number }).rc).toBe(0);
  c.call('c1', { op: 'abandon' });
  c.runFor(20_000);
  expect((c.call('c2', { op: 'exists', path: '/eph' }) as { rc: number }).rc).toBe(-101);
  return c;
}

describe('sessions on a simulated ensemble', () => {
  it('an abandoned session expires in time; every checker passes', () => {
    const c = abandoned();
    expect(c.events('session.expire').length).toBeGreaterThan(0);
    const results = runAll(c.sim.trace.records, { healedAt: 0, sessionTimeoutMs: 6000, ensembleSize: 3, livenessBoundUs: 10_000_000 });
    expect(failures(results)).toEqual([]);
  });

  it('an expiry later than the negotiated timeout on session.create is flagged', () => {
    const c = abandoned();
    // The trace says the session was created with a 1 s timeout: its expiry is then far too late.
    const doctored = c.sim.trace.records.map((r) =>
      r.ev === 'trace' && r.event === 'session.create' ? { ...r, data: { ...r.data, timeoutMs: 1000 } } : r,
    );
    const r = CHECKERS['TimelyExpiry']!(doctored, { healedAt: 0, electionBoundUs: 500_000 });
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/not expired/);
  });

  it('a client told its session expired while the session lives on is flagged (a planted defect)', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 22, client: { sessionTimeoutMs: 6000 } });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    c.runFor(1_000);
    const records = c.sim.trace.records;
    const session = String(c.events('session.create')[0]!.data['session']);
    const t = records[records.length - 1]!.t;
    const expired = (at: number) => ({ t: at, node: 'c1', ev: 'trace', event: 'client.expired', data: { session } }) as (typeof records)[number];
    // The healthy trace passes; a trace where a server told c1 "expired" and the session never
    // ended (nothing closes or expires it in the next 100 s) does not.
    expect(CHECKERS['TimelyExpiry']!(records, { healedAt: 0 }).ok).toBe(true);
    const r = CHECKERS['TimelyExpiry']!([...records, expired(t + 1), expired(t + 100_000_000)], { healedAt: 0 });
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(new RegExp(`session ${session} not expired`));
  });

  it('a create pipelined before closeSession leaves no orphan; every checker passes', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 2, seed: 23 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    const create = c.send('c1', { op: 'create', path: '/short', data: '', flags: EPHEMERAL });
    const close = c.send('c1', { op: 'closeSession' });
    c.runFor(50);
    expect((c.result(create) as { rc: number }).rc).toBe(0);
    expect((c.result(close) as { rc: number }).rc).toBe(0);
    expect(converge(c)).toBe(true);
    expect((c.call('c2', { op: 'exists', path: '/short' }) as { rc: number }).rc).toBe(-101);
    expect(failures(runAll(c.sim.trace.records, { ensembleSize: 3 }))).toEqual([]);
  });
});
