/** Fast Leader Election (ZooKeeper 3.8) — see README.md in this folder. */
export type {
  ServerState,
  Vote,
  StatedVote,
  Notification,
  ElectionConfig,
  ElectionBugs,
} from './types.ts';
export { NO_VALUE, DEFAULT_FINALIZE_WAIT_MS, DEFAULT_MAX_NOTIFICATION_INTERVAL_MS } from './types.ts';
export { totalOrderPredicate, totalOrderPredicate1419 } from './order.ts';
export { votesEqual, agreeing, isMajority } from './quorum.ts';
export { FastLeaderElection, POLL_TIMER, FINALIZE_TIMER, type ElectionOutcome } from './fle.ts';
