/**
 * fast-check arbitraries for generated runs: ensembles (3/5/7 voters, 0–2 observers, timing),
 * fault schedules over every kernel fault (episodes, see case.ts) and recipe workloads.
 *
 * Sizes are chosen so a run costs well under a second of CPU (the CI property test runs hundreds):
 * short fault windows, a few clients, a handful of rounds. Shrinking drops episodes and workload
 * clients, lowers rounds and times, and moves towards 3 servers / no observers.
 */
import fc from 'fast-check';
import { EPISODES, makeCase, RECIPES, type Case, type EnsembleSpec, type Episode, type EpisodeKind, type FaultPointsSpec, type PctSpec, type WorkloadItem } from './case.ts';
import type { BugFlags } from '../protocol/config.ts';

export interface CaseShape {
  /** Most fault episodes in a schedule. */
  readonly maxEpisodes: number;
  /** Most workload clients. */
  readonly maxClients: number;
  /** Fault window bounds (ms). */
  readonly minWindowMs: number;
  readonly maxWindowMs: number;
  /** Allowed voter counts, first = what shrinking moves towards. */
  readonly servers: readonly number[];
  /** Election-focused runs: no workload (equal zxids across epochs, where vote-order bugs such as
   *  ZOOKEEPER-1419 show) and only crash/pause/partition/isolate episodes. */
  readonly electionOnly?: boolean;
  /** Swarm runs: each case first draws its own mix (see `swarmCaseArb`). */
  readonly swarm?: boolean;
}

/** The shape of election-focused runs. */
export const ELECTION_SHAPE: CaseShape = { maxEpisodes: 10, maxClients: 1, minWindowMs: 5_000, maxWindowMs: 30_000, servers: [3, 5], electionOnly: true };

const ELECTION_KINDS = ['crash', 'pause', 'partition', 'isolate', 'deafLeader'] as const;

export const DEFAULT_SHAPE: CaseShape = { maxEpisodes: 12, maxClients: 6, minWindowMs: 3_000, maxWindowMs: 30_000, servers: [3, 5, 7] };

/** Swarm runs: ensembles of 3–7 voters (even sizes too: `>=` vs `>` quorum slips show only there),
 *  up to 16 episodes drawn from the run's own subset of fault kinds, targeted crashes included. */
export const SWARM_SHAPE: CaseShape = { maxEpisodes: 16, maxClients: 6, minWindowMs: 3_000, maxWindowMs: 30_000, servers: [3, 4, 5, 6, 7], swarm: true };

/** The episode kinds of default runs: every kernel fault (targeted `crashAfter`, `window` and
 *  `deafLeader` are swarm-only, so the default runs of a seed stay what they were). */
export const DEFAULT_KINDS: readonly EpisodeKind[] = EPISODES.filter((k) => k !== 'crashAfter' && k !== 'window' && k !== 'deafLeader');

export function ensembleArb(shape: CaseShape = DEFAULT_SHAPE): fc.Arbitrary<EnsembleSpec> {
  const weights = [6, 3, 1];
  const servers = fc.oneof(...shape.servers.map((n, i) => ({ arbitrary: fc.constant(n), weight: weights[i] ?? 1 })));
  return fc
    .record({
      servers,
      observers: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 1 }),
      tickTime: fc.constantFrom(200, 500, 1000, 2000),
      sessionTicks: fc.integer({ min: 2, max: 10 }),
    })
    .map(({ servers: s, observers, tickTime, sessionTicks }) => ({ servers: s, observers, tickTime, sessionTimeoutMs: sessionTicks * tickTime }));
}

/** Kind weights: node and partition faults most, link-misbehaviour windows (which break TCP-like
 *  connections in this model) and clock faults less. */
const KIND_WEIGHT: Readonly<Record<(typeof EPISODES)[number], number>> = {
  crash: 4, pause: 3, partition: 3, isolate: 3, oneWay: 2, clog: 2,
  loss: 1, dup: 1, reorder: 1, delay: 1, skew: 1, jump: 1, slowDisk: 1, crashAfter: 4, window: 4, deafLeader: 2,
};

export function episodeArb(nodes: number, windowMs: number, kinds: readonly EpisodeKind[] = DEFAULT_KINDS): fc.Arbitrary<Episode> {
  return fc.record({
    kind: fc.oneof(...kinds.map((k) => ({ arbitrary: fc.constant(k), weight: KIND_WEIGHT[k] }))),
    atMs: fc.integer({ min: 0, max: Math.max(0, windowMs - 1) }),
    forMs: fc.integer({ min: 1, max: Math.max(1, windowMs) }),
    a: fc.integer({ min: 0, max: nodes - 1 }),
    b: fc.integer({ min: 0, max: 2 ** nodes - 1 }),
    x: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => Math.round(x * 1000) / 1000),
  });
}

export function workloadArb(maxClients: number, windowMs: number): fc.Arbitrary<WorkloadItem[]> {
  return fc.array(
    fc.record({
      recipe: fc.constantFrom(...RECIPES),
      startMs: fc.integer({ min: 0, max: Math.floor(windowMs / 3) }),
      rounds: fc.integer({ min: 1, max: 40 }),
      gapMs: fc.integer({ min: 0, max: Math.floor(windowMs / 10) }),
    }),
    { minLength: 1, maxLength: maxClients },
  );
}

/**
 * BUGGIFY-style fault points (case.ts FaultPointsSpec): half of the runs have none; the others enable
 * a share of the points and fire rarely or often. Shrinks to none.
 */
export function faultPointsArb(): fc.Arbitrary<FaultPointsSpec | undefined> {
  return fc.option(
    fc.record({
      enableP: fc.constantFrom(0.1, 0.25, 0.5),
      fireP: fc.constantFrom(0.02, 0.1, 0.5),
      restartAfterMs: fc.integer({ min: 50, max: 3_000 }),
    }),
    { nil: undefined, freq: 2 },
  );
}

/**
 * PCT delivery order (case.ts PctSpec, sim/pct.ts): half of the swarm and election-focused runs,
 * bug depth 1–3. Shrinks to none (plain latencies).
 */
export function pctArb(): fc.Arbitrary<PctSpec | undefined> {
  return fc.option(fc.record({ depth: fc.integer({ min: 1, max: 3 }) }), { nil: undefined, freq: 2 });
}

/**
 * A whole generated run. `bugs` plants historical bugs in every case. No `chain`: episode times are
 * drawn against the largest window (those past the case's window are dropped) and node indices are
 * taken modulo the node count, so every field shrinks on its own. The seed does not shrink (another
 * seed is another run, not a simpler one).
 */
export function caseArb(shape: CaseShape = DEFAULT_SHAPE, bugs?: BugFlags): fc.Arbitrary<Case> {
  if (shape.swarm) return swarmCaseArb(shape, bugs);
  const maxNodes = Math.max(...shape.servers) + 2 + shape.maxClients;
  return fc
    .record({
      faults: fc.array(episodeArb(maxNodes, shape.maxWindowMs, shape.electionOnly ? ELECTION_KINDS : DEFAULT_KINDS), { maxLength: shape.maxEpisodes }),
      workload: shape.electionOnly ? fc.constant([] as WorkloadItem[]) : workloadArb(shape.maxClients, shape.maxWindowMs),
      ensemble: ensembleArb(shape),
      windowMs: fc.integer({ min: shape.minWindowMs, max: shape.maxWindowMs }),
      seed: fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
      // Drawn last, so the other fields of a seed's case are what they were before fault points.
      faultPoints: faultPointsArb(),
      // Election-focused runs draw PCT after that (default runs draw nothing: unchanged).
      pct: shape.electionOnly ? pctArb() : fc.constant(undefined),
    })
    .map(({ seed, ensemble, windowMs, faults, workload, faultPoints, pct }): Case =>
      makeCase({ seed, ensemble, windowMs, faults, workload, bugs, faultPoints, pct }),
    );
}

/** What a swarm run draws before anything else: its own mix of options. */
export interface SwarmMix {
  /** The fault kinds switched on in this run (the others never occur in it). */
  readonly kinds: readonly EpisodeKind[];
  readonly maxEpisodes: number;
  readonly servers: number;
  readonly maxObservers: number;
  readonly clients: number;
  readonly tickTime: number;
}

const SERVER_WEIGHTS: Readonly<Record<number, number>> = { 3: 4, 4: 2, 5: 2, 6: 1, 7: 1 };

export function swarmMixArb(shape: CaseShape): fc.Arbitrary<SwarmMix> {
  return fc.record({
    kinds: fc.subarray([...EPISODES], { minLength: 1 }),
    maxEpisodes: fc.integer({ min: 1, max: shape.maxEpisodes }),
    servers: fc.oneof(...shape.servers.map((n) => ({ arbitrary: fc.constant(n), weight: SERVER_WEIGHTS[n] ?? 1 }))),
    maxObservers: fc.integer({ min: 0, max: 2 }),
    clients: fc.integer({ min: 1, max: shape.maxClients }),
    tickTime: fc.constantFrom(200, 500, 1000, 2000),
  });
}

/**
 * Swarm runs (swarm testing, as in TigerBeetle's VOPR): a run first draws its mix — which fault
 * kinds are on at all, how many episodes, ensemble size (3–7 voters, even sizes too), tick, client
 * count — then a schedule and workload within that mix. Different runs stress different corners
 * instead of every run diluting every fault. Everything drawn is in the case (`describeCase`).
 */
export function swarmCaseArb(shape: CaseShape, bugs?: BugFlags): fc.Arbitrary<Case> {
  const maxNodes = Math.max(...shape.servers) + 2 + shape.maxClients;
  return swarmMixArb(shape).chain((mix) =>
    fc
      .record({
        faults: fc.array(episodeArb(maxNodes, shape.maxWindowMs, mix.kinds), { minLength: 1, maxLength: mix.maxEpisodes }),
        workload: workloadArb(mix.clients, shape.maxWindowMs),
        observers: fc.integer({ min: 0, max: mix.maxObservers }),
        sessionTicks: fc.integer({ min: 2, max: 10 }),
        windowMs: fc.integer({ min: shape.minWindowMs, max: shape.maxWindowMs }),
        hold: fc.boolean(),
        seed: fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        // Drawn last (earlier fields of a seed keep their draws): clients move between servers.
        hop: fc.boolean(),
        // One lagging server in half the runs, its lag 10–70 % of a client's connect timeout
        // (the session timeout over the server count; laggard.ts).
        lag: fc.option(fc.record({ node: fc.nat({ max: 8 }), pct: fc.integer({ min: 10, max: 70 }) }), { nil: undefined, freq: 2 }),
        // 0–3 crashes of whoever leads at the time (leader-crash.ts): leader changes with live sessions.
        leaderCrash: fc.array(fc.record({ atPct: fc.integer({ min: 5, max: 95 }), forMs: fc.integer({ min: 1, max: 10_000 }) }), { maxLength: 3 }),
        // Drawn after those: PCT delivery order (sim/pct.ts).
        pct: pctArb(),
        // Drawn last (after PCT; issue #15: pipelined clients): half the runs keep one request
        // outstanding per client; the others pipeline 2–8 (actor.ts), sometimes ending with a
        // closeSession behind them. Shrinks to none.
        pipeline: fc.option(fc.record({ depth: fc.integer({ min: 2, max: 8 }), close: fc.boolean() }), { nil: undefined, freq: 2 }),
        // Drawn after those (contract v2, disk): one server with I/O errors in 1 run of 16; autopurge
        // with a low snapCount in 1 run of 16 (rare: the other runs keep what they were). Both
        // shrink to none.
        diskErrors: rarely(fc.record({ node: fc.nat({ max: 8 }), p: fc.constantFrom(0.01, 0.05, 0.2) })),
        autopurge: rarely(fc.record({ intervalMs: fc.integer({ min: 200, max: 5_000 }), snapCount: fc.integer({ min: 4, max: 200 }) })),
      })
      .map(({ seed, observers, sessionTicks, windowMs, hold, faults, workload, hop, lag, leaderCrash, pct, pipeline, diskErrors, autopurge }): Case =>
        makeCase({
          seed,
          ensemble: { servers: mix.servers, observers, tickTime: mix.tickTime, sessionTimeoutMs: sessionTicks * mix.tickTime },
          windowMs,
          faults,
          workload,
          bugs,
          // Half the runs go on past the probe for as long as TimelyExpiry's deadline (the session
          // timeout + the election bound after the heal, + its slack) needs.
          holdMs: hold ? 60_000 + 20 * mix.tickTime + 10_000 + sessionTicks * mix.tickTime + 5_000 : undefined,
          hop,
          leaderCrash: leaderCrash.map((k) => ({ atMs: Math.floor((k.atPct * windowMs) / 100), forMs: k.forMs })),
          lag: lag === undefined ? undefined : { node: lag.node, ms: Math.round(((lag.pct / 100) * sessionTicks * mix.tickTime) / (mix.servers + observers)) },
          pct,
          pipeline,
          diskErrors,
          autopurge,
        }),
      ),
  );
}

/** `arb` in 1 run of 16, else undefined (what shrinking moves towards). */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 15 }, { arbitrary: arb, weight: 1 });
}

/** The shape of explore's runs: election-focused, swarm, or default. */
export function shapeOf(o: { readonly electionOnly?: boolean; readonly swarm?: boolean }): CaseShape {
  return o.electionOnly ? ELECTION_SHAPE : o.swarm ? SWARM_SHAPE : DEFAULT_SHAPE;
}
