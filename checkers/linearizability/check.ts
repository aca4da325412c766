/**
 * Checks a whole history: split it into independent parts where the spec says that is sound
 * (P-compositionality: the history is linearizable iff every part is), check the smallest part
 * first, stop at the first part that is not linearizable, and explain that part.
 */
import { getHeapStatistics } from 'node:v8';
import { searchPart } from './search.ts';
import type { SearchOutcome } from './search.ts';
import type { CheckOptions, CheckResult, ExplainedOp, Explanation, Operation, Part, PartReport } from './types.ts';

/** What the checker needs to know about one model: how to check a history whole or split. */
export interface CheckerSpec<I, O> {
  /** The history as one part (used with `noSplit`, and when `split` is absent). */
  whole(ops: readonly Operation<I, O>[]): Part<I, O>;
  /** Independent parts; only where splitting is sound for this model. */
  split?(ops: readonly Operation<I, O>[]): Part<I, O>[];
}

/** 2 GiB, or half of what the V8 heap may grow to if that is less: answer `unknown` before the
 *  process runs out of memory. (The memo's tables are typed arrays, outside the V8 heap; its
 *  states are inside.) */
export const DEFAULT_MAX_CACHE_BYTES = Math.min(2 * 2 ** 30, getHeapStatistics().heap_size_limit / 2);

const mib = (bytes: number): string =>
  bytes < 2 ** 20 ? `${Math.round(bytes / 2 ** 10)} KiB` : `${Math.round(bytes / 2 ** 20)} MiB`;

export function checkHistory<I, O>(
  spec: CheckerSpec<I, O>,
  ops: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const parts = options.noSplit || !spec.split ? [spec.whole(ops)] : spec.split(ops);
  // Smallest part first: a cheap failing part ends the check before an expensive one starts.
  const order = parts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.ops.length - b.p.ops.length || a.i - b.i)
    .map((x) => x.p);
  const deadline = options.budgetMs === undefined ? Infinity : performance.now() + options.budgetMs;
  const maxCacheBytes = options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES;
  let stepsLeft = options.maxSteps ?? Infinity;
  const names = {
    time: `${options.budgetMs} ms`,
    steps: `${options.maxSteps} steps`,
    memory: `${mib(maxCacheBytes)} per part`,
  };
  let steps = 0;
  const reports: PartReport[] = [];
  let unknownReason: string | undefined;
  for (const part of order) {
    const out = searchPart(part.model, part.ops, {
      deadline,
      maxSteps: stepsLeft,
      maxCacheBytes,
      names,
      ...(options.partials ? { partials: true } : {}),
    });
    steps += out.steps;
    stepsLeft -= out.steps;
    reports.push({
      label: part.label,
      ops: part.ops.length,
      verdict: out.verdict,
      steps: out.steps,
      cacheEntries: out.cacheEntries,
      ...(out.reason !== undefined ? { reason: out.reason } : {}),
    });
    if (out.verdict === 'not linearizable') {
      return { verdict: 'not linearizable', ops: ops.length, parts: reports, steps, explanation: explain(part, out) };
    }
    if (out.verdict === 'unknown') {
      unknownReason ??= `${out.reason ?? 'budget exhausted'} in part ${part.label}`;
      // A budget that is spent stays spent: stop. A later part could still fail, but we cannot
      // afford to look.
      if (stepsLeft <= 0 || performance.now() > deadline || out.reason?.startsWith('memory')) break;
    }
  }
  if (unknownReason !== undefined) return { verdict: 'unknown', ops: ops.length, parts: reports, steps, reason: unknownReason };
  return { verdict: 'linearizable', ops: ops.length, parts: reports, steps };
}

function explainOp<I, O>(part: Part<I, O>, i: number): ExplainedOp {
  const o = part.ops[i]!;
  return {
    index: o.index,
    label: o.label,
    process: o.process,
    call: o.call,
    ret: Number.isFinite(o.ret) ? o.ret : null,
    op: part.model.describeOp(o.input, o.output),
  };
}

function explain<I, O>(part: Part<I, O>, out: SearchOutcome<unknown>): Explanation {
  const model = part.model;
  const linearized = out.longest.map((i, k) => ({
    ...explainOp(part, i),
    stateAfter: model.describeState(out.longestStates[k]),
  }));
  const stateBefore =
    out.longestStates.length > 0
      ? model.describeState(out.longestStates[out.longestStates.length - 1])
      : model.describeState(model.init());
  const blockingIdx = out.blocking;
  const done = new Set(out.longest);
  const blockingRet = blockingIdx >= 0 ? part.ops[blockingIdx]!.ret : Infinity;
  const candidates: ExplainedOp[] = [];
  part.ops.forEach((o, i) => {
    if (!done.has(i) && o.call <= blockingRet) candidates.push(explainOp(part, i));
  });
  return {
    part: part.label,
    partOps: part.ops.length,
    linearized,
    stateBefore,
    blocking: explainOp(part, blockingIdx),
    candidates,
    ops: part.ops.map((_, i) => explainOp(part, i)),
    ...(out.partials
      ? {
          partialOrders: out.partials.orders.map((order) => order.map((i) => part.ops[i]!.index)),
          partialOf: out.partials.of,
        }
      : {}),
  };
}
