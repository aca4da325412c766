/**
 * Node factories for a simulated ensemble: `s<myid>` nodes are QuorumPeers, `c<n>` nodes are
 * ZooKeeper clients of the ensemble's servers.
 */
import type { NodeFactory, NodeId, ProtocolNode } from '../contract.ts';
import type { QuorumConfig } from '../config.ts';
import { serverNodeId } from '../config.ts';
import { ZooKeeperClient } from '../client/client.ts';
import type { ClientConfig } from '../client/client.ts';
import type { BackendFactory } from './backend.ts';
import { QuorumPeer } from './peer.ts';
import { Serving } from './serving.ts';

export interface EnsembleOptions {
  readonly cfg: QuorumConfig;
  /** Called once per server process. */
  readonly backend: BackendFactory;
  /** Client settings; `servers` defaults to every participant and observer. */
  readonly client?: Partial<ClientConfig>;
}

export function serverNodes(cfg: QuorumConfig): NodeId[] {
  return [...cfg.participants, ...cfg.observers].sort((a, b) => a - b).map(serverNodeId);
}

export function newServer(id: NodeId, opts: EnsembleOptions, seed: string = id): QuorumPeer {
  const backend = opts.backend();
  return new QuorumPeer(id, {
    cfg: opts.cfg,
    seed,
    stateMachine: backend.stateMachine,
    serving: (peer) => new Serving(peer, backend),
  });
}

export function ensembleFactory(opts: EnsembleOptions): NodeFactory {
  const servers = serverNodes(opts.cfg);
  // Each process draws from the seed its host gives it (the run seed, the node, the incarnation).
  return (id: NodeId, seed?: string): ProtocolNode => {
    if (id.startsWith('s')) return newServer(id, opts, seed ?? id);
    if (id.startsWith('c')) return new ZooKeeperClient(id, { servers, ...(seed === undefined ? {} : { seed }), ...opts.client });
    throw new Error(`ensemble: no node kind for id ${id}`);
  };
}
