/**
 * SYNC PROCESSOR OUTLIVES SHUTDOWN — teaches: a server leaving its role must finish (flush) the log
 * writes it had queued before it reloads its database and votes; otherwise those txns land in the
 * log after the vote was computed, and the log holds more than the server advertised and than the
 * new leader synchronises it from (ZOOKEEPER-4712).
 *
 * Fixed schedule: s1 has a slow fsync, so proposals queue behind its fsync in flight; c1 issues a
 * create every 3 ms through the leader s3, which crashes in the middle (s2 stopped hearing it a
 * little earlier). s1 leaves FOLLOWING with txns queued.
 *
 * Status: the planted flag shows its durable symptom (s1 logs txns after it went LOOKING, above
 * the zxid it votes with; the new leader's DIFF then logs them a second time), asserted in
 * bugs.test.ts. No trace checker flags this schedule yet: the txns are re-sent by the restarted old
 * leader, so nothing diverges. A schedule where the new leader lacks them is still to be written.
 */
import type { BugFlags } from '../../protocol/config.ts';
import { zkScenario, type ZkScenario } from '../lib/define.ts';

export function syncOutlivesShutdown(o: { readonly bugs?: BugFlags; readonly seed?: number } = {}): ZkScenario {
  return zkScenario({
    name: 'sync-outlives-shutdown',
    description: '3 servers; s1 has a slow disk and queued proposals when the leader crashes',
    seed: o.seed ?? 1,
    servers: 3,
    clients: 1,
    cfg: { tickTimeMs: 500, bugs: o.bugs ?? {} },
    durationMs: 20_000,
    script(z) {
      z.at(300, (z) =>
        z.connect('c1', 's3', () => {
          z.disk('s1', { fsync: { minUs: 30_000, tailMeanUs: 1_000, tailMaxUs: 5_000 } });
          // A create every 3 ms: proposals keep arriving at s1 while its fsync is in flight.
          for (let i = 0; i < 30; i++) z.after(3 * i, (z) => z.call('c1', { op: 'create', path: `/k${i}`, data: '' }));
          // s2 stops hearing from s3 first: the last proposals reach only s1 (uncommitted).
          z.after(45, (z) => z.clog('s3', 's2'));
          z.after(70, (z) => z.crash('s3'));
          z.after(2_000, (z) => z.restart('s3'));
          z.after(5_000, (z) => z.call('c1', { op: 'create', path: '/after', data: '' }));
        }),
      );
    },
  });
}

export default syncOutlivesShutdown();
