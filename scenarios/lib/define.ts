/**
 * `zkScenario({...})`: a ZooKeeper scenario in a few readable lines — the ensemble (voters,
 * observers, zoo.cfg timing), the clients, a script that schedules client calls and faults at
 * virtual times, and expectations (during the run with `z.expectAt`, at the end with `expect`).
 * It compiles to the kernel's plain `Scenario` (sim/scenario.ts), which `npm run sim` and
 * scenarios.test.ts run and judge with every trace checker.
 */
import type { QuorumConfig } from '../../protocol/config.ts';
import type { ClientConfig } from '../../protocol/client/client.ts';
import { layout } from '../../ensemble/layout.ts';
import type { DiskConfig } from '../../sim/disk.ts';
import type { LinkConfig } from '../../sim/network.ts';
import type { Expectation, Scenario, ScenarioCheck } from '../../sim/scenario.ts';
import { ms } from '../../sim/time.ts';
import { Zk } from './world.ts';
import type { NodeId } from '../../protocol/contract.ts';
import type { Layout } from '../../ensemble/layout.ts';
import { ZooKeeperClient } from '../../protocol/client/client.ts';

/** The layout with its factory building the named clients with their own server lists. */
function withClientServers(l: Layout, spec: ZkScenarioSpec): Layout {
  const lists = spec.clientServers;
  if (lists === undefined) return l;
  return {
    ...l,
    factory: (id, seed) => {
      const mine = lists[id];
      return mine === undefined ? l.factory(id, seed) : new ZooKeeperClient(id, { ...spec.client, servers: [...mine], ...(seed === undefined ? {} : { seed }) });
    },
  };
}

export type { Expectation } from '../../sim/scenario.ts';

export interface ZkScenarioSpec {
  readonly name: string;
  /** One line: what happens. */
  readonly description: string;
  readonly seed?: number;
  /** Voting servers s1..sN. */
  readonly servers: number;
  /** Observers s(N+1)..: they replicate and serve reads but never vote. */
  readonly observers?: number;
  /** zoo.cfg knobs (tickTime, initLimit, syncLimit, ...) and test-only bug flags. */
  readonly cfg?: Partial<QuorumConfig>;
  /** Client nodes c1..cK. */
  readonly clients?: number;
  /** Client settings for every client (sessionTimeoutMs, ...). */
  readonly client?: Partial<ClientConfig>;
  /** Per-client server lists (the connect string), e.g. `{ c1: ['s1', 's2'] }`; a client not
   *  named here knows every server. */
  readonly clientServers?: Readonly<Record<NodeId, readonly NodeId[]>>;
  /** Nodes booted later than t = 0, e.g. `{ s4: 3000 }` (virtual ms); the rest boot at t = 0. */
  readonly startAtMs?: Readonly<Record<NodeId, number>>;
  readonly link?: Partial<LinkConfig>;
  readonly disk?: Partial<DiskConfig>;
  /** How long to run, in virtual milliseconds. */
  readonly durationMs: number;
  /** Schedules everything (calls, faults, checks) on the run's `Zk` before it starts. */
  readonly script: (z: Zk) => void;
  /** End-of-run expectations. */
  readonly expect?: (z: Zk) => readonly Expectation[];
  /**
   * Checker settings. `healedAtMs` defaults to the time of the script's last fault (turning on
   * Liveness and TimelyExpiry); `false` leaves the timed checkers off.
   */
  readonly check?: { readonly healedAtMs?: number | false; readonly livenessNeedsWrite?: boolean };
}

/** The Scenario plus a handle on the current run's world (for tests and the CLI summary). */
export interface ZkScenario extends Scenario {
  readonly world: () => Zk;
}

export function zkScenario(spec: ZkScenarioSpec): ZkScenario {
  // Servers, observers, clients, zoo.cfg and client settings; the real DataTree backend.
  const l = withClientServers(layout(spec), spec);
  const late = Object.entries(spec.startAtMs ?? {});
  for (const [id] of late) if (!l.nodes.includes(id)) throw new Error(`${spec.name}: startAtMs names ${id}, which is not in the scenario`);
  for (const [id, list] of Object.entries(spec.clientServers ?? {})) {
    if (!l.clientIds.includes(id)) throw new Error(`${spec.name}: clientServers names ${id}, which is not a client`);
    for (const s of list) if (!l.serverIds.includes(s)) throw new Error(`${spec.name}: clientServers.${id} names ${s}, which is not a server`);
  }
  let z = new Zk(l);
  // The checker settings depend on the run (the last fault's time): computed lazily per run.
  const check: ScenarioCheck = {
    ensembleSize: l.cfg.participants.length,
    ...(spec.client?.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: spec.client.sessionTimeoutMs }),
    ...(spec.check?.livenessNeedsWrite === undefined ? {} : { livenessNeedsWrite: spec.check.livenessNeedsWrite }),
    get healedAtUs() {
      const h = spec.check?.healedAtMs;
      if (h === false) return undefined;
      if (h !== undefined) return ms(h);
      return z.lastFaultUs ?? 0;
    },
  };
  return {
    name: spec.name,
    description: spec.description,
    ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    nodes: l.nodes.filter((id) => spec.startAtMs?.[id] === undefined),
    factory: (id, seed) => z.ensemble.factory(id, seed),
    servers: l.cfg.servers,
    ...(spec.link === undefined ? {} : { link: spec.link }),
    ...(spec.disk === undefined ? {} : { disk: spec.disk }),
    durationUs: ms(spec.durationMs),
    begin() {
      z = new Zk(l);
    },
    setup(sim) {
      z.bind(sim);
      for (const [id, at] of late) z.at(at, (z) => z.start(id));
      spec.script(z);
    },
    expect() {
      return [...z.judged, ...(spec.expect?.(z) ?? [])];
    },
    check,
    world: () => z,
  };
}
