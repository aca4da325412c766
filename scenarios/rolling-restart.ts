/**
 * ROLLING RESTART — teaches: an ensemble of 3 survives restarting its servers one at a time (the
 * way upgrades are done) because a quorum of 2 is always up. Restarting a follower costs nothing
 * visible: it rejoins and catches up by DIFF. Restarting the leader costs one election (a fraction
 * of a second of unavailability, clients see ConnectionLoss and retry) — which is why operators
 * restart the leader last. No acknowledged write is lost at any step.
 */
import { ackCount, ackedCreatesPresent, allServing, converged, leaderOfEpochAbove, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

export default zkScenario({
  name: 'rolling-restart',
  description: '3 servers restarted one by one (followers first, the leader last) under a steady write load',
  seed: 1,
  servers: 3,
  clients: 2,
  durationMs: 16_000,
  script(z) {
    z.at(500, (z) => {
      z.connect('c1');
      z.connect('c2');
    });
    // A write every 100 ms from each client throughout.
    z.every(100, 1_000, 13_000, (z, i) => {
      z.call('c1', { op: 'create', path: `/a${i}`, data: String(i) }, undefined, `c1 write`);
      z.call('c2', { op: 'create', path: `/b${i}`, data: String(i) }, undefined, `c2 write`);
    });
    let order: string[] = [];
    z.at(1_900, (z) => {
      order = [...z.followers(), z.leader() ?? 's3'];
      z.note(`rolling restart order: ${order.join(', ')} (leader last)`);
    });
    for (let k = 0; k < 3; k++) {
      z.at(2_000 + k * 3_500, (z) => z.crash(order[k]!));
      z.at(3_000 + k * 3_500, (z) => z.restart(order[k]!));
    }
    z.expectAt(8_900, 'no election while only followers restarted', (z) => that('', z.leaders()[0]?.epoch === 1, `epoch ${z.leaders()[0]?.epoch}`));
  },
  expect(z) {
    const c1 = ackCount(z, 'c1 write');
    const c2 = ackCount(z, 'c2 write');
    return [
      leaderOfEpochAbove(z, 1),
      that('exactly one election (for the leader restart)', z.leaders()[0]?.epoch === 2, `epoch ${z.leaders()[0]?.epoch}`),
      // Only the leader's restart may cost a few writes their answer (ConnectionLoss).
      that('almost every write was acknowledged', c1.acked + c2.acked >= 0.9 * (c1.issued + c2.issued), `${c1.acked + c2.acked}/${c1.issued + c2.issued}`),
      ackedCreatesPresent(z),
      allServing(z),
      converged(z),
    ];
  },
});
