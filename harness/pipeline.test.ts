/**
 * Pipelined clients in swarm runs (issue #15): half the runs draw a pipeline depth of 2–8, and then
 * clients really have several requests outstanding — on one connection, across a hop's reconnect
 * (queued while disconnected, flushed to the new server) and behind a closeSession.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../trace/view.ts';
import type { TraceRecord } from '../checkers/types.ts';
import { caseArb, SWARM_SHAPE } from './arbitraries.ts';
import { decodeCase, encodeCase } from './case.ts';
import { runCase } from './run.ts';

/** Per run: most requests one session had outstanding at once; whether that happened after the
 *  session's reconnect; whether a closeSession went out behind another outstanding request. */
export function outstanding(trace: readonly TraceRecord[]): { max: number; afterReconnect: boolean; closeBehind: boolean } {
  const open = new Map<string, Set<number>>();
  const connects = new Map<string, number>();
  let max = 0;
  let afterReconnect = false;
  let closeBehind = false;
  for (const { e } of decode(trace)) {
    if (e.k === 'clientConnected') connects.set(e.session, (connects.get(e.session) ?? 0) + 1);
    if (e.k !== 'invoke' && e.k !== 'return') continue;
    let s = open.get(e.session);
    if (s === undefined) open.set(e.session, (s = new Set()));
    if (e.k === 'return') {
      s.delete(e.xid);
      continue;
    }
    if (e.op === 'closeSession' && s.size > 0) closeBehind = true;
    s.add(e.xid);
    max = Math.max(max, s.size);
    if (s.size >= 2 && (connects.get(e.session) ?? 0) >= 2) afterReconnect = true;
  }
  return { max, afterReconnect, closeBehind };
}

describe('pipelined clients in swarm runs', () => {
  it('half the runs draw a depth of 2–8 (both closeSession choices); the rest keep depth 1', () => {
    const cases = fc.sample(caseArb(SWARM_SHAPE), { seed: 1, numRuns: 200 });
    const piped = cases.filter((c) => c.pipeline !== undefined);
    expect(piped.length).toBeGreaterThan(60);
    expect(piped.length).toBeLessThan(140);
    for (const c of piped) expect(c.pipeline!.depth).toBeGreaterThanOrEqual(2);
    expect(new Set(piped.map((c) => c.pipeline!.depth))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8]));
    expect(new Set(piped.map((c) => c.pipeline!.close))).toEqual(new Set([true, false]));
  });

  it('the draw survives encode/decode; a bad one is one error line', () => {
    const c = fc.sample(caseArb(SWARM_SHAPE), { seed: 1, numRuns: 40 }).find((x) => x.pipeline !== undefined)!;
    expect(decodeCase(encodeCase(c)).pipeline).toEqual(c.pipeline);
    const bad = (pipeline: unknown) => () => decodeCase(JSON.stringify({ ...c, pipeline }));
    expect(bad({ depth: 0, close: false })).toThrow(/^bad case: 'depth' must be an integer in \[1, 64\]$/);
    expect(bad({ depth: 3 })).toThrow(/^bad case: 'pipeline.close' must be a boolean$/);
    expect(bad(3)).toThrow(/^bad case: pipeline must be an object$/);
  });

  it('pipelined runs have several requests outstanding, across reconnects and behind a closeSession, and pass', () => {
    const cases = fc.sample(caseArb(SWARM_SHAPE), { seed: 1, numRuns: 40 }).filter((c) => c.pipeline !== undefined);
    let busy = 0;
    let deep = 0;
    let afterReconnect = 0;
    let closeBehind = 0;
    for (const c of cases) {
      const r = runCase(c, { keepTrace: true });
      expect(r.failures, JSON.stringify(c.pipeline)).toEqual([]);
      const o = outstanding(r.trace!);
      // Some runs' clients never get a session before the heal (short windows, faults from the start).
      if (r.clientOps > 5) busy++;
      if (o.max >= 2) deep++;
      if (o.afterReconnect) afterReconnect++;
      if (o.closeBehind) closeBehind++;
    }
    expect(busy).toBeGreaterThan(5);
    // A busy run whose clients lose their connection or session in every round never reaches a burst.
    expect(deep).toBeGreaterThanOrEqual(busy - 2);
    expect(deep).toBeGreaterThan(busy / 2);
    expect(afterReconnect).toBeGreaterThan(0);
    expect(closeBehind).toBeGreaterThan(0);
  }, 60_000);
});
