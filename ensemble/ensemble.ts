/**
 * `Ensemble`: the one driver of a simulated ZooKeeper ensemble — the kernel's `Simulation`, live
 * handles on the server and client objects (the kernel only sees them through the contract), reply
 * routing, and small helpers to call a node and run until something holds. Tests, benches, the
 * harness and the scenario world (`scenarios/lib/world.ts`) all drive an ensemble through it.
 *
 * Two ways to get one:
 * - `Ensemble.simulate({ servers, clients, seed, ... })` builds its own simulation (tests, benches,
 *   the harness);
 * - `new Ensemble(layout(spec), { wrap })` hands its `factory` to a kernel `Scenario` and is
 *   `attach`ed to the simulation the scenario runner creates.
 * Reading the live objects does not perturb a run.
 */
import type { NodeFactory, NodeId, ProtocolNode, WatchedEvent } from '../protocol/contract.ts';
import type { QuorumConfig } from '../protocol/config.ts';
import { AddressBook } from '../protocol/addressBook.ts';
import type { ZooKeeperClient } from '../protocol/client/client.ts';
import { TreeState } from '../protocol/server/dataBackend.ts';
import { OpaqueState } from '../protocol/server/opaqueBackend.ts';
import type { QuorumPeer } from '../protocol/server/peer.ts';
import { Simulation } from '../sim/index.ts';
import type { SimulationOptions } from '../sim/index.ts';
import { layout, type EnsembleSpec, type Layout } from './layout.ts';
import { ReplyRouter } from './replies.ts';

export interface EnsembleOptions extends EnsembleSpec {
  readonly seed?: number | string;
  /** Kernel options; the trace's running sha256 is off unless asked for (`trace: { hash: true }`). */
  readonly sim?: Partial<Omit<SimulationOptions, 'nodes' | 'factory' | 'seed'>>;
}

export interface HostOptions {
  /** Wraps each freshly built process before the kernel gets it (the live handle stays unwrapped). */
  readonly wrap?: (id: NodeId, node: ProtocolNode) => ProtocolNode;
}

/** A client's `notify` effect (a watch event or a connection-state change) and when it came. */
export interface Notified {
  readonly t: number;
  readonly node: NodeId;
  readonly event: WatchedEvent;
}

/** One node trace event (`trace` effect) as recorded by the kernel. */
export interface NodeEvent {
  readonly t: number;
  readonly node: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

export class Ensemble {
  /** Set by `attach` (at once for `Ensemble.simulate`). */
  sim!: Simulation;
  readonly cfg: QuorumConfig;
  readonly serverIds: readonly NodeId[];
  readonly clientIds: readonly NodeId[];
  readonly nodes: readonly NodeId[];
  /** The current process object of every node (replaced at each restart). */
  readonly procs = new Map<NodeId, ProtocolNode>();
  /** The node factory to give the kernel: records each new process, then wraps it. */
  readonly factory: NodeFactory;
  private router!: ReplyRouter;
  private readonly results = new Map<string, unknown>();
  private readonly notifications: Notified[] = [];

  constructor(l: Layout, host: HostOptions = {}) {
    this.cfg = l.cfg;
    this.serverIds = l.serverIds;
    this.clientIds = l.clientIds;
    this.nodes = l.nodes;
    const wrap = host.wrap;
    this.factory = (id, seed) => {
      const p = l.factory(id, seed);
      this.procs.set(id, p);
      return wrap === undefined ? p : wrap(id, p);
    };
  }

  /** An ensemble on a simulation of its own, attached and ready to run. */
  static simulate(o: EnsembleOptions): Ensemble {
    const e = new Ensemble(layout(o));
    e.attach(
      new Simulation({
        seed: o.seed ?? 1,
        nodes: e.nodes,
        factory: e.factory,
        servers: e.cfg.servers,
        // Tests read the retained records; the running sha256 is not needed (and is the costliest part).
        trace: { hash: false },
        ...o.sim,
      }),
    );
    return e;
  }

  /** Binds the simulation that hosts this ensemble's nodes (built with `factory`). */
  attach(sim: Simulation): void {
    this.sim = sim;
    this.router = new ReplyRouter(sim);
    sim.onNotify((node, event) => this.notifications.push({ t: sim.now, node, event }));
  }

  // ------------------------------------------------------------------ the ensemble, read live

  server(id: NodeId | number): QuorumPeer {
    const nid = typeof id === 'number' ? AddressBook.of(this.cfg.servers).nodeOf(id) : id;
    return this.procs.get(nid) as QuorumPeer;
  }

  client(id: NodeId): ZooKeeperClient {
    return this.procs.get(id) as ZooKeeperClient;
  }

  isUp(id: NodeId): boolean {
    return this.sim.isUp(id);
  }

  /** Live servers whose leadership is established, newest epoch first (then by id). */
  leaders(): QuorumPeer[] {
    return this.serverIds
      .filter((s) => this.sim.isUp(s) && this.server(s).leader?.established === true)
      .map((s) => this.server(s))
      .sort((a, b) => (b.leader?.epoch ?? -1) - (a.leader?.epoch ?? -1) || (a.id < b.id ? -1 : 1));
  }

  /** The one established leader, or null when there is none or more than one. */
  leader(): QuorumPeer | null {
    const l = this.leaders();
    return l.length === 1 ? l[0]! : null;
  }

  /** Live servers answering clients now, in id order. */
  serving(): NodeId[] {
    return this.serverIds.filter((s) => this.sim.isUp(s) && this.server(s).isServing());
  }

  /** Every live server is serving and exactly one established leader exists. */
  settled(): boolean {
    const up = this.serverIds.filter((s) => this.sim.isUp(s));
    return this.leader() !== null && up.every((s) => this.server(s).isServing());
  }

  /** Does server `s` hold znode `path` in its applied state (either backend)? */
  has(s: NodeId, path: string): boolean {
    const sm = this.server(s).db.sm;
    if (sm instanceof TreeState) return sm.tree.getNode(path) !== undefined;
    if (sm instanceof OpaqueState) return sm.kv.has(path);
    throw new Error('Ensemble.has: unknown state machine');
  }

  /** The session a client holds now ('0x0' when none). */
  session(client: NodeId): string {
    return String((this.procs.get(client) as unknown as { sessionId: unknown }).sessionId);
  }

  // ------------------------------------------------------------------ requests

  /** Issue `op` to `node` now; `cb` gets the answer. Returns a key for `forget`. */
  request(node: NodeId, op: unknown, cb: (result: unknown) => void): string {
    return this.router.request(node, op, cb);
  }

  forget(key: string): void {
    this.router.forget(key);
  }

  /** Issue a request without waiting; read the answer later with `result`. */
  send(node: NodeId, op: unknown): string {
    const key: string = this.router.request(node, op, (r) => this.results.set(key, r));
    return key;
  }

  result(key: string): unknown {
    return this.results.get(key);
  }

  /** Issue a request to a node and run until it is answered (undefined if it never is). */
  call(node: NodeId, op: unknown, maxMs = 30_000): unknown {
    const key = this.send(node, op);
    this.runUntil(() => this.results.has(key), maxMs, 1);
    const r = this.results.get(key);
    this.results.delete(key);
    return r;
  }

  // ------------------------------------------------------------------ running

  /** Run in slices of `stepMs` until `pred()` or `maxMs` of virtual time passes. */
  runUntil(pred: () => boolean, maxMs = 60_000, stepMs = 10): boolean {
    const end = this.sim.now + maxMs * 1000;
    while (this.sim.now < end) {
      if (pred()) return true;
      this.sim.run({ until: Math.min(end, this.sim.now + stepMs * 1000) });
    }
    return pred();
  }

  runFor(ms: number): void {
    this.sim.run({ until: this.sim.now + ms * 1000 });
  }

  /** Every watch event and connection-state change the clients told their application of so far
   *  (their `notify` effects, heard through the kernel's `onNotify`), optionally of one client. */
  notified(client?: NodeId): Notified[] {
    return client === undefined ? this.notifications.slice() : this.notifications.filter((n) => n.node === client);
  }

  /** The trace events emitted by nodes (`trace` effects), optionally of one kind. */
  events(event?: string): NodeEvent[] {
    const out: NodeEvent[] = [];
    for (const r of this.sim.trace.records) {
      if (r.ev !== 'trace') continue;
      if (event !== undefined && r.event !== event) continue;
      out.push({ t: r.t, node: r.node, event: r.event, data: r.data as Readonly<Record<string, unknown>> });
    }
    return out;
  }
}
