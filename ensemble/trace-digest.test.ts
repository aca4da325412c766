/**
 * The trace digest over a real ZooKeeper ensemble (clients, a leader crash, a partition): a `--trace`
 * file decoded line by line gives the live digest. The kernel-only cases are in sim/trace-digest.test.ts.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../sim/simulation.ts';
import { traceDigest } from '../sim/trace-digest.ts';
import { toJsonl } from '../sim/trace.ts';
import { Ensemble } from './ensemble.ts';

/** A ZooKeeper ensemble with clients, a leader crash and a partition: protocol trace events, requests, replies. */
function ensembleRun(): Simulation {
  const c = Ensemble.simulate({ servers: 3, observers: 1, clients: 2, seed: 3, sim: { trace: {} } });
  c.runUntil(() => c.settled(), 5_000);
  for (const id of c.clientIds) c.sim.request(id, { op: 'connect' });
  c.runFor(500);
  for (let i = 0; i < 5; i++) c.sim.request('c1', { op: 'create', path: `/n${i}`, data: `d${i}`, flags: 0 });
  c.runFor(500);
  c.sim.crash(c.leader()!.id);
  c.sim.partition([['s1'], ['s2', 's3', 's4']]);
  c.runFor(3_000);
  c.sim.heal();
  c.runFor(3_000);
  return c.sim;
}

describe('trace digest on an ensemble', () => {
  it('a --trace file, decoded line by line, gives the live digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-digest-'));
    try {
      const sim = ensembleRun();
      const file = join(dir, 'trace.jsonl');
      writeFileSync(file, toJsonl(sim.trace.records));
      expect(new Set(sim.trace.records.map((r) => r.ev)).size).toBeGreaterThan(8);
      const decoded = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as object);
      expect(traceDigest(decoded)).toBe(sim.trace.sha256());
      expect(traceDigest(sim.trace.records)).toBe(sim.trace.sha256());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
