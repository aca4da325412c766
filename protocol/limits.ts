/**
 * Bounds on every queue a server keeps (TigerBeetle style: nothing grows without a limit). Each limit
 * names what happens when it is reached; `protocol/server/README.md` lists them with their
 * ZooKeeper counterpart. Defaults are far above anything a correct run reaches (a correct run never
 * hits one: the property tests would show it as a `zab.limit` trace event); tests lower them to
 * exercise the behaviour at the limit.
 */
export interface Limits {
  /** Learner: packets queued while it is blocked on a sync-phase disk write. At the limit the
   *  learner drops its connection to the leader and goes LOOKING (as the leader would drop a
   *  learner that stopped reading). */
  readonly learnerInbox: number;
  /** Learner: txns held during sync (not yet logged / commits not yet applied / acks owed) and
   *  logged txns waiting for their COMMIT. At the limit: as learnerInbox. */
  readonly learnerPending: number;
  /** Leader: proposals not yet committed. At the limit the leader proposes nothing more: new
   *  writes wait in their session's queue (as globalOutstandingLimit throttles reading requests). */
  readonly outstandingProposals: number;
  /** Server: requests queued on one client connection (pipelined, not answered yet). At the limit
   *  the server closes that connection (the client sees ConnectionLoss). */
  readonly connectionQueue: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  learnerInbox: 100_000,
  learnerPending: 100_000,
  outstandingProposals: 100_000,
  connectionQueue: 10_000,
});
