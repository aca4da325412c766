/**
 * KERNEL DEMO — not ZooKeeper yet. Three trivial ping nodes (sim/ping-node.ts) show the kernel's
 * faults: s1 is partitioned from {s2, s3}, the partition heals, then s2 crashes and restarts from its
 * durable state. When the ZooKeeper protocol lands this file becomes the real split-brain scenario
 * (a partitioned leader must not commit; the majority side elects a new leader).
 */
import type { TraceRecord } from '../sim/trace.ts';
import { defineScenario } from '../sim/scenario.ts';
import { pingNodes } from '../sim/ping-node.ts';
import type { PingStats } from '../sim/ping-node.ts';
import { ms } from '../sim/time.ts';

const nodes = ['s1', 's2', 's3'];
const PART = ms(100);
const HEAL = ms(300);
const CRASH = ms(400);
const RESTART = ms(500);

function crossed(r: TraceRecord): boolean {
  const from = r['from'] as string;
  return (r.node === 's1') !== (from === 's1');
}

export default defineScenario({
  name: 'split-brain (kernel demo)',
  description: 'partition s1 | s2 s3 for 200 ms, heal, crash and restart s2',
  demo: 'KERNEL DEMO: trivial ping nodes, not ZooKeeper; it exercises partition, heal, crash and restart',
  seed: 1,
  nodes,
  factory: pingNodes(nodes, { periodMs: 10, fsyncEvery: 3 }),
  faults: [
    { at: PART, kind: 'partition', groups: [['s1'], ['s2', 's3']] },
    { at: HEAL, kind: 'heal' },
    { at: CRASH, kind: 'crash', node: 's2' },
    { at: RESTART, kind: 'restart', node: 's2' },
  ],
  setup(sim) {
    sim.at(ms(650), (s) => {
      for (const n of nodes) s.request(n, { cmd: 'stats' });
    });
  },
  durationUs: ms(700),
  expect(sim) {
    const recs = sim.trace.records;
    // Deliveries land up to ~1 ms after sending; allow that slack at the partition's start.
    const leaked = recs.filter((r) => r.ev === 'recv' && r.t > PART + ms(1) && r.t < HEAL && crossed(r));
    const cutDrops = recs.filter((r) => r.ev === 'drop' && r['reason'] === 'cut').length;
    const peerDowns = recs.filter((r) => r.ev === 'peerDown' && r['peer'] === 's2').map((r) => r.node);
    const stats = new Map<string, PingStats>();
    for (const r of recs) if (r.ev === 'reply') stats.set(r.node, r['result'] as PingStats);
    const s2 = stats.get('s2');
    return [
      { name: 'no message crosses the partition', ok: leaked.length === 0, detail: `${leaked.length} crossed` },
      { name: 'the partition dropped messages', ok: cutDrops > 0, detail: `${cutDrops} dropped` },
      {
        name: 's1 and s3 saw s2 go down',
        ok: peerDowns.includes('s1') && peerDowns.includes('s3'),
        detail: peerDowns.join(','),
      },
      { name: 's2 restarted from disk (boot count 2)', ok: s2?.boots === 2, detail: `boots=${s2?.boots}` },
    ];
  },
});
