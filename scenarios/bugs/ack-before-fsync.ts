/**
 * ACK BEFORE FSYNC — teaches: a follower's ACK of a proposal promises the txn is on its disk; the
 * leader counts it toward the quorum that commits. A follower that acks as soon as the txn is
 * appended (before the fsync completes) can crash and lose a txn the client was told succeeded.
 *
 * Fixed schedule, with a fault point where a random crash would almost never land:
 * 1. s3 leads; c1 writes /w through s3; s2 is cut off.
 * 2. c1 writes /x: s3 proposes it, s1 appends it and crashes at `log.appended` (appended, not
 *    fsynced; a torn tail may lose it). s3 crashes 20 ms later.
 * 3. s1 restarts and the cut heals: s1 and s2 elect a leader for epoch 2; c1 writes /after.
 *
 * ZooKeeper 3.8 acks only after the fsync, so /x never reached a quorum: nothing is lost. With the
 * planted `ackBeforeFsync`, s1's ack made /x committed and acknowledged, and the new leader lacks it:
 * LeaderLogCompleteness names what breaks.
 */
import type { BugFlags } from '../../protocol/config.ts';
import { zkScenario, type ZkScenario } from '../lib/define.ts';
import { acked, that } from '../lib/expect.ts';

export function ackBeforeFsync(o: { readonly bugs?: BugFlags; readonly seed?: number } = {}): ZkScenario {
  let crashed = false;
  return zkScenario({
    name: 'ack-before-fsync',
    description: '3 servers; s2 cut off; s1 crashes with a proposal appended but not fsynced, then the leader',
    seed: o.seed ?? 1,
    servers: 3,
    clients: 1,
    cfg: { tickTimeMs: 500, bugs: o.bugs ?? {} },
    durationMs: 30_000,
    script(z) {
      crashed = false;
      z.at(300, (z) =>
        z.connect('c1', 's3', () =>
          z.call('c1', { op: 'create', path: '/w', data: '' }, () => {
            z.isolate('s2');
            z.crashAt('log.appended', 's1', {
              then: (z) => {
                crashed = true;
                z.after(20, (z) => z.crash('s3'));
                z.after(100, (z) => {
                  z.heal();
                  z.restart('s1');
                });
                z.after(3_000, (z) => z.call('c1', { op: 'create', path: '/after', data: '' }, undefined, 'write after'));
              },
            });
            z.call('c1', { op: 'create', path: '/x', data: '' }, undefined, 'write x');
          }),
        ),
      );
    },
    expect: (z) => [that('s1 crashed at log.appended', crashed), acked(z, 'write after')],
  });
}

export default ackBeforeFsync();
