/**
 * LOST SYNC TXNS — teaches: a learner may tell the new leader "I am synced" (ACK of NEWLEADER) and
 * take the new epoch (currentEpoch) only once the txns the sync gave it are durable. Otherwise a
 * crash right after leaves a server whose newer currentEpoch wins the next election although its
 * log lacks committed txns, and they are lost (ZOOKEEPER-3911, -4643, -4646).
 *
 * Fixed schedule, with a fault point where a random crash would almost never land:
 * 1. s3 leads epoch 1; c1 writes /w; s1 is cut off; c1 writes /x0../x2 through s3 (committed by
 *    s3 + s2).
 * 2. s2 crashes; s3 loses its quorum; the cut is healed: s3 leads epoch 2 with s1, which it brings
 *    up to date by DIFF carrying /x0../x2.
 * 3. s1 crashes at the fault point (default `learner.afterNewLeaderAck`), s3 right after; s1 and
 *    s2 restart. s1 has currentEpoch 2, so it leads epoch 3 — with /x0../x2 only if its sync was
 *    durable before the step the point marks. c1 writes /after.
 *
 * With ZooKeeper 3.8's order every checker passes. `lostSyncTxns({ bugs, point })` plants a bug:
 * LeaderLogCompleteness names what breaks (a leader established without committed txns).
 */
import type { BugFlags } from '../../protocol/config.ts';
import type { FaultPointName } from '../../protocol/faultpoints.ts';
import { zkScenario, type ZkScenario } from '../lib/define.ts';
import { acked, that } from '../lib/expect.ts';
import type { Zk } from '../lib/world.ts';

export interface LostSyncTxnsOptions {
  readonly bugs?: BugFlags;
  readonly point?: FaultPointName;
  readonly seed?: number;
  /** Every sync a SNAP (`forceSnapSync`): the story of `ack-before-sync-snapshot.ts`. */
  readonly snap?: boolean;
}

export function lostSyncTxns(o: LostSyncTxnsOptions = {}): ZkScenario {
  const point = o.point ?? 'learner.afterNewLeaderAck';
  let crashed = false;
  return zkScenario({
    name: o.snap ? 'ack-before-sync-snapshot' : 'lost-sync-txns',
    description: `3 servers${o.snap ? ', every sync a SNAP' : ''}; s1 is synced into epoch 2 with txns it missed and crashes at ${point}`,
    seed: o.seed ?? 1,
    servers: 3,
    clients: 1,
    cfg: o.snap ? { tickTimeMs: 500, forceSnapSync: true, bugs: o.bugs ?? {} } : { tickTimeMs: 500, bugs: o.bugs ?? {} },
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

export default lostSyncTxns();
