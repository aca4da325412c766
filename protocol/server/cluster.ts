/**
 * A simulated ensemble for tests, scenarios and benches: the kernel's Simulation plus handles on the
 * live server/client objects (the kernel only sees them through the contract) and small helpers to
 * call a node and run until something holds.
 */
import type { NodeId, ProtocolNode } from '../contract.ts';
import { quorumConfig, serverNodeId } from '../config.ts';
import type { QuorumConfig } from '../config.ts';
import { Simulation } from '../../sim/index.ts';
import type { SimulationOptions } from '../../sim/index.ts';
import type { ClientConfig } from '../client/client.ts';
import { ZooKeeperClient } from '../client/client.ts';
import type { BackendFactory } from './backend.ts';
import { ensembleFactory, serverNodes } from './ensemble.ts';
import { dataBackend } from './dataBackend.ts';
import type { QuorumPeer } from './peer.ts';

export interface ClusterOptions {
  readonly servers: number;
  readonly observers?: number;
  readonly clients?: number;
  readonly seed?: number | string;
  readonly cfg?: Partial<QuorumConfig>;
  /** Default: the real DataTree (`dataBackend()`). */
  readonly backend?: BackendFactory;
  readonly client?: Partial<ClientConfig>;
  readonly sim?: Partial<Omit<SimulationOptions, 'nodes' | 'factory' | 'seed'>>;
}

export class Cluster {
  readonly sim: Simulation;
  readonly cfg: QuorumConfig;
  /** The current process object of every node (replaced at each restart). */
  readonly procs = new Map<NodeId, ProtocolNode>();
  readonly serverIds: NodeId[];
  readonly clientIds: NodeId[];
  private readonly results = new Map<string, unknown>();
  private readonly tracked = new Set<string>();

  constructor(o: ClusterOptions) {
    const participants = Array.from({ length: o.servers }, (_, i) => i + 1);
    const observers = Array.from({ length: o.observers ?? 0 }, (_, i) => o.servers + i + 1);
    this.cfg = quorumConfig(participants, { observers, ...o.cfg });
    this.serverIds = serverNodes(this.cfg);
    this.clientIds = Array.from({ length: o.clients ?? 0 }, (_, i) => `c${i + 1}`);
    const inner = ensembleFactory({ cfg: this.cfg, backend: o.backend ?? dataBackend(), client: o.client });
    this.sim = new Simulation({
      seed: o.seed ?? 1,
      nodes: [...this.serverIds, ...this.clientIds],
      factory: (id) => {
        const p = inner(id);
        this.procs.set(id, p);
        return p;
      },
      // Tests read the retained records; the running sha256 is not needed (and is the costliest part).
      trace: { hash: false },
      ...o.sim,
    });
    // Only answers to requests issued through call()/send() are kept (benches issue their own).
    this.sim.onReply((node, id, result) => {
      const key = `${node}/${id}`;
      if (this.tracked.delete(key)) this.results.set(key, result);
    });
  }

  server(id: NodeId | number): QuorumPeer {
    const nid = typeof id === 'number' ? serverNodeId(id) : id;
    return this.procs.get(nid) as QuorumPeer;
  }

  client(id: NodeId): ZooKeeperClient {
    return this.procs.get(id) as ZooKeeperClient;
  }

  /** Live servers whose leader role is established. */
  leaders(): QuorumPeer[] {
    return this.serverIds
      .filter((s) => this.sim.isUp(s))
      .map((s) => this.server(s))
      .filter((p) => p.leader?.established === true);
  }

  leader(): QuorumPeer | null {
    const l = this.leaders();
    return l.length === 1 ? l[0]! : null;
  }

  /** Every live server is serving and exactly one established leader exists. */
  settled(): boolean {
    const up = this.serverIds.filter((s) => this.sim.isUp(s));
    return this.leader() !== null && up.every((s) => this.server(s).isServing());
  }

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

  /** Issue a request to a node and run until it is answered (undefined if it never is). */
  call(node: NodeId, op: unknown, maxMs = 30_000): unknown {
    const key = this.send(node, op);
    this.runUntil(() => this.results.has(key), maxMs, 1);
    const r = this.results.get(key);
    this.results.delete(key);
    return r;
  }

  /** Issue a request without waiting; read the answer later with `result`. */
  send(node: NodeId, op: unknown): string {
    const key = `${node}/${this.sim.request(node, op)}`;
    this.tracked.add(key);
    return key;
  }

  result(key: string): unknown {
    return this.results.get(key);
  }

  /** The trace events emitted by nodes (`trace` effects), optionally of one kind. */
  events(event?: string): { t: number; node: string; event: string; data: Record<string, unknown> }[] {
    const out = [];
    for (const r of this.sim.trace.records) {
      if (r.ev !== 'trace') continue;
      if (event !== undefined && r['event'] !== event) continue;
      out.push({ t: r.t, node: r.node, event: r['event'] as string, data: (r['data'] ?? {}) as Record<string, unknown> });
    }
    return out;
  }
}

export { ZooKeeperClient };
