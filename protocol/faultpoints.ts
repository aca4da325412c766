/**
 * The fault points: every durable or externally visible sub-step of a server's protocol steps that a
 * run may stop at (in the spirit of FoundationDB's BUGGIFY). A server marks one by emitting a
 * `{ kind: 'point', name }` effect at that exact position in its effect list; the host carries the
 * effects out in order and, per its run configuration, may crash the node right there: the effects
 * before the point happened, the rest never do (un-fsynced log records are then lost or torn as for
 * any crash). A host without fault injection ignores points. See protocol/server/README.md.
 *
 * This is the one registry of names: the protocol emits only these (`peer.point(name)`), the
 * simulator's scripts and scenarios name them, and `faultpoints.test.ts` shows a crash at each one
 * leaves exactly the durable state listed here.
 */
import type { Effect } from './contract.ts';

export interface FaultPointInfo {
  /** The sub-step: what has just been done, what has not yet happened. */
  readonly where: string;
  /** What a crash right here leaves on the node's disk. */
  readonly durable: string;
}

export const FAULT_POINTS = {
  // ---------------------------------------------------------------- leader discovery / sync
  'leader.afterAcceptedEpoch': {
    where: 'a new leader wrote acceptedEpoch = its new epoch; no LEADERINFO sent yet',
    durable: 'acceptedEpoch = new epoch, currentEpoch unchanged',
  },
  'leader.afterCurrentEpoch': {
    where: 'a quorum acked the epoch and the leader wrote currentEpoch; no learner synced (no DIFF/TRUNC/SNAP, no NEWLEADER) yet',
    durable: 'acceptedEpoch = currentEpoch = new epoch, log unchanged',
  },
  'leader.afterNewLeaderSent': {
    where: "a learner's sync (DIFF/TRUNC/SNAP and its txns) and NEWLEADER were sent",
    durable: 'acceptedEpoch = currentEpoch = new epoch, log unchanged',
  },
  'leader.established': {
    where: 'a quorum acked NEWLEADER: the leader serves; no UPTODATE sent yet',
    durable: 'acceptedEpoch = currentEpoch = new epoch, log unchanged',
  },
  'leader.commitSent': {
    where: 'a proposal reached its ack quorum: COMMIT/INFORM sent to the learners; not applied locally, the client not answered',
    durable: 'the committed txn is in the durable log (the leader acks only after its own fsync)',
  },
  // ---------------------------------------------------------------- learner sync
  'learner.afterAcceptedEpoch': {
    where: 'a learner wrote acceptedEpoch = the leader\'s new epoch; ACKEPOCH not sent yet',
    durable: 'acceptedEpoch = new epoch, currentEpoch unchanged, log unchanged',
  },
  'learner.afterTruncate': {
    where: 'TRUNC: the learner cut its log (truncate and the truncation mark are durable); NEWLEADER not handled yet',
    durable: 'log cut to the records <= the TRUNC zxid; currentEpoch unchanged',
  },
  'learner.snapInstalled': {
    where: "SNAP: the leader's image replaced the in-memory tree; nothing written yet",
    durable: 'unchanged: no new snapshot, log unchanged, currentEpoch unchanged',
  },
  'learner.afterSyncSnapshot': {
    where: 'NEWLEADER after SNAP/TRUNC: the snapshot of the synced tree is written; sync txns not logged yet',
    durable: 'one more snapshot (at the synced zxid); currentEpoch unchanged',
  },
  'learner.syncTxnsAppended': {
    where: 'NEWLEADER: the txns received during sync are appended to the log, not yet fsynced',
    durable: 'log = what was durable before plus a torn prefix of the sync txns; currentEpoch unchanged',
  },
  'learner.syncTxnsFsynced': {
    where: 'NEWLEADER: the sync txns are durable (log.durable traced); currentEpoch not yet written, NEWLEADER not acked',
    durable: 'every sync txn in the log; currentEpoch unchanged',
  },
  'learner.afterCurrentEpoch': {
    where: 'NEWLEADER: currentEpoch = new epoch is written; the NEWLEADER ACK not sent yet',
    durable: 'currentEpoch = new epoch; every sync txn in the log (ZooKeeper 3.8 order)',
  },
  'learner.afterNewLeaderAck': {
    where: 'NEWLEADER: the ACK is sent; UPTODATE not received yet',
    durable: 'currentEpoch = new epoch; every sync txn in the log',
  },
  'learner.atUptodate': {
    where: 'UPTODATE received; not acked, not serving, proposals queued during sync not logged',
    durable: 'as after the NEWLEADER ack: proposals that arrived after NEWLEADER are not logged',
  },
  // ---------------------------------------------------------------- proposals, commits
  'log.appended': {
    where: 'proposals appended to the txn log (page cache); the fsync not issued, nothing acked',
    durable: 'log = durable prefix plus a torn prefix of the appended records',
  },
  'log.fsynced': {
    where: 'an fsync of logged proposals completed (log.durable traced); the ACK of the batch\'s last proposal (or the leader\'s own ack of it) not sent yet, earlier ones of the batch acked one by one',
    durable: 'every record of the batch in the log',
  },
  'apply.done': {
    where: 'a committed txn was applied to the in-memory tree; the client waiting for it not answered, watches not fired',
    durable: 'unchanged by the apply (memory only)',
  },
  // ---------------------------------------------------------------- snapshots, sessions, shutdown
  'snapshot.written': {
    where: 'a snapshot write completed (every snapCount txns, or the learner\'s sync snapshot)',
    durable: 'the snapshot is on disk',
  },
  'session.expiring': {
    where: 'the leader\'s session tracker expired a session and submitted its closeSession; not proposed yet',
    durable: 'unchanged (the closeSession is not logged)',
  },
  'session.closed': {
    where: "a closeSession txn was applied (the session's ephemerals are gone in memory); the client's connection not closed yet",
    durable: 'unchanged by the apply (memory only)',
  },
  'peer.shuttingDown': {
    where: 'the server leaves its role (back to LOOKING): the role is closed; the txns queued for the log not yet flushed',
    durable: 'queued txns not in the log; the rest as before',
  },
} as const satisfies Readonly<Record<string, FaultPointInfo>>;

export type FaultPointName = keyof typeof FAULT_POINTS;

export const FAULT_POINT_NAMES = Object.keys(FAULT_POINTS) as readonly FaultPointName[];

export function isFaultPointName(s: string): s is FaultPointName {
  return Object.prototype.hasOwnProperty.call(FAULT_POINTS, s);
}

/** One frozen effect object per point: emitting a point allocates nothing. */
const EFFECTS = new Map<string, Effect>(FAULT_POINT_NAMES.map((n) => [n, Object.freeze({ kind: 'point', name: n }) as Effect]));

export function pointEffect(name: FaultPointName): Effect {
  return EFFECTS.get(name)!;
}
