/** The planted-bug flags a generated run may switch on (`protocol/config.ts` BugFlags). */
import type { BugFlags } from '../protocol/config.ts';

export const BUG_NAMES = [
  'ackNewLeaderBeforeLogging',
  'ackNewLeaderBeforeFsync',
  'currentEpochBeforeLogging',
  'ackProposalsBeforeNewLeader',
  'commitBeforeUptodateCrashes',
  'diffInsteadOfTrunc',
  'keepUncommittedOnLooking',
  'ackBeforeFsync',
  'voteOrderIgnoresEpoch',
  'selfLeaderIgnoresRound',
] as const satisfies readonly (keyof BugFlags)[];

export type BugName = (typeof BUG_NAMES)[number];

export function isBugName(s: string): s is BugName {
  return (BUG_NAMES as readonly string[]).includes(s);
}
