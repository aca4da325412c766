/**
 * The shape every checker shares. A checker reads the simulator trace (`trace/records.ts` records) and
 * answers with a verdict plus the places that break the property, as indices into the trace so the
 * timeline can point at them.
 */
import type { TraceRecord } from '../trace/records.ts';

export type { TraceRecord };

export interface Violation {
  /** Virtual time (µs) of the record where the violation became visible. */
  readonly t: number;
  readonly node?: string;
  readonly message: string;
  /** Indices into the trace: the record that shows the violation first, then its witnesses. */
  readonly records: readonly number[];
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** Violations found beyond the ones kept (a broken run can produce millions; we keep the first). */
  readonly omitted?: number;
  /** Something the reader should know that is not a violation (e.g. a search that ran out of budget). */
  readonly note?: string;
}

/** Options shared by every checker; each checker reads only the fields it needs. */
export interface CheckOptions {
  /** Keep at most this many violations per checker (default 100). */
  readonly maxViolations?: number;
  /** Voting members' count; when given, election checks also demand a strict majority of votes. */
  readonly ensembleSize?: number;
  /** Virtual time (µs) at which the run's last fault was healed (liveness and ephemeral expiry). */
  readonly healedAt?: number;
  /** Liveness bound (µs) after `healedAt`: a leader and a committed write must appear within it. */
  readonly livenessBoundUs?: number;
  /** LearnerJoin: how long (µs) a fault-free sync with an established leader may take
   *  (default (initLimit 10 + syncLimit 5) ticks of 2 s). */
  readonly learnerJoinBoundUs?: number;
  /** Liveness: also demand a committed write (default true). */
  readonly livenessNeedsWrite?: boolean;
  /** Default session timeout (ms) when `session.create` does not carry one. */
  readonly sessionTimeoutMs?: number;
  /** Time (µs) the ensemble may need to elect a leader; added to the session timeout for expiry. */
  readonly electionBoundUs?: number;
  /** Wall-clock budget of the linearizability search (default 20 s); out of budget = a `note`. */
  readonly linearizabilityBudgetMs?: number;
}

export type Checker = (records: readonly TraceRecord[], options?: CheckOptions) => CheckResult;
