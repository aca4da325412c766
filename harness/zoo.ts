/**
 * The bug zoo: for each plantable historical bug, explore generated runs with the bug switched on
 * until the checker that names what the bug breaks fails (a durability bug must be caught by a
 * durability checker, not incidentally by a session checker), then shrink that failure.
 *
 * Runs are in process, one after another (one core): run i uses fast-check seed `seed + i`, exactly
 * as `npm run explore` does, so a zoo hit is also an explore hit of the same seed. A run that fails
 * only other checkers is remembered ("found by the wrong checker") and the hunt goes on.
 */
import fc from 'fast-check';
import type { BugFlags } from '../protocol/config.ts';
import { caseArb, DEFAULT_SHAPE, ELECTION_SHAPE, SWARM_SHAPE, type CaseShape } from './arbitraries.ts';
import { BUG_NAMES, type BugName } from './bugs.ts';
import type { Case } from './case.ts';
import { runCase, type RunResult } from './run.ts';
import { replayCommand, scheduleLength, search } from './shrink.ts';

export interface ZooEntry {
  readonly bug: BugName;
  readonly jira: string;
  /** What the bug breaks, in words. */
  readonly breaks: string;
  /** The checkers that name what it breaks: one of them must fail for the bug to count as found. */
  readonly checkers: readonly string[];
  /** Which generated runs to hunt it in. */
  readonly shape: 'default' | 'election';
}

const DURABILITY = ['CommittedLogDurability', 'LeaderLogCompleteness'];
const DIVERGENCE = ['PrefixConsistency', 'Agreement', 'TotalOrder', 'ProcessConsistency', 'Integrity', 'LocalPrimaryOrder', 'GlobalPrimaryOrder', 'PrimaryIntegrity'];

const SESSIONS = ['TimelyExpiry', 'EphemeralOutlivesSession', 'OrphanEphemeral'];
const CLIENT_VIEW = ['SessionMonotonicRead', 'ReadYourWrites', 'FifoClientOrder'];

/** Every plantable bug and the checkers that must catch it. */
export const ZOO: readonly ZooEntry[] = [
  { bug: 'ackNewLeaderBeforeLogging', jira: 'ZOOKEEPER-3911', breaks: 'durability: NEWLEADER acked before the DIFF txns are logged', checkers: DURABILITY, shape: 'default' },
  { bug: 'ackNewLeaderBeforeFsync', jira: 'ZOOKEEPER-4646', breaks: 'durability: NEWLEADER acked before the log fsync', checkers: DURABILITY, shape: 'default' },
  { bug: 'ackNewLeaderBeforeSyncSnapshot', jira: '(planted)', breaks: 'durability: NEWLEADER acked after a SNAP before the snapshot of the synced tree is durable', checkers: DURABILITY, shape: 'default' },
  { bug: 'currentEpochBeforeLogging', jira: 'ZOOKEEPER-4643', breaks: 'durability/epochs: currentEpoch written before the synced txns are durable', checkers: DURABILITY, shape: 'default' },
  { bug: 'ackProposalsBeforeNewLeader', jira: 'ZOOKEEPER-4685', breaks: 'availability: proposals acked before NEWLEADER make the leader drop the learner', checkers: ['LearnerJoin'], shape: 'default' },
  { bug: 'commitBeforeUptodateCrashes', jira: 'ZOOKEEPER-4394', breaks: 'availability: a COMMIT between NEWLEADER and UPTODATE kills the learner', checkers: ['LearnerJoin'], shape: 'default' },
  { bug: 'diffInsteadOfTrunc', jira: 'ZOOKEEPER-1154', breaks: 'consistency: DIFF instead of TRUNC leaves a follower with a txn the leader never committed', checkers: DIVERGENCE, shape: 'default' },
  { bug: 'keepUncommittedOnLooking', jira: 'ZOOKEEPER-2845', breaks: 'consistency: a leader going LOOKING keeps uncommitted txns in memory', checkers: DIVERGENCE, shape: 'default' },
  { bug: 'ackBeforeFsync', jira: '(4646 family)', breaks: 'durability: a follower acks a proposal before its fsync', checkers: DURABILITY, shape: 'default' },
  { bug: 'voteOrderIgnoresEpoch', jira: 'ZOOKEEPER-1419', breaks: 'election: a higher sid beats a higher peerEpoch', checkers: ['ElectionOrder', 'LeaderLogCompleteness'], shape: 'election' },
  { bug: 'syncProcessorOutlivesShutdown', jira: 'ZOOKEEPER-4712', breaks: 'consistency/durability: a follower that shut down keeps logging txns through its old sync processor', checkers: [...DIVERGENCE, ...DURABILITY], shape: 'default' },
  { bug: 'selfLeaderIgnoresRound', jira: 'ZOOKEEPER-1514', breaks: 'election: a peer elects itself on notifications of an older round', checkers: ['ElectionOrder', 'Leadership'], shape: 'election' },
  // Planted by us (issue #15: the bug classes generated runs used to miss), not historical.
  { bug: 'sessionsLostOnLeaderChange', jira: '(planted)', breaks: 'sessions: a new leader forgets the sessions made under the old one; their ephemerals never expire', checkers: SESSIONS, shape: 'default' },
  { bug: 'staleServerAcceptsSession', jira: '(planted)', breaks: 'client view: a reconnect to a lagging server is accepted, so the session reads older state than it saw', checkers: CLIENT_VIEW, shape: 'default' },
  { bug: 'currentEpochFromAcceptedOnRestart', jira: '(planted)', breaks: 'epochs: a restarted server claims the epoch it only accepted, wins elections it must lose', checkers: [...DURABILITY, 'Leadership', ...DIVERGENCE], shape: 'default' },
  { bug: 'truncKeepsTail', jira: '(planted)', breaks: 'TRUNC: the cut keeps one txn the leader never committed', checkers: [...DIVERGENCE, 'DigestConsistency'], shape: 'default' },
  { bug: 'observerCountsInQuorum', jira: '(planted)', breaks: 'observers: a leader cut from its voters stays in office on its observers (no progress; stale reads)', checkers: ['Liveness', 'Linearizability', ...CLIENT_VIEW], shape: 'default' },
  { bug: 'pzxidNotRestoredFromSnapshot', jira: '(planted)', breaks: 'stat fields: a restored snapshot loses pzxid, so trees differ at equal zxids', checkers: ['DigestConsistency'], shape: 'default' },
  { bug: 'readAheadOfPendingWrite', jira: '(planted)', breaks: "client order: a server reads for a session ahead of the session's own pipelined write, so its in-order reply goes back in time", checkers: CLIENT_VIEW, shape: 'default' },
  // Contract v2 (disk): needs a failing disk (swarm `diskErrors` draw). The server's own disk lost
  // txns it took as durable: a quorum counted on it (durability), and at its next load its tree
  // skips them while later records replay (DigestConsistency, divergence).
  { bug: 'ackDespiteFsyncError', jira: '(planted)', breaks: 'durability: a txn whose fsync failed is acked, and the disk that dropped it counts toward its quorum', checkers: [...DURABILITY, ...DIVERGENCE, 'DigestConsistency'], shape: 'default' },
];

export function zooEntry(bug: string): ZooEntry | undefined {
  return ZOO.find((e) => e.bug === bug);
}

/** Bugs that `bugs.ts` knows but the zoo has no naming checkers for (a test keeps this empty). */
export function unlistedBugs(): string[] {
  return BUG_NAMES.filter((b) => zooEntry(b) === undefined);
}

export interface HuntOptions {
  /** First fast-check seed (run i uses seed + i). */
  readonly seed: number;
  /** Wall-clock budget for finding (not shrinking) the bug, seconds. */
  readonly budgetS: number;
  /** Most runs (default: unbounded; tests set it so the hunt is deterministic). */
  readonly maxRuns?: number;
  readonly shrinkBudget: number;
  readonly shrinkWallMs: number;
  /** Which generated runs hunt the workload bugs: swarm runs (default) or the plain default runs. */
  readonly runs?: 'swarm' | 'default';
  readonly onShrink?: (line: string) => void;
}

export interface ZooResult {
  readonly bug: BugName;
  readonly jira: string;
  /** Found by one of its naming checkers. */
  readonly found: boolean;
  /** Only other checkers failed within the budget (the first such checker). */
  readonly wrongChecker: string | null;
  readonly runs: number;
  /** Wall seconds to the first naming failure (or spent, when not found). */
  readonly wallS: number;
  /** The naming checker that fired. */
  readonly checker: string | null;
  readonly caseSeed: number | null;
  /** Schedule length (kernel fault events) before and after shrinking. */
  readonly steps: number | null;
  readonly shrunkSteps: number | null;
  readonly shrinkRuns: number;
  readonly shrunk: Case | null;
  readonly shrunkHash: string | null;
  /** A self-contained replay command (`npm run replay -- --case … --expect …`). */
  readonly command: string | null;
  /** Hunt statistics: in how many runs each durability-window step was reached (`triggers.ts`
   *  armWindows: `syncEpoch:crash` = a server was crashed inside that window), and how many runs
   *  were cut at their bound (`Budget`) and the wall seconds they took. */
  readonly stats: HuntStats;
}

export interface HuntStats {
  readonly windows: Readonly<Record<string, number>>;
  readonly budgetRuns: number;
  readonly budgetWallS: number;
}

function safeRun(c: Case): RunResult | null {
  try {
    return runCase(c);
  } catch {
    return null;
  }
}

/** Hunts one bug. */
export function hunt(e: ZooEntry, o: HuntOptions): ZooResult {
  const bugs: BugFlags = { [e.bug]: true };
  const shape = e.shape === 'election' ? ELECTION_SHAPE : o.runs === 'default' ? DEFAULT_SHAPE : SWARM_SHAPE;
  const arb = caseArb(shape, bugs);
  const started = Date.now();
  const deadline = started + o.budgetS * 1000;
  let wrong: string | null = null;
  let runs = 0;
  const windows: Record<string, number> = {};
  let budgetRuns = 0;
  let budgetMs = 0;
  const stats = (): HuntStats => ({ windows, budgetRuns, budgetWallS: budgetMs / 1000 });
  const base = { bug: e.bug, jira: e.jira };
  while (Date.now() < deadline && (o.maxRuns === undefined || runs < o.maxRuns)) {
    const caseSeed = (o.seed + runs) % 2 ** 31;
    runs++;
    const c = fc.sample(arb, { seed: caseSeed, numRuns: 1 })[0]!;
    const runStart = Date.now();
    const r = safeRun(c);
    for (const w of new Set(r?.windows ?? [])) windows[w] = (windows[w] ?? 0) + 1;
    if (r?.budget) (budgetRuns++, (budgetMs += Date.now() - runStart));
    const failures = r === null ? ['Exception'] : r.failures;
    const hit = failures.find((f) => e.checkers.includes(f));
    if (hit === undefined) {
      if (failures.length > 0 && wrong === null) wrong = failures[0]!;
      continue;
    }
    const wallS = (Date.now() - started) / 1000;
    const s = search({ seed: caseSeed, numRuns: 1, bugs, shape, keep: e.checkers, shrinkBudget: o.shrinkBudget, shrinkWallMs: o.shrinkWallMs, ...(o.onShrink ? { onShrink: o.onShrink } : {}) });
    const f = s.found;
    return {
      ...base,
      found: true,
      wrongChecker: null,
      runs,
      wallS,
      checker: hit,
      caseSeed,
      steps: scheduleLength(c),
      shrunkSteps: f ? scheduleLength(f.shrunk) : null,
      shrinkRuns: f?.shrinkRuns ?? 0,
      shrunk: f?.shrunk ?? null,
      shrunkHash: f?.result.hash ?? null,
      command: f ? replayCommand(f.shrunk, f.result.hash) : null,
      stats: stats(),
    };
  }
  return {
    ...base,
    found: false,
    wrongChecker: wrong,
    runs,
    wallS: (Date.now() - started) / 1000,
    checker: null,
    caseSeed: null,
    steps: null,
    shrunkSteps: null,
    shrinkRuns: 0,
    shrunk: null,
    shrunkHash: null,
    command: null,
    stats: stats(),
  };
}
