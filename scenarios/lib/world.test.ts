/**
 * The scenario API's node lifecycle and connect strings: servers started late, a graceful stop
 * (keeps every appended log record) against a crash, and per-client server lists.
 */
import { describe, expect, it } from 'vitest';
import { zkScenario } from './define.ts';
import { runChecked } from './run.ts';
import { acked, leading } from './expect.ts';

describe('the scenario API', () => {
  it('starts a server late: the first two elect s2, s3 joins at 3 s and follows', () => {
    const s = zkScenario({
      name: 'late', description: 's3 boots at 3 s', seed: 1, servers: 3, clients: 1, durationMs: 6_000,
      startAtMs: { s3: 3_000 },
      script(z) {
        z.expectAt(2_000, 's3 is not up yet', (z) => !z.isUp('s3'));
        z.expectAt(2_000, 's2 leads the two that started', (z) => leading(z, 's2'));
        z.at(500, (z) => z.connect('c1'));
        z.at(4_000, (z) => z.call('c1', { op: 'create', path: '/a', data: '' }, undefined, 'a write'));
      },
      expect: (z) => [leading(z, 's2'), acked(z, 'a write'), { name: 's3 follows', ok: z.stateOf('s3') === 'FOLLOWING', detail: z.stateOf('s3') }],
    });
    const run = runChecked(s);
    expect(run.result.expectations.filter((e) => !e.ok), run.result.sim.trace.records.filter((r) => r.ev === 'trace' && (r.event === 'state' || r.event === 'leader.established')).map((r) => JSON.stringify(r)).join('\n')).toEqual([]);
    const boot = run.result.sim.trace.records.find((r) => r.ev === 'boot' && r.node === 's3');
    expect(boot?.t).toBe(3_000_000);
    expect(run.ok).toBe(true);
  });

  it('a graceful stop keeps the log whole; a crash of the same moment may lose the unsynced tail', () => {
    const make = (how: 'stop' | 'crash') => zkScenario({
      name: how, description: how, seed: 3, servers: 3, clients: 1, durationMs: 4_000,
      disk: { fsync: { minUs: 50_000, tailMeanUs: 0, tailMaxUs: 0 } },
      script(z) {
        z.at(500, (z) => z.connect('c1', 's1'));
        z.every(1, 1_000, 1_030, (z, i) => z.call('c1', { op: 'create', path: `/n${i}`, data: '' }));
        z.at(1_031, (z) => (how === 'stop' ? z.stop('s1') : z.crash('s1')));
      },
    });
    const crashOf = (how: 'stop' | 'crash') => runChecked(make(how)).result.sim.trace.records.find((r) => r.ev === 'crash');
    const stop = crashOf('stop');
    expect(stop).toMatchObject({ lost: 0, graceful: true });
    expect(stop?.ev === 'crash' && stop.kept).toBeGreaterThan(0);
    const crash = crashOf('crash');
    expect(crash?.ev === 'crash' && crash.graceful).toBeUndefined();
    expect(crash?.ev === 'crash' && crash.lost + crash.kept).toBe(stop?.ev === 'crash' ? stop.kept : -1);
  });

  it('gives each client its own server list', () => {
    const s = zkScenario({
      name: 'lists', description: 'c1 knows only s1', seed: 1, servers: 3, clients: 2, durationMs: 3_000,
      clientServers: { c1: ['s1'] },
      script(z) {
        z.at(500, (z) => { z.connect('c1'); z.connect('c2'); });
      },
    });
    const run = runChecked(s);
    const connected = run.result.sim.trace.records.filter((r) => r.ev === 'trace' && r.event === 'client.connected' && r.node === 'c1');
    expect(connected.length).toBeGreaterThan(0);
    for (const r of connected) expect(r.ev === 'trace' && r.event === 'client.connected' && r.data.server).toBe('s1');
    expect(() => zkScenario({ name: 'bad', description: '', servers: 3, clients: 1, durationMs: 1, script() {}, clientServers: { c1: ['s9'] } }))
      .toThrow('bad: clientServers.c1 names s9, which is not a server');
  });
});
