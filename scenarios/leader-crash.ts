/**
 * LEADER CRASH — teaches: when the leader's process dies, its followers see the connection break at
 * once (not after a timeout), go LOOKING and elect the best remaining server within a fraction of a
 * second; clients lose their connection, reconnect elsewhere and keep their sessions; every write
 * acknowledged before the crash survives. The old leader restarts from its disk, syncs from the new
 * leader (DIFF or TRUNC) and follows.
 */
import { acked, allServing, converged, leaderOfEpochAbove, notLeading, presentEverywhere, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { retrying } from './lib/recipes/retry.ts';

let old = '';
let rejoinSync: string[] = [];

export default zkScenario({
  name: 'leader-crash',
  description: '3 servers; the leader crashes mid-workload and restarts 10 s later',
  seed: 1,
  servers: 3,
  clients: 2,
  durationMs: 25_000,
  script(z) {
    rejoinSync = [];
    z.onEvent('sync.send', (_leader, d) => {
      if (z.nowMs > 13_000 && `s${String(d['peer'])}` === old) rejoinSync.push(String(d['mode']));
    });
    z.at(1_000, (z) => {
      old = z.leader() ?? 's3';
      z.connect('c1', old);
      z.connect('c2', z.followers()[0]);
    });
    z.at(1_500, (z) => z.call('c1', { op: 'create', path: '/a', data: '1' }, undefined, 'write before the crash'));
    z.at(1_600, (z) => z.call('c2', { op: 'create', path: '/b', data: '2' }));
    z.at(3_000, (z) => z.crash(old));
    z.expectAt(5_000, 'a new leader is elected within 2 s', (z) => leaderOfEpochAbove(z, 1));
    // c1's server is gone; the call waits for the reconnect to another server, and may still get
    // ConnectionLoss if that server leaves its role for the election: like a real application, c1
    // retries (setData of the same value is safe to repeat).
    z.at(3_100, (z) => retrying(z, 'c1', { op: 'setData', path: '/a', data: '1b' }, () => undefined, 100, 'write during the failover'));
    z.at(13_000, (z) => z.restart(old));
    z.at(20_000, (z) => z.call('c2', { op: 'create', path: '/c', data: '3' }, undefined, 'write after the restart'));
  },
  expect: (z) => [
    leaderOfEpochAbove(z, 1),
    notLeading(z, old),
    that(`${old} rejoined as a follower`, z.stateOf(old) === 'FOLLOWING', z.stateOf(old)),
    that(`${old} was synced by DIFF or TRUNC (it already held most of the history)`, rejoinSync.length > 0 && rejoinSync.every((m) => m === 'DIFF' || m === 'TRUNC'), rejoinSync.join(',') || 'no sync'),
    acked(z, 'write before the crash'),
    acked(z, 'write during the failover'),
    acked(z, 'write after the restart'),
    presentEverywhere(z, '/a'),
    presentEverywhere(z, '/c'),
    allServing(z),
    converged(z),
  ],
});
