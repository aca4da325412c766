/**
 * Regression tests for the replayable findings in `harness/findings/` (see README "Findings"):
 * each one failed a checker with no bug flag on; after judging it against ZooKeeper 3.8 (and fixing
 * the checker or the model), the same case must replay with every checker passing. The trace
 * hash is not pinned: a model fix legitimately changes it, the verdict is what matters here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCase } from './case.ts';
import { runCase } from './run.ts';

function load(name: string) {
  const raw = JSON.parse(readFileSync(new URL(`./findings/${name}.json`, import.meta.url), 'utf8')) as { shrunk: unknown; failures?: string[] };
  return { c: decodeCase(JSON.stringify(raw.shrunk)), failures: raw.failures };
}

/** Each finding and the checker it used to fail (checker false positives, and one model bug). */
const FINDINGS: readonly { name: string; was: string }[] = [
  // TRUNC to maxCommittedLog, then the outstanding proposals forwarded (3.8 syncFollower +
  // startForwarding); one is committed while the TRUNC is in flight. Checker fixed.
  { name: 'committedlogdurability-trunc-then-forward', was: 'CommittedLogDurability' },
  // The leader's slow disk lags its proposals; a DIFF-synced follower logs the forwarded ones
  // first. The leader's history includes what it proposed (TLA+ LeaderProcessRequest). Checker fixed.
  { name: 'processconsistency-async-leader-log', was: 'ProcessConsistency' },
  // A re-elected leader's tree holds a txn it logged but never committed (3.8 loadDataBase /
  // fastForwardDataBase); its SNAP is labelled (3,0). The label now stands for the leader's tree.
  { name: 'prefixconsistency-snap-label', was: 'PrefixConsistency' },
  // A server paused in FLE's finalize wait resumes, finds its queue empty and decides on its
  // round-1 votes (lookForLeader does so). Voters are now judged by their round-1 credential.
  { name: 'electionorder-epoch-tie', was: 'ElectionOrder' },
  // Found after that fix: the same stale decision, but the voter restarted since (its rounds count
  // from 1 again). Credentials are kept per incarnation and round.
  { name: 'electionorder-restarted-voter', was: 'ElectionOrder' },
  // A new leader set only its database's last zxid to (2,0) (startZkServer), not its tree's: a sync
  // reply carried (2,0), a later read (1,0x16). A model bug (3.8 has one value, in the DataTree), fixed.
  { name: 'sessionmonotonicread-new-epoch-zxid', was: 'SessionMonotonicRead' },
  // A SNAP received during sync lives in memory until NEWLEADER's snapshot; the learner left its
  // role before that, reloaded an older tree from disk (as 3.8 does) and delivered the txns again
  // by a later DIFF. The `db.load` record now sets what the tree holds. Checker fixed.
  { name: 'totalorder-snap-then-reload', was: 'TotalOrder' },
  // The leader lost its synced quorum to an earlier cut and abandoned right after a learner began
  // its sync; its LOOKING record follows the role teardown. A leader's abandon now ends it. Checker fixed.
  { name: 'learnerjoin-leader-abandons', was: 'LearnerJoin' },
  // A failed fsync (swarm diskErrors): the server drops the records in doubt, never acked, some of
  // them committed by the others' acks. That is a crash's torn tail, not a TRUNC: traced as
  // `log.lost`, which CommittedLogDurability does not judge as a truncation. Checker fixed.
  { name: 'committedlogdurability-fsync-error-lost', was: 'CommittedLogDurability' },
  // A follower's currentEpoch write failed during its sync, so it gave up its role (3.8's
  // IOException out of syncWithLeader). A failing disk now counts as a fault. Checker fixed.
  { name: 'learnerjoin-disk-error', was: 'LearnerJoin' },
];

describe('harness findings replay clean', () => {
  for (const f of FINDINGS) {
    it(`${f.name}: every checker passes`, () => {
      const { c, failures } = load(f.name);
      // Older finding files do not list their failures; where they do, it is the one judged here.
      if (failures !== undefined) expect(failures).toContain(f.was);
      const r = runCase(c);
      expect(r.failed.flatMap((v) => v.violations.map((x) => `${v.name}: ${x.message}`))).toEqual([]);
      expect(r.failures).toEqual([]);
      expect(r.probeAckUs).not.toBeNull();
    });
  }
});
