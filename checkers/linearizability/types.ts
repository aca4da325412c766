/**
 * Types shared by the linearizability checker: operations, models, verdicts and explanations.
 *
 * An operation is one client call with its invocation time, its return time (Infinity when it never
 * returned: it may have taken effect at any later point, or never) and its input/output as the
 * model understands them.
 */

import type { InputNotes } from './parsers/input-log.ts';

export interface Operation<I, O> {
  /** Position in the parsed history (0-based); stable across splitting. */
  readonly index: number;
  /** The op's name in the source file (an id, or the line number) for messages. */
  readonly label: string;
  /** The client process / session that issued it. */
  readonly process: string;
  readonly call: number;
  /** Infinity when the op never returned (outcome unknown). */
  readonly ret: number;
  readonly input: I;
  /** For an op that never returned, the model's "unknown" output. */
  readonly output: O;
}

/**
 * A sequential specification. `step` answers the state after applying the op, or `undefined` when
 * the op with that output is impossible from `state`. States must be treated as immutable: the
 * search keeps references to them in its cache.
 */
export interface Model<S, I, O> {
  init(): S;
  step(state: S, input: I, output: O): S | undefined;
  equal(a: S, b: S): boolean;
  /** Any 32-bit integer; equal states must hash equal. */
  hash(state: S): number;
  describeOp(input: I, output: O): string;
  describeState(state: S): string;
  /** Heap bytes a state holds, roughly, for the memo's size budget (default: 8). */
  stateBytes?(state: S): number;
  /**
   * Optional: a key such that two ops with equal keys step alike from every state (same answer,
   * same next state); `undefined` = never alike. The search then places alike ops in call order
   * only (search.ts, "Alike ops"), which keeps the verdict exact and turns 2^k subsets of k
   * concurrent unknown-outcome writes into k + 1 prefixes.
   */
  opKey?(input: I, output: O): string | undefined;
}

/** An independent piece of a history (P-compositionality), checked with its own model. */
export interface Part<I, O> {
  /** What the part is about, e.g. `key "3"` or a list of paths. */
  readonly label: string;
  readonly ops: readonly Operation<I, O>[];
  readonly model: Model<unknown, I, O>;
}

export type Verdict = 'linearizable' | 'not linearizable' | 'unknown';

export interface CheckOptions {
  /** Wall-clock budget for the whole history (all parts), in ms. Default: no limit. */
  readonly budgetMs?: number;
  /** Deterministic budget: the number of search steps over all parts. Default: no limit. */
  readonly maxSteps?: number;
  /** Estimated bytes the memo cache may hold per part before giving up with `unknown`. */
  readonly maxCacheBytes?: number;
  /** Check the history as one part even if the model could split it. */
  readonly noSplit?: boolean;
  /** Add per-op partial linearizations to an explanation (slower search; for reports). */
  readonly partials?: boolean;
}

/** One op as shown in an explanation (plain data, so an HTML report can draw it). */
export interface ExplainedOp {
  readonly index: number;
  readonly label: string;
  readonly process: string;
  readonly call: number;
  /** null when the op never returned. */
  readonly ret: number | null;
  readonly op: string;
}

export interface Explanation {
  /** The smallest failing part. */
  readonly part: string;
  readonly partOps: number;
  /** The longest order of this part's ops that the model accepted (a partial linearization). */
  readonly linearized: readonly (ExplainedOp & { readonly stateAfter: string })[];
  readonly stateBefore: string;
  /** The op that had to be placed next (its return precedes every op still pending) but could
   *  not be, in any order together with the ops concurrent with it. */
  readonly blocking: ExplainedOp;
  /** Ops still pending that were invoked before the blocking op returned: the candidates tried. */
  readonly candidates: readonly ExplainedOp[];
  /** Every op of the part, for a timeline drawing. */
  readonly ops: readonly ExplainedOp[];
  /** With `partials`: distinct accepted orders (as history indices, like `ExplainedOp.index`) and,
   *  aligned with `ops`, the index of the longest order containing each op (-1: never placed). */
  readonly partialOrders?: readonly (readonly number[])[];
  readonly partialOf?: readonly number[];
}

export interface PartReport {
  readonly label: string;
  readonly ops: number;
  readonly verdict: Verdict;
  readonly steps: number;
  readonly cacheEntries: number;
  /** Why the answer is `unknown`. */
  readonly reason?: string;
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly ops: number;
  readonly parts: readonly PartReport[];
  readonly steps: number;
  /** Present when the verdict is `not linearizable`. */
  readonly explanation?: Explanation;
  /** Present when the verdict is `unknown`. */
  readonly reason?: string;
  /** What the parser ignored (nemesis ops) or, under `lenient`, skipped (set by the registry). */
  readonly input?: InputNotes;
}
