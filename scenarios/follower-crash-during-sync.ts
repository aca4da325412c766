/**
 * FOLLOWER CRASH DURING SYNC — teaches: a follower that was down while the ensemble moved on must be
 * synchronised before it may serve (DIFF of the missed txns, or SNAP when it is too far behind the
 * leader's committed-log window). If it dies in the middle of that sync, nothing is lost: what it
 * had not fsynced is gone from its disk (a torn tail at most), it is not yet counted in any quorum,
 * and the next restart simply syncs again. Its acknowledged state never goes backwards.
 */
import { acked, allServing, converged, presentEverywhere, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

const WRITES = 40;
let modes: string[] = [];
let syncs = 0;
let crashedDuringSync = false;

export default zkScenario({
  name: 'follower-crash-during-sync',
  description: '3 servers; s1 misses 40 writes, restarts, and crashes again while the leader syncs it',
  seed: 1,
  servers: 3,
  clients: 1,
  durationMs: 15_000,
  script(z) {
    syncs = 0;
    modes = [];
    crashedDuringSync = false;
    z.at(500, (z) => z.connect('c1', 's2'));
    // Pipelined writes: half while s1 is up, half while it is down (so it needs a DIFF).
    z.at(600, (z) => {
      for (let i = 0; i < WRITES / 2; i++) z.call('c1', { op: 'create', path: `/k${i}`, data: String(i) }, undefined, `write ${i}`);
    });
    z.at(1_000, (z) => z.crash('s1'));
    z.at(1_500, (z) => {
      for (let i = WRITES / 2; i < WRITES; i++) z.call('c1', { op: 'create', path: `/k${i}`, data: String(i) }, undefined, `write ${i}`);
    });
    // A slow disk on s1 widens the window in which the sync is still being written.
    z.at(3_000, (z) => {
      z.disk('s1', {
        fsync: { minUs: 20_000, tailMeanUs: 5_000, tailMaxUs: 40_000 },
        writeMeta: { minUs: 20_000, tailMeanUs: 5_000, tailMaxUs: 40_000 },
        snapshot: { minUs: 30_000, tailMeanUs: 5_000, tailMaxUs: 40_000 },
      });
      z.restart('s1');
    });
    z.onEvent('sync.send', (_leader, d) => {
      // sids are numbers in sync.send; the initial sync at boot does not count.
      if (d['peer'] !== 1 || z.nowMs < 3_000) return;
      syncs++;
      modes.push(String(d['mode']));
      if (syncs === 1) {
        // Die 5 ms into the first sync: the txns have arrived but their fsync has not completed.
        z.after(5, (z) => {
          crashedDuringSync = z.stateOf('s1') !== 'down' && !z.server('s1').isServing();
          z.crash('s1');
        });
        z.after(3_000, (z) => z.restart('s1'));
      }
    });
    z.at(10_000, (z) => z.call('c1', { op: 'create', path: '/after', data: 'x' }, undefined, 'write after s1 is back'));
  },
  expect: (z) => [
    that('s1 crashed while it was being synced', crashedDuringSync, `syncs of s1: ${modes.join(', ')}`),
    that('s1 was synced again after its second restart', syncs >= 2, `syncs of s1: ${modes.join(', ')}`),
    that('s1 follows and serves', z.stateOf('s1') === 'FOLLOWING' && z.server('s1').isServing(), z.stateOf('s1')),
    acked(z, `write ${WRITES - 1}`),
    acked(z, 'write after s1 is back'),
    presentEverywhere(z, '/k0'),
    presentEverywhere(z, `/k${WRITES - 1}`),
    allServing(z),
    converged(z),
  ],
});
