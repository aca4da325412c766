/**
 * The search for one part: Wing & Gong's backtracking over the entry list with Lowe's memoization
 * (the pair (set of linearized ops, model state) is explored at most once), the algorithm that
 * Porcupine implements. Own code; the data layout is chosen for Node:
 * - the set of linearized ops is a bitset over a Uint32Array (bit = the op's rank in call order)
 *   with an incremental Zobrist hash, and the bounds of its interesting window (memo.ts),
 * - the memo (memo.ts) is a flat-array hash table of (window of the bitset, state); a copy is made
 *   only when a pair is new (a cache hit allocates nothing),
 * - the call stack is preallocated, and the longest order seen is kept up to date by copying
 *   only the part of the stack that changed since the last copy (each push is copied at most
 *   once: O(1) amortized per step, never O(depth)).
 * Budgets (steps, wall clock, memo bytes) end the search with `unknown` instead of exhausting
 * memory or time, and say which one ran out.
 */
import { buildEntries, lift, unlift } from './entries.ts';
import { MemoTable } from './memo.ts';
import type { Model, Operation } from './types.ts';

export interface SearchBudget {
  /** performance.now() value after which the search gives up (Infinity: never). */
  readonly deadline: number;
  /** Steps left for this search (Infinity: no limit). */
  readonly maxSteps: number;
  readonly maxCacheBytes: number;
  /** How each budget is shown in an `unknown`'s reason (e.g. its size: "60000 ms"). */
  readonly names?: { readonly time: string; readonly steps: string; readonly memory: string };
  /** Record, for every op, the longest accepted order that contains it (costs O(depth) per
   *  backtrack, so only when asked). */
  readonly partials?: boolean;
}

/** Per-op longest accepted orders: `orders` holds distinct orders (op indices), `of[op]` the
 *  index into `orders` of the longest one containing `op` (-1: the op was never placed). */
export interface Partials {
  readonly orders: readonly (readonly number[])[];
  readonly of: readonly number[];
}

export interface SearchOutcome<S> {
  readonly verdict: 'linearizable' | 'not linearizable' | 'unknown';
  readonly reason?: string;
  readonly steps: number;
  readonly cacheEntries: number;
  /** Ops (indices into the part) of the longest accepted order, with the state after each. */
  readonly longest: readonly number[];
  readonly longestStates: readonly S[];
  /** The op whose return was reached with the longest order in place; -1 if none. */
  readonly blocking: number;
  readonly partials?: Partials;
}

/** A fixed 32-bit pseudo-random value per op (splitmix-style mixing of the index). */
function zobrist(i: number): number {
  let z = Math.imul(i + 1, 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/**
 * Alike ops (equal `model.opKey`: they step alike from every state) are interchangeable in an
 * order when one, A, is invoked no later and returns no later than the other, B: swapping their
 * places keeps every real-time constraint (A moves earlier than B's place, which B's own call
 * already allowed and A's earlier call allows too; B moves later, and nothing had to follow B
 * that did not already follow A's later place, since A returns no later) and gives the same
 * states. So if any order exists, one exists where A comes before B, and the search only tries
 * B once A is placed. Per key, ops sorted by (call, return, index) form chains: B's predecessor
 * is the op just before it if that one returns no later (otherwise B has none). The typical
 * case is k writes with an unknown outcome (ConnectionLoss), identical and all returning at +∞:
 * instead of every subset of them (2^k sets for the memo) the search sees only prefixes (k + 1).
 * Answers, per op, the bit rank of its predecessor, or -1.
 */
function alikePredecessors<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], rank: Int32Array): Int32Array {
  const pred = new Int32Array(ops.length).fill(-1);
  if (model.opKey === undefined) return pred;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < ops.length; i++) {
    const k = model.opKey(ops[i]!.input, ops[i]!.output);
    if (k === undefined) continue;
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push(i);
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => ops[a]!.call - ops[b]!.call || (ops[a]!.ret === ops[b]!.ret ? a - b : ops[a]!.ret < ops[b]!.ret ? -1 : 1));
    for (let j = 1; j < g.length; j++) {
      const a = g[j - 1]!;
      const b = g[j]!;
      if (ops[a]!.ret <= ops[b]!.ret) pred[b] = rank[a]!;
    }
  }
  return pred;
}

const TIME_CHECK_MASK = 0x3ff;

const FULL = 0xffffffff;

export function searchPart<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  budget: SearchBudget,
): SearchOutcome<S> {
  const n = ops.length;
  const list = buildEntries(ops as readonly Operation<unknown, unknown>[]);
  const { next, match, op: opOf, head } = list;
  const inputs = ops.map((o) => o.input);
  const outputs = ops.map((o) => o.output);
  // Bit of op o: its rank in call order, so that the linearized set is a run of ones plus a
  // narrow window (memo.ts); ops that never return are numbered last, from a word boundary on
  // (the memo's tail), so that they do not hold the window open.
  const rank = new Int32Array(n);
  let finite = 0;
  {
    const byCall = Array.from({ length: n }, (_, i) => i).sort((a, b) => ops[a]!.call - ops[b]!.call || a - b);
    for (const i of byCall) if (Number.isFinite(ops[i]!.ret)) rank[i] = finite++;
    let r = ((finite + 31) >>> 5) << 5;
    for (const i of byCall) if (!Number.isFinite(ops[i]!.ret)) rank[i] = r++;
  }
  const finWords = (finite + 31) >>> 5;
  const predRank = alikePredecessors(model, ops, rank);
  const zob = new Int32Array(n);
  for (let i = 0; i < n; i++) zob[i] = zobrist(rank[i]!);

  const words = finWords + ((n - finite + 31) >>> 5);
  const bits = new Uint32Array(words);
  let bitsHash = 0;
  // Over the words of returning ops: lo, the first that is not all ones; hi, one past the last
  // non-zero one (>= lo).
  let lo = 0;
  let hi = 0;
  const memo = new MemoTable<S>(model.equal, model.stateBytes, finWords, words);

  const stackEntry = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;
  let state = model.init();

  // The longest order so far: longestOps[0..maxDepth), agreeing with the stack on [0..agree).
  let maxDepth = 0;
  let agree = 0;
  const longestOps = new Int32Array(n);
  const longestStates: S[] = new Array<S>(n);
  let blockingPending = true; // the empty prefix counts as "longest so far"
  let blocking = -1;

  const partialOf = budget.partials ? new Int32Array(n).fill(-1) : undefined;
  const partialLen = budget.partials ? new Int32Array(n) : undefined;
  const partialOrders: number[][] = [];

  let steps = 0;
  const stepLimit = budget.maxSteps;
  const deadline = budget.deadline;
  const checkTime = Number.isFinite(deadline);
  const names = budget.names ?? { time: 'deadline', steps: `${stepLimit} steps`, memory: `${budget.maxCacheBytes} bytes` };

  let verdict: SearchOutcome<S>['verdict'] = 'linearizable';
  let reason: string | undefined;

  let entry = next[head]!;
  while (next[head]! !== -1) {
    steps++;
    if (steps > stepLimit) {
      verdict = 'unknown';
      reason = `step budget exhausted (${names.steps})`;
      break;
    }
    if (checkTime && (steps & TIME_CHECK_MASK) === 0 && performance.now() > deadline) {
      verdict = 'unknown';
      reason = `time budget exhausted (${names.time})`;
      break;
    }
    const ret = match[entry]!;
    if (ret !== -1) {
      // A call entry: try to linearize its op now.
      const o = opOf[entry]!;
      // Alike ops go in call order: o waits for its predecessor (see alikePredecessors).
      const pr = predRank[o]!;
      if (pr >= 0 && (bits[pr >>> 5]! & (1 << (pr & 31))) === 0) {
        entry = next[entry]!;
        continue;
      }
      const newState = model.step(state, inputs[o]!, outputs[o]!);
      if (newState !== undefined) {
        // Add o to the set (inline: closures over lo/hi would slow every step).
        const r = rank[o]!;
        const w = r >>> 5;
        const v = (bits[w]! | (1 << (r & 31))) >>> 0;
        bits[w] = v;
        const oldLo = lo;
        const oldHi = hi;
        if (w < finWords) {
          if (w >= hi) hi = w + 1;
          if (w === lo && v === FULL) {
            while (lo < finWords && bits[lo] === FULL) lo++;
            if (hi < lo) hi = lo;
          }
        }
        const h = bitsHash ^ zob[o]!;
        const key = (h ^ Math.imul(model.hash(newState), 0x2c1b3c6d)) | 0;
        if (memo.add(key, bits, lo, hi, newState)) {
          if ((memo.size & 0xff) === 0 && memo.bytes() > budget.maxCacheBytes) {
            bits[w] = (v & ~(1 << (r & 31))) >>> 0;
            lo = oldLo;
            hi = oldHi;
            verdict = 'unknown';
            reason = `memory budget exhausted (${names.memory})`;
            break;
          }
          stackEntry[depth] = entry;
          stackState[depth] = state;
          depth++;
          bitsHash = h;
          state = newState;
          lift(list, entry);
          if (depth > maxDepth) {
            for (let k = agree; k < depth; k++) {
              longestOps[k] = opOf[stackEntry[k]!]!;
              longestStates[k] = k + 1 < depth ? stackState[k + 1]! : state;
            }
            agree = depth;
            maxDepth = depth;
            blockingPending = true;
          }
          entry = next[head]!;
          continue;
        }
        // Not new: take o out again (the set is as before).
        bits[w] = (v & ~(1 << (r & 31))) >>> 0;
        lo = oldLo;
        hi = oldHi;
      }
      entry = next[entry]!;
    } else {
      // A return entry: its op had to be linearized by now. Backtrack.
      if (partialOf !== undefined && depth > 0) {
        let order = -1;
        for (let k = 0; k < depth; k++) {
          const o = opOf[stackEntry[k]!]!;
          if (depth <= partialLen![o]!) continue;
          if (order < 0) {
            order = partialOrders.length;
            const seq = new Array<number>(depth);
            for (let j = 0; j < depth; j++) seq[j] = opOf[stackEntry[j]!]!;
            partialOrders.push(seq);
          }
          partialOf[o] = order;
          partialLen![o] = depth;
        }
      }
      if (blockingPending) {
        blocking = opOf[entry]!;
        blockingPending = false;
      }
      if (depth === 0) {
        verdict = 'not linearizable';
        break;
      }
      depth--;
      if (agree > depth) agree = depth;
      const e = stackEntry[depth]!;
      const o = opOf[e]!;
      state = stackState[depth]!;
      stackState[depth] = undefined as S; // let the state be collected
      {
        // Take o out of the set.
        const r = rank[o]!;
        const w = r >>> 5;
        const v = bits[w]! & ~(1 << (r & 31));
        bits[w] = v;
        if (w < finWords) {
          if (w < lo) lo = w;
          if (v === 0 && w === hi - 1) {
            while (hi > lo && bits[hi - 1] === 0) hi--;
          }
        }
      }
      bitsHash ^= zob[o]!;
      unlift(list, e);
      entry = next[e]!;
    }
  }
  if (verdict === 'linearizable' && partialOf !== undefined) {
    const seq = Array.from(stackEntry.subarray(0, depth), (e) => opOf[e]!);
    partialOrders.push(seq);
    partialOf.fill(partialOrders.length - 1);
  }
  return {
    verdict,
    ...(reason !== undefined ? { reason } : {}),
    steps,
    cacheEntries: memo.size,
    longest: Array.from(longestOps.subarray(0, maxDepth)),
    longestStates: longestStates.slice(0, maxDepth),
    blocking,
    ...(partialOf !== undefined ? { partials: { orders: partialOrders, of: [...partialOf] } } : {}),
  };
}
