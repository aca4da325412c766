/** The lessons, in the order a student should take them. */
import type { Lesson } from './lesson.ts';
import initialElection from './initial-election.ts';
import leaderFailover from './leader-failover.ts';
import splitBrain from './split-brain.ts';
import syncAfterCrash from './sync-after-crash.ts';
import sessionExpiry from './session-expiry.ts';

export const LESSONS: readonly Lesson[] = [initialElection, leaderFailover, splitBrain, syncAfterCrash, sessionExpiry];

export function lessonNamed(name: string): Lesson | undefined {
  return LESSONS.find((l) => l.name === name);
}
