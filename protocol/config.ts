/**
 * Ensemble configuration (the zoo.cfg knobs the protocol reads) and test-only bug flags.
 *
 * Defaults are ZooKeeper 3.8's: tickTime 2000 ms, initLimit 10, syncLimit 5, session timeouts in
 * [2, 20] x tickTime, a committed-log window of 500 txns (ZKDatabase.commitLogCount) and a log roll
 * plus snapshot after snapCount/2 + randRoll txns (randRoll in [0, snapCount/2), drawn from the
 * server's seeded PRNG, `protocol/random.ts`, as SyncRequestProcessor draws it).
 *
 * The `...Ms` latencies below are the time ZooKeeper 3.8's threads spend on steps the model
 * otherwise does in zero time (measured on a real 3.8.0 ensemble; see FIDELITY.md). Each is a
 * uniform draw in [min, max] from the server's seeded PRNG; 0/0 turns one off.
 */

import { DEFAULT_LIMITS } from './limits.ts';
import type { Limits } from './limits.ts';
import { defaultAddressBook } from './addressBook.ts';
import type { ServerAddress } from './addressBook.ts';

/** Historical bugs that can be re-introduced (default: all off = ZooKeeper 3.8 fixed behaviour). */
export interface BugFlags {
  /** ZOOKEEPER-3911: ack NEWLEADER before the DIFF proposals are logged. */
  readonly ackNewLeaderBeforeLogging?: boolean;
  /** ZOOKEEPER-4646: send the NEWLEADER ack before the log fsync completes. */
  readonly ackNewLeaderBeforeFsync?: boolean;
  /** (planted) After a SNAP (or TRUNC), the NEWLEADER ack does not wait for the snapshot of the
   *  synced tree (3.8's Learner: `zk.takeSnapshot(syncSnapshot)` before the ack): the snapshot is
   *  written after the ack, so a crash then leaves a server with the new currentEpoch and no
   *  durable copy of the state the SNAP gave it. */
  readonly ackNewLeaderBeforeSyncSnapshot?: boolean;
  /** ZOOKEEPER-4643: write currentEpoch before the synced txns are persisted. */
  readonly currentEpochBeforeLogging?: boolean;
  /** ZOOKEEPER-4685: ack proposals received during sync before acking NEWLEADER. */
  readonly ackProposalsBeforeNewLeader?: boolean;
  /** ZOOKEEPER-4394: a COMMIT between NEWLEADER and UPTODATE for an unknown zxid kills the learner. */
  readonly commitBeforeUptodateCrashes?: boolean;
  /** ZOOKEEPER-1154: the leader sends DIFF (not TRUNC) to a peer ahead of it in the same epoch. */
  readonly diffInsteadOfTrunc?: boolean;
  /** ZOOKEEPER-2845: a leader going LOOKING keeps its uncommitted logged txns without reloading. */
  readonly keepUncommittedOnLooking?: boolean;
  /** ZOOKEEPER-4712: leaving a role does not shut the SyncRequestProcessor down first: txns it had
   *  queued reach the log only after the database was reloaded and the election started. */
  readonly syncProcessorOutlivesShutdown?: boolean;
  /** Follower acks a proposal as soon as it is appended (before fsync completes). */
  readonly ackBeforeFsync?: boolean;
  /** ZOOKEEPER-1419 (election): vote order lets a higher sid win over a higher peerEpoch. */
  readonly voteOrderIgnoresEpoch?: boolean;
  /** ZOOKEEPER-1514 (election): checkLeader accepts me as leader on notices of an older round. */
  readonly selfLeaderIgnoresRound?: boolean;
  /** Sessions: a new leader's session tracker is not loaded from the replicated session table
   *  (LeaderSessionTracker starts empty): sessions made under the old leader never expire there and
   *  their clients are refused on reconnect while their ephemerals stay. */
  readonly sessionsLostOnLeaderChange?: boolean;
  /** Reconnects: a server accepts a session whose client has seen a newer zxid than it has
   *  processed (the lastZxidSeen check of ZooKeeperServer.processConnectRequest is skipped). */
  readonly staleServerAcceptsSession?: boolean;
  /** Epochs: on restart currentEpoch is read from the acceptedEpoch file (both are written by one
   *  helper; the loader reads the wrong one), so a server that acked NEWEPOCH and crashed before
   *  NEWLEADER votes and syncs with an epoch it never reached. */
  readonly currentEpochFromAcceptedOnRestart?: boolean;
  /** TRUNC: the learner's cut keeps the first logged txn past the leader's zxid (an off-by-one in
   *  finding the truncation point), and its reloaded database applies it. */
  readonly truncKeepsTail?: boolean;
  /** Observers: the leader counts observers in the synced set its ping loop requires a quorum of,
   *  so a leader cut from its voters but not from an observer keeps leading (and serving reads). */
  readonly observerCountsInQuorum?: boolean;
  /** Snapshots: restoring a snapshot image (SNAP sync, restart) loses each znode's pzxid (set to
   *  its czxid), so stat fields differ from the other servers' at equal zxids. */
  readonly pzxidNotRestoredFromSnapshot?: boolean;
  /** Pipelined requests: a server evaluates a session's read when it arrives, even while an earlier
   *  write of that session is still in flight to the leader (3.8's CommitProcessor holds the read
   *  in the session's queue until the write is applied); the reply still goes out in xid order, so
   *  it carries a zxid older than the write's reply just before it. Needs a read pipelined behind a
   *  write (swarm `pipeline` draw). */
  readonly readAheadOfPendingWrite?: boolean;
  /** A failed txn-log fsync is taken for a completed one: the server marks the batch durable and
   *  acks it (3.8's SyncRequestProcessor dies instead, and the server gives up its role), though
   *  the disk may have lost it. Needs a disk error (swarm `diskErrors` draw, `failDisk`). */
  readonly ackDespiteFsyncError?: boolean;
}

export interface QuorumConfig {
  /** Voting member ids (myid). */
  readonly participants: readonly number[];
  /** Observer ids. */
  readonly observers: readonly number[];
  /** The address book (`./addressBook.ts`): every participant and observer with its node id, in
   *  myid order. Default: `s<myid>` names. */
  readonly servers: readonly ServerAddress[];
  readonly tickTimeMs: number;
  readonly initLimitTicks: number;
  readonly syncLimitTicks: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** Txns in the leader's in-memory committed log used for DIFF (ZooKeeper: commitLogCount). */
  readonly commitLogCount: number;
  /** Roll the txn log and snapshot after snapCount/2 + randRoll txns (ZooKeeper: snapCount, default 100000). */
  readonly snapCount: number;
  /** zookeeper.snapshotSizeFactor (0.33): a negative value turns DIFF from the on-disk log off
   *  (txnLogSyncEnabled false). The size limit itself is not computed (`ZkDatabase.txnLogFrom`). */
  readonly snapshotSizeFactor: number;
  /** autopurge.snapRetainCount: snapshots a purge keeps (default 3; less than 3 counts as 3). */
  readonly autopurgeSnapRetainCount: number;
  /** autopurge.purgeInterval in ms (ZooKeeper: hours; 0, the default, = no purge). The first purge
   *  runs at start-up, then one every interval (DatadirCleanupManager). */
  readonly autopurgeIntervalMs: number;
  /** Container/TTL sweep period in ms (ZooKeeper: znode.container.checkIntervalMs, 60 s). */
  readonly containerCheckIntervalMs: number;
  /** Whether TTL nodes are allowed (extendedTypesEnabled). */
  readonly extendedTypesEnabled: boolean;
  /** Sync every learner with SNAP (ZooKeeper: forceSnapSync, a test knob). */
  readonly forceSnapSync: boolean;
  /** FLE knobs forwarded to the election. */
  readonly finalizeWaitMs: number;
  readonly maxNotificationIntervalMs: number;
  readonly bugs: BugFlags;
  /** Test only (ZooKeeper's zookeeper.testingonly.initialZxid): a new leader's first zxid counter. */
  readonly initialCounter: number;
  /** Emit no trace effects (benches whose host discards the trace anyway). Default false. */
  readonly quiet: boolean;
  /** Leaving a role (follower/leader shutdown) before the election starts; meanwhile the
   *  election responder still answers with the old vote. Uniform in [min, max]. */
  readonly roleTeardownMinMs: number;
  readonly roleTeardownMaxMs: number;
  /** A new leader's quorum port opens this long after it decided (the Leader constructor); a
   *  learner connecting before is refused and retries after 100 ms (leaderConnectDelayDuringRetryMs). */
  readonly leaderListenMinMs: number;
  readonly leaderListenMaxMs: number;
  /** A learner's server start-up at NEWLEADER (startupWithoutServing) before it logs and acks. */
  readonly learnerStartupMinMs: number;
  readonly learnerStartupMaxMs: number;
  /** The leader's startZkServer after the NEWLEADER ack quorum, before UPTODATE. */
  readonly leaderStartupMinMs: number;
  readonly leaderStartupMaxMs: number;
  /** Queue bounds and what happens at each (`./limits.ts`). */
  readonly limits: Limits;
  /** ZooKeeperServerMain: one server with no ensemble configuration. No election, no Zab, no epoch
   *  files: it serves as soon as its database is loaded, and a write commits on its own fsync
   *  (`../zab/leader.ts` `serveStandalone`). Only with a single participant and no observers. */
  readonly standalone: boolean;
}

export const DEFAULT_TICK_TIME = 2000;

/** Builds a config with ZooKeeper 3.8 defaults; `overrides` win. */
export function quorumConfig(
  participants: readonly number[],
  overrides: Partial<QuorumConfig> = {},
): QuorumConfig {
  const tickTime = overrides.tickTimeMs ?? DEFAULT_TICK_TIME;
  const sorted = [...participants].sort((a, b) => a - b);
  const observers = overrides.observers ?? [];
  const servers = overrides.servers ? [...overrides.servers].sort((a, b) => a.myid - b.myid) : defaultAddressBook(sorted, observers);
  checkAddressBook(servers, sorted, observers);
  return {
    participants: sorted,
    observers: [],
    tickTimeMs: tickTime,
    initLimitTicks: 10,
    syncLimitTicks: 5,
    minSessionTimeoutMs: 2 * tickTime,
    maxSessionTimeoutMs: 20 * tickTime,
    commitLogCount: 500,
    snapCount: 100_000,
    snapshotSizeFactor: 0.33,
    autopurgeSnapRetainCount: 3,
    autopurgeIntervalMs: 0,
    containerCheckIntervalMs: 60_000,
    extendedTypesEnabled: true,
    forceSnapSync: false,
    finalizeWaitMs: 200,
    maxNotificationIntervalMs: 60_000,
    bugs: {},
    quiet: false,
    initialCounter: 0,
    limits: DEFAULT_LIMITS,
    roleTeardownMinMs: 5,
    roleTeardownMaxMs: 25,
    leaderListenMinMs: 3,
    leaderListenMaxMs: 10,
    learnerStartupMinMs: 3,
    learnerStartupMaxMs: 25,
    leaderStartupMinMs: 10,
    leaderStartupMaxMs: 55,
    standalone: false,
    ...overrides,
    servers,
  };
}

/** The address book must list exactly the participants and the observers, with their roles. */
function checkAddressBook(servers: readonly ServerAddress[], participants: readonly number[], observers: readonly number[]): void {
  const want = (role: 'participant' | 'observer') =>
    servers.filter((s) => s.role === role).map((s) => s.myid).sort((a, b) => a - b).join(',');
  const p = participants.join(',');
  const o = [...observers].sort((a, b) => a - b).join(',');
  if (want('participant') !== p || want('observer') !== o) {
    throw new Error(`config: the address book (participants ${want('participant')}; observers ${want('observer')}) does not match participants ${p}; observers ${o}`);
  }
}

/** Clamp a requested session timeout into [min, max] as ZooKeeperServer does. */
export function negotiateSessionTimeout(cfg: QuorumConfig, requested: number): number {
  return Math.min(Math.max(requested, cfg.minSessionTimeoutMs), cfg.maxSessionTimeoutMs);
}
