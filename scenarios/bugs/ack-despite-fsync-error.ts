/**
 * ACK DESPITE FSYNC ERROR — teaches: an fsync that fails says the txns it covered may not be on
 * disk (the page cache may already have dropped them). ZooKeeper 3.8's SyncRequestProcessor dies on
 * the IOException, the server stops and its follower gives up its role: the txn is never acked. A
 * server that takes the failure for a completion acks a txn its disk does not hold.
 *
 * Fixed schedule:
 * 1. s3 leads; c1 writes /w through s3; s2 is cut off. s1's next txn-log fsync will fail (EIO).
 * 2. c1 writes /x: s3 proposes it, s1 logs it and its fsync fails.
 * 3. s3 crashes; s1 crashes too (its disk lost /x with the failed write-back) and restarts; the
 *    cut heals: s1 and s2 elect a leader for epoch 2; c1 writes /after.
 *
 * ZooKeeper 3.8: s1 never acks /x, so /x is not committed and nothing acknowledged is lost. With the
 * planted `ackDespiteFsyncError`, s1's ack made /x committed and acknowledged, and the new leader
 * lacks it: LeaderLogCompleteness and CommittedLogDurability name what breaks.
 */
import type { BugFlags } from '../../protocol/config.ts';
import { zkScenario, type ZkScenario } from '../lib/define.ts';
import { acked, that } from '../lib/expect.ts';

export function ackDespiteFsyncError(o: { readonly bugs?: BugFlags; readonly seed?: number } = {}): ZkScenario {
  let failed = false;
  return zkScenario({
    name: 'ack-despite-fsync-error',
    description: "3 servers; s2 cut off; s1's fsync fails with a proposal in it, then the leader and s1 crash",
    seed: o.seed ?? 1,
    servers: 3,
    clients: 1,
    cfg: { tickTimeMs: 500, bugs: o.bugs ?? {} },
    durationMs: 30_000,
    script(z) {
      failed = false;
      z.at(300, (z) =>
        z.connect('c1', 's3', () =>
          z.call('c1', { op: 'create', path: '/w', data: '' }, () => {
            z.isolate('s2');
            z.failDisk('s1', { op: 'fsync' });
            z.call('c1', { op: 'create', path: '/x', data: '' }, () => (failed = true), 'write x');
            z.after(200, (z) => {
              z.crash('s3');
              z.crash('s1');
            });
            z.after(300, (z) => {
              z.heal();
              z.restart('s1');
            });
            z.after(3_000, (z) => z.call('c1', { op: 'create', path: '/after', data: '' }, undefined, 'write after'));
          }),
        ),
      );
    },
    expect: (z) => [that("s1's fsync failed", z.sim.trace.records.some((r) => r.ev === 'disk' && r.node === 's1' && r['error'] === 'EIO')), acked(z, 'write after')],
  });
}

export default ackDespiteFsyncError();
