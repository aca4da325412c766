/**
 * The scenario shape: a small, declarative description of a run that `npm run sim` (cli/sim.ts) and
 * tests can execute. It is meant to grow (ZooKeeper ensembles, client workloads, HTML timelines):
 * add optional fields, keep old ones meaning the same thing.
 */
import type { NodeFactory, NodeId } from '../protocol/contract.ts';
import type { DiskConfig } from './disk.ts';
import { scheduleFaults, type TimedFault } from './faults.ts';
import type { LinkConfig } from './network.ts';
import type { Rng } from './rng.ts';
import { Simulation, type SimulationOptions } from './simulation.ts';
import type { Micros } from './time.ts';
import type { TraceOptions } from './trace.ts';

export interface Expectation {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Set (to a one-line explanation) when the scenario does not run ZooKeeper; the CLI prints it. */
  readonly demo?: string;
  /** Seed used when the caller gives none. */
  readonly seed?: number;
  /** Nodes booted at t = 0, in this order. */
  readonly nodes: readonly NodeId[];
  readonly factory: NodeFactory;
  /** The ensemble's address book, for the trace header (`SimulationOptions.servers`). */
  readonly servers?: SimulationOptions['servers'];
  readonly link?: Partial<LinkConfig>;
  readonly disk?: Partial<DiskConfig>;
  /** Timed faults, or a generator drawing from the run's `faults` stream. */
  readonly faults?: readonly TimedFault[] | ((rng: Rng, nodes: readonly NodeId[]) => readonly TimedFault[]);
  /** Workloads, listeners, extra timed actions: called once before the run starts. */
  readonly setup?: (sim: Simulation) => void;
  /** How long to run (virtual µs). */
  readonly durationUs: Micros;
  /** Safety net against runaway event loops (default 50 million). */
  readonly maxEvents?: number;
  /** Judged after the run. */
  readonly expect?: (sim: Simulation) => readonly Expectation[];
  /**
   * Called at the start of every run, before any node boots: a scenario whose factory/setup/expect
   * share per-run state (scenarios/lib/define.ts) resets it here, so one scenario object can run
   * many seeds.
   */
  readonly begin?: () => void;
  /**
   * How the trace checkers (checkers/index.ts, run by `npm run sim` and scenarios.test.ts) should
   * judge this run. Absent: safety checkers only. Kept as plain data so sim/ does not depend on
   * checkers/.
   */
  readonly check?: ScenarioCheck;
}

export interface ScenarioCheck {
  /** Voting members (election checks then demand a majority of votes). */
  readonly ensembleSize?: number;
  /** When the last fault was undone (µs): turns on the timed checkers (Liveness, TimelyExpiry). */
  readonly healedAtUs?: Micros;
  /** Liveness: demand a committed write after `healedAtUs` (default true). */
  readonly livenessNeedsWrite?: boolean;
  /** Default client session timeout (ms) for the expiry checker. */
  readonly sessionTimeoutMs?: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly sim: Simulation;
  readonly events: number;
  /** Virtual time at the end (µs). */
  readonly endUs: Micros;
  readonly sha256: string;
  readonly expectations: readonly Expectation[];
  /** True when every expectation holds and the run did not hit maxEvents. */
  readonly ok: boolean;
  readonly hitEventLimit: boolean;
}

/** Identity, for type checking a scenario module's default export. */
export function defineScenario(s: Scenario): Scenario {
  return s;
}

/** Shape check for a dynamically loaded module's default export; returns a reason or null. */
export function scenarioProblem(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'default export is not a scenario object';
  const s = x as Record<string, unknown>;
  if (typeof s['name'] !== 'string') return 'scenario has no string `name`';
  if (!Array.isArray(s['nodes'])) return 'scenario has no `nodes` array';
  if (typeof s['factory'] !== 'function') return 'scenario has no `factory` function';
  if (typeof s['durationUs'] !== 'number' || !(s['durationUs'] >= 0)) return 'scenario has no valid `durationUs`';
  return null;
}

export function runScenario(
  scenario: Scenario,
  opts: {
    readonly seed?: number;
    readonly trace?: TraceOptions;
    /** Called after each of 50 slices of the run (for progress displays); does not alter the run. */
    readonly onProgress?: (nowUs: Micros, endUs: Micros, events: number) => void;
  } = {},
): ScenarioResult {
  const seed = opts.seed ?? scenario.seed ?? 1;
  scenario.begin?.();
  const sim = new Simulation({
    seed,
    nodes: scenario.nodes,
    factory: scenario.factory,
    ...(scenario.servers === undefined ? {} : { servers: scenario.servers }),
    ...(scenario.link === undefined ? {} : { link: scenario.link }),
    ...(scenario.disk === undefined ? {} : { disk: scenario.disk }),
    ...(opts.trace === undefined ? {} : { trace: opts.trace }),
  });
  const faults =
    typeof scenario.faults === 'function' ? scenario.faults(sim.rng.stream('faults'), scenario.nodes) : scenario.faults;
  if (faults !== undefined) scheduleFaults(sim, faults);
  scenario.setup?.(sim);
  const maxEvents = scenario.maxEvents ?? 50_000_000;
  let events = 0;
  if (opts.onProgress === undefined) {
    events = sim.run({ until: scenario.durationUs, maxEvents });
  } else {
    // Slices change nothing but when the caller hears about it: run(until) stops exactly there.
    const slices = 50;
    for (let i = 1; i <= slices && events < maxEvents; i++) {
      const until = Math.round((scenario.durationUs * i) / slices);
      events += sim.run({ until, maxEvents: maxEvents - events });
      opts.onProgress(sim.now, scenario.durationUs, events);
    }
  }
  const hitEventLimit = events >= maxEvents;
  const expectations = scenario.expect?.(sim) ?? [];
  return {
    scenario,
    seed,
    sim,
    events,
    endUs: sim.now,
    sha256: sim.trace.sha256(),
    expectations,
    ok: !hitEventLimit && expectations.every((e) => e.ok),
    hitEventLimit,
  };
}
