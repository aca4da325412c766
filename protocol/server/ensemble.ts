/**
 * Node factories for a simulated ensemble: the nodes of the address book (`cfg.servers`, by default
 * `s<myid>`) are QuorumPeers, every other node a ZooKeeper client of the ensemble's servers.
 */
import type { NodeFactory, NodeId, ProtocolNode } from '../contract.ts';
import type { QuorumConfig } from '../config.ts';
import { AddressBook } from '../addressBook.ts';
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

/** The servers' node ids, in myid order. */
export function serverNodes(cfg: QuorumConfig): NodeId[] {
  return AddressBook.of(cfg.servers).nodes();
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
  const book = AddressBook.of(opts.cfg.servers);
  const servers = book.nodes();
  // Each process draws from the seed its host gives it (the run seed, the node, the incarnation).
  return (id: NodeId, seed?: string): ProtocolNode => {
    if (book.has(id)) return newServer(id, opts, seed ?? id);
    return new ZooKeeperClient(id, { servers, ...(seed === undefined ? {} : { seed }), ...opts.client });
  };
}
