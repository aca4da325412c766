/**
 * ACK BEFORE SYNC SNAPSHOT — teaches: a SNAP replaces a learner's tree in memory only; its disk
 * still holds the old snapshot and log. ZooKeeper 3.8's learner therefore writes a snapshot of the
 * synced tree at NEWLEADER (`zk.takeSnapshot(syncSnapshot)`) before it takes the new epoch and acks.
 * A learner that acks before that snapshot is durable can crash, restart with the new currentEpoch
 * and its old state, win the next election and lose txns a quorum committed.
 *
 * Fixed schedule (the lost-sync-txns story with every sync a SNAP: `forceSnapSync`), with a fault
 * point where a random crash would almost never land:
 * 1. s3 leads epoch 1; c1 writes /w; s1 is cut off; c1 writes /x0../x2 through s3 (committed by
 *    s3 + s2).
 * 2. s2 crashes; s3 loses its quorum; the cut is healed: s3 leads epoch 2 with s1, which it brings
 *    up to date by SNAP carrying /x0../x2.
 * 3. s1 crashes at `learner.afterNewLeaderAck`, s3 right after; s1 and s2 restart. s1 has
 *    currentEpoch 2, so it leads epoch 3 — with /x0../x2 only if its sync snapshot was durable
 *    before the ack. c1 writes /after.
 *
 * With ZooKeeper 3.8's order every checker passes. With the planted `ackNewLeaderBeforeSyncSnapshot`
 * LeaderLogCompleteness names what breaks (a leader established without committed txns).
 */
import type { BugFlags } from '../../protocol/config.ts';
import { zkScenario, type ZkScenario } from '../lib/define.ts';
import { acked, that } from '../lib/expect.ts';
import type { Zk } from '../lib/world.ts';

export function ackBeforeSyncSnapshot(o: { readonly bugs?: BugFlags; readonly seed?: number } = {}): ZkScenario {
  const point = 'learner.afterNewLeaderAck';
  let crashed = false;
  return zkScenario({
    name: 'ack-before-sync-snapshot',
    description: `3 servers, every sync a SNAP; s1 is synced into epoch 2 with txns it missed and crashes at ${point}`,
    seed: o.seed ?? 1,
    servers: 3,
    clients: 1,
    cfg: { tickTimeMs: 500, forceSnapSync: true, bugs: o.bugs ?? {} },
    durationMs: 30_000,
    script(z) {
      crashed = false;
      // Each step waits for the previous one's answer, so the story holds for any seed.
      z.at(300, (z) =>
        z.connect('c1', 's3', () =>
          z.call('c1', { op: 'create', path: '/w', data: '' }, () => {
            z.isolate('s1');
            for (let i = 0; i < 3; i++) {
              z.call('c1', { op: 'create', path: `/x${i}`, data: '' }, i < 2 ? undefined : () => phase2(z), `write ${i}`);
            }
          }),
        ),
      );
      const phase2 = (z: Zk): void => {
        z.crash('s2');
        z.after(100, (z) => {
          z.heal();
          z.crashAt(point, 's1', {
            then: (z) => {
              crashed = true;
              z.crash('s3');
              z.after(100, (z) => {
                z.restart('s1');
                z.restart('s2');
              });
              z.after(3_000, (z) => z.call('c1', { op: 'create', path: '/after', data: '' }, undefined, 'write after'));
            },
          });
        });
      };
    },
    expect: (z) => [
      that(`s1 crashed at ${point}`, crashed),
      acked(z, 'write 0'),
      acked(z, 'write 2'),
      acked(z, 'write after'),
    ],
  });
}

export default ackBeforeSyncSnapshot();
