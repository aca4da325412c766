/**
 * INITIAL ELECTION — teaches: Fast Leader Election picks the vote with the greatest
 * (peerEpoch, lastZxid, myid), compared in that order. Five fresh servers all hold (0, 0), so the
 * highest myid, s5, wins. Then s4 is down while two writes commit, and the leader s5 crashes just as
 * s4 comes back: s4 still has the highest myid left, but its zxid is older, so s3 (the highest myid
 * among the servers holding the newest zxid) wins epoch 2 — a leader must hold every committed txn.
 * (peerEpoch would decide before zxid: a server that accepted a newer epoch beats any older one.)
 */
import { acked, allServing, converged, leading, presentEverywhere, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

export default zkScenario({
  name: 'initial-election',
  description: '5 fresh servers elect s5; s4 misses two writes; when s5 dies, s3 beats s4 on zxid',
  seed: 1,
  servers: 5,
  clients: 1,
  durationMs: 12_000,
  script(z) {
    z.expectAt(1_000, 'all at (0,0): the highest myid s5 leads', (z) => leading(z, 's5'));
    z.at(1_000, (z) => {
      z.crash('s4');
      z.connect('c1', 's1');
    });
    z.at(1_500, (z) => z.call('c1', { op: 'create', path: '/x', data: '1' }, undefined, 'first write while s4 is down'));
    z.at(1_600, (z) => z.call('c1', { op: 'create', path: '/y', data: '2' }, undefined, 'second write while s4 is down'));
    z.at(3_000, (z) => {
      z.crash('s5');
      z.restart('s4');
    });
    z.expectAt(4_000, 'newest zxid first: s3 leads, not s4', (z) => leading(z, 's3'));
    z.at(6_000, (z) => z.call('c1', { op: 'create', path: '/z', data: '3' }, undefined, 'write under the new leader'));
  },
  expect: (z) => [
    leading(z, 's3'),
    that('s4 follows s3', z.stateOf('s4') === 'FOLLOWING', z.stateOf('s4')),
    acked(z, 'first write while s4 is down'),
    acked(z, 'second write while s4 is down'),
    acked(z, 'write under the new leader'),
    presentEverywhere(z, '/y'),
    allServing(z),
    converged(z),
  ],
});
