/** The planted-bug flags, one registry (`config.ts` BugFlags holds their switches; harness, transcripts and the zoo list them from here). */
import type { BugFlags } from './config.ts';

export const BUG_NAMES = [
  'ackNewLeaderBeforeLogging',
  'ackNewLeaderBeforeFsync',
  'ackNewLeaderBeforeSyncSnapshot',
  'currentEpochBeforeLogging',
  'ackProposalsBeforeNewLeader',
  'commitBeforeUptodateCrashes',
  'diffInsteadOfTrunc',
  'keepUncommittedOnLooking',
  'ackBeforeFsync',
  'syncProcessorOutlivesShutdown',
  'voteOrderIgnoresEpoch',
  'selfLeaderIgnoresRound',
  'sessionsLostOnLeaderChange',
  'staleServerAcceptsSession',
  'currentEpochFromAcceptedOnRestart',
  'truncKeepsTail',
  'observerCountsInQuorum',
  'pzxidNotRestoredFromSnapshot',
  'readAheadOfPendingWrite',
  'ackDespiteFsyncError',
] as const satisfies readonly (keyof BugFlags)[];

export type BugName = (typeof BUG_NAMES)[number];

export function isBugName(s: string): s is BugName {
  return (BUG_NAMES as readonly string[]).includes(s);
}
