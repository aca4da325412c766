/**
 * One generated run: case → simulated ensemble (`ensemble/` Ensemble on the kernel) with the
 * case's fault schedule and recipe workload → at `windowMs` heal everything (liveness phase) and
 * have a probe client write → every checker on the trace.
 *
 * The run stops as soon as the probe's write is acknowledged (or at the liveness bound), so a
 * healthy run is short; the Liveness checker then demands an established leader and a commit
 * within the bound after the heal.
 */
import { runAll, SAFETY, type CheckResult } from '../checkers/index.ts';
import { quorumConfig } from '../protocol/config.ts';
import { Err } from '../protocol/request/errors.ts';
import { Ensemble } from '../ensemble/ensemble.ts';
import { zkLane } from '../ensemble/lanes.ts';
import type { Simulation, TraceRecord } from '../sim/index.ts';
import { Actor } from './actor.ts';
import type { Case } from './case.ts';
import { BUDGET } from './outcome.ts';
import { caseFaults, healAll } from './schedule.ts';
import { armTriggers, armWindows, triggerOf, windowOf } from './triggers.ts';
import { laggardFaults } from './laggard.ts';
import { diskErrorFaults } from './disk-errors.ts';
import { scheduleLeaderCrashes } from './leader-crash.ts';
import { armDeafLeaders } from './deaf-leader.ts';
import type { Reply } from './recipes.ts';
import { scheduleFaults } from '../sim/index.ts';

const MS = 1000;

export interface RunResult {
  /** sha256 of the whole trace (the replay identity of the run). */
  readonly hash: string;
  /** Names of the failed checkers (empty = the run passed). */
  readonly failures: readonly string[];
  /** The failed checkers' verdicts (first few violations each). */
  readonly failed: readonly CheckResult[];
  readonly checkers: number;
  readonly healedAtUs: number;
  readonly endUs: number;
  /** When the post-heal probe write was acknowledged (µs), or null. */
  readonly probeAckUs: number | null;
  readonly records: number;
  readonly clientOps: number;
  /** The trace, when asked for (`keepTrace`). */
  readonly trace?: readonly TraceRecord[];
  /** The targeted-crash steps the run reached (`triggers.ts`: `newLeaderAck:fired`, `…:inFsync`,
   *  durability windows `syncEpoch:crash`, `commit:crash`…; empty without such episodes). */
  readonly windows: readonly string[];
  /** Set when the run hit a bound and was cut there (its failures then include `Budget`). */
  readonly budget?: { readonly kind: 'events' | 'records'; readonly limit: number; readonly atUs: number };
}

/** Per-run bounds: a run that processes more kernel events or emits more trace records than this is
 *  cut and ends as a budget failure (a healthy run: 10^3–10^5 of each). The record bound keeps a
 *  run's memory to a few hundred MB; the event bound catches storms that trace little. */
export const RUN_BOUNDS = { maxEvents: 3_000_000, maxRecords: 400_000 } as const;

export interface RunOptions {
  readonly keepTrace?: boolean;
  /** Skip the checkers (benches of the simulation alone). */
  readonly noCheck?: boolean;
  /** Test only: do not heal at the start of the liveness phase (shows the phase can fail). */
  readonly skipHeal?: boolean;
  /** Override RUN_BOUNDS (tests). */
  readonly maxEvents?: number;
  readonly maxRecords?: number;
}

/** The ensemble's initLimit and syncLimit (3.8's defaults: runs do not vary them). */
const LIMITS = quorumConfig([1]);

/** Events run between bound checks (slicing does not change the order of events, nor the hash). */
const SLICE = 20_000;

/** How long after the heal a leader and a committed write must appear (µs). ZooKeeper's election
 *  back-off (maxNotificationInterval 60 s) bounds how late a LOOKING peer notices the heal. */
export function livenessBoundUs(c: Case): number {
  return (60_000 + 20 * c.ensemble.tickTime + 10_000) * MS;
}

/** Node ids of a case: servers (participants then observers), workload clients, the probe client. */
export function caseNodes(c: Case): { servers: string[]; clients: string[]; probe: string } {
  const n = c.ensemble.servers + c.ensemble.observers;
  const servers = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  const clients = c.workload.map((_, i) => `c${i + 1}`);
  return { servers, clients, probe: `c${c.workload.length + 1}` };
}

export function runCase(c: Case, opts: RunOptions = {}): RunResult {
  const e = c.ensemble;
  const { servers: serverIds } = caseNodes(c);
  let simRef: Simulation | undefined;
  const triggers = armTriggers(
    c.faults.filter((f) => f.kind === 'crashAfter').map(triggerOf),
    serverIds,
    c.windowMs * MS,
    () => simRef!,
  );
  const windows = armWindows(
    c.faults.filter((f) => f.kind === 'window').map(windowOf),
    serverIds.slice(0, e.servers),
    c.windowMs * MS,
    () => simRef,
  );
  const deaf = armDeafLeaders(c.faults, serverIds, c.windowMs * MS, () => simRef!);
  const sinks = [triggers?.sink, windows?.sink, deaf].filter((f) => f !== undefined);
  const traceSink = sinks.length <= 1 ? sinks[0] : (r: TraceRecord) => { for (const s of sinks) s(r); };
  const ens = Ensemble.simulate({
    servers: e.servers,
    observers: e.observers,
    clients: c.workload.length + 1,
    seed: c.seed,
    cfg: {
      tickTimeMs: e.tickTime,
      bugs: c.bugs ?? {},
      ...(c.autopurge === undefined ? {} : { snapCount: c.autopurge.snapCount, autopurgeIntervalMs: c.autopurge.intervalMs }),
    },
    client: { sessionTimeoutMs: e.sessionTimeoutMs },
    sim: {
      trace: { hash: true, ...(traceSink ? { sink: traceSink } : {}) },
      ...(c.pct === undefined ? {} : { pct: { depth: c.pct.depth, lane: zkLane } }),
      ...(c.faultPoints === undefined
        ? {}
        : { faultPoints: { buggify: { ...c.faultPoints, untilUs: c.windowMs * MS, maxFires: 3, nodes: caseNodes(c).servers } } }),
    },
  });
  const sim = ens.sim;
  simRef = sim;
  const { servers, clients, probe } = caseNodes(c);
  const faultNodes = [...servers, ...clients];
  const faults = [...laggardFaults(c, servers), ...diskErrorFaults(c, servers), ...caseFaults(c.faults, faultNodes, c.windowMs)];
  scheduleFaults(sim, faults);
  scheduleLeaderCrashes(ens, c);

  const healUs = c.windowMs * MS;
  const actors = c.workload.map((w, i) => {
    const a = new Actor(ens, clients[i]!, {
      recipe: w.recipe,
      rounds: w.rounds,
      gapMs: w.gapMs,
      stopUs: healUs,
      watchdogUs: 4 * e.sessionTimeoutMs * MS,
      sessionTimeoutMs: e.sessionTimeoutMs,
      ...(c.hop ? { hop: true } : {}),
      ...(c.pipeline === undefined ? {} : { pipeline: c.pipeline }),
    });
    a.start(Math.min(w.startMs, c.windowMs) * MS);
    return a;
  });

  // Liveness phase: heal everything, then a fresh client must get a write acknowledged.
  let probeAckUs: number | null = null;
  let finished = false;
  const holdEndUs = (c.windowMs + (c.holdMs ?? 0)) * MS;
  const probeWrite = (): void => {
    ens.request(probe, { op: 'create', path: '/probe', data: 'live' }, (res) => {
      const r = res as Reply;
      if (r.rc === Err.OK || r.rc === Err.NODEEXISTS) {
        probeAckUs = sim.now;
        if (holdEndUs <= sim.now) {
          finished = true;
          sim.stop();
        } else
          sim.at(holdEndUs, () => {
            finished = true;
            sim.stop();
          });
      } else sim.after(100 * MS, probeWrite);
    });
  };
  sim.at(healUs, () => {
    if (!opts.skipHeal) healAll(sim, faultNodes, faults);
    ens.request(probe, { op: 'connect', timeoutMs: e.sessionTimeoutMs }, () => probeWrite());
  });
  const boundUs = livenessBoundUs(c);
  // Without a hold the run ends at the probe's ack or the liveness bound; a hold runs on to its end.
  const endUs = Math.max(healUs + boundUs, holdEndUs);
  const maxEvents = opts.maxEvents ?? RUN_BOUNDS.maxEvents;
  const maxRecords = opts.maxRecords ?? RUN_BOUNDS.maxRecords;
  let budget: RunResult['budget'];
  for (let events = 0; ; ) {
    // Most events emit a record or more: a slice no longer than the records left keeps
    // the overshoot past the record bound to one slice's worth of multi-record events.
    const slice = Math.max(1, Math.min(SLICE, maxEvents - events, maxRecords + 1 - sim.trace.length));
    const n = sim.run({ until: endUs, maxEvents: slice });
    events += n;
    if (finished || sim.now >= endUs || n < slice) break;
    if (sim.trace.length > maxRecords) budget = { kind: 'records', limit: maxRecords, atUs: sim.now };
    else if (events >= maxEvents) budget = { kind: 'events', limit: maxEvents, atUs: sim.now };
    if (budget) break;
  }

  const records = sim.trace.records;
  // A cut run is judged by the safety checkers only (its liveness phase never finished).
  const results = opts.noCheck
    ? []
    : runAll(
        records,
        {
          healedAt: healUs,
          ensembleSize: e.servers,
          livenessBoundUs: boundUs,
          // 3.8's LearnerHandler: initLimit ticks to ack NEWLEADER, syncLimit ticks per later packet.
          learnerJoinBoundUs: (LIMITS.initLimitTicks + LIMITS.syncLimitTicks) * e.tickTime * MS,
          sessionTimeoutMs: e.sessionTimeoutMs,
          maxViolations: 5,
        },
        budget ? Object.keys(SAFETY) : undefined,
      );
  const failed = results.filter((r) => !r.ok);
  if (budget) {
    const message = `run cut at ${budget.limit} ${budget.kind} (t=${(budget.atUs / 1e6).toFixed(3)} s virtual)`;
    failed.push({ name: BUDGET, ok: false, violations: [{ t: budget.atUs, message, records: [] }] });
  }
  return {
    ...(budget ? { budget } : {}),
    hash: sim.trace.sha256(),
    failures: failed.map((r) => r.name),
    failed,
    checkers: results.length,
    healedAtUs: healUs,
    endUs: sim.now,
    probeAckUs,
    records: records.length,
    clientOps: actors.reduce((s, a) => s + a.ops, 0),
    windows: [...(triggers?.fired ?? []), ...(windows?.fired ?? [])],
    ...(opts.keepTrace ? { trace: records } : {}),
  };
}
