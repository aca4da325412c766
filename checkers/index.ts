/**
 * The registry: every trace checker by name, and `runAll` to get every verdict for one trace.
 * Linearizability runs the Wing–Gong/Lowe search of `linearizability/` on the client history the
 * trace holds (see `linearizable.ts`).
 */
import { agreement, globalPrimaryOrder, integrity, localPrimaryOrder, prefixConsistency, totalOrder } from './zab/delivery.ts';
import { committedLogDurability } from './zab/durability.ts';
import { leaderLogCompleteness } from './zab/leader-completeness.ts';
import { leadership } from './zab/leadership.ts';
import { monotonicRead } from './zab/monotonic-read.ts';
import { primaryIntegrity } from './zab/primary-integrity.ts';
import { processConsistency } from './zab/process-consistency.ts';
import { digestConsistency } from './digest.ts';
import { electionOrder } from './election.ts';
import { ephemeralOutlivesSession, orphanEphemeral, timelyExpiry } from './ephemerals.ts';
import { fifoClientOrder, readYourWrites, sessionMonotonicRead } from './client-order.ts';
import { learnerJoin } from './learner-join.ts';
import { liveness } from './liveness.ts';
import { linearizable } from './linearizable.ts';
import type { CheckOptions, CheckResult, Checker, TraceRecord } from './types.ts';

export type { CheckOptions, CheckResult, Checker, TraceRecord, Violation } from './types.ts';

/** Safety checkers: they hold on every prefix of every run. */
export const SAFETY: Readonly<Record<string, Checker>> = {
  Leadership: leadership,
  PrefixConsistency: prefixConsistency,
  Agreement: agreement,
  TotalOrder: totalOrder,
  Integrity: integrity,
  LocalPrimaryOrder: localPrimaryOrder,
  GlobalPrimaryOrder: globalPrimaryOrder,
  PrimaryIntegrity: primaryIntegrity,
  LeaderLogCompleteness: leaderLogCompleteness,
  CommittedLogDurability: committedLogDurability,
  ProcessConsistency: processConsistency,
  MonotonicRead: monotonicRead,
  DigestConsistency: digestConsistency,
  ElectionOrder: electionOrder,
  OrphanEphemeral: orphanEphemeral,
  EphemeralOutlivesSession: ephemeralOutlivesSession,
  FifoClientOrder: fifoClientOrder,
  SessionMonotonicRead: sessionMonotonicRead,
  ReadYourWrites: readYourWrites,
  Linearizability: linearizable,
};

/** Timed checkers: progress within a bound. TimelyExpiry and Liveness count from when the run's
 *  faults were healed (`options.healedAt`); LearnerJoin judges the fault-free stretches before it.
 *  All three run only on harness runs (`healedAt` given). */
export const TIMED: Readonly<Record<string, Checker>> = {
  TimelyExpiry: timelyExpiry,
  Liveness: liveness,
  LearnerJoin: learnerJoin,
};

export const CHECKERS: Readonly<Record<string, Checker>> = { ...SAFETY, ...TIMED };

/**
 * Runs the checkers on one trace. Timed checkers run only when `options.healedAt` is given (a run
 * that never heals has no liveness promise); `only` restricts to some names.
 */
export function runAll(records: readonly TraceRecord[], options: CheckOptions = {}, only?: readonly string[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [name, check] of Object.entries(CHECKERS)) {
    if (only !== undefined && !only.includes(name)) continue;
    if (only === undefined && name in TIMED && options.healedAt === undefined) continue;
    out.push(check(records, options));
  }
  return out;
}

/** Names of the checkers that failed. */
export function failures(results: readonly CheckResult[]): string[] {
  return results.filter((r) => !r.ok).map((r) => r.name);
}
