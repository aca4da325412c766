/**
 * The shape of a simulated ensemble, computed once: the quorum configuration, the node ids
 * (servers in myid order — by default `s<myid>`, participants 1..N then observers, or any names an
 * `addressBook` gives — and `c<n>` clients) and the protocol's node factory for them. Both the
 * `Ensemble` driver and scenario definitions start from it.
 */
import type { NodeFactory, NodeId } from '../protocol/contract.ts';
import { quorumConfig } from '../protocol/config.ts';
import type { ServerAddress } from '../protocol/addressBook.ts';
import type { QuorumConfig } from '../protocol/config.ts';
import type { ClientConfig } from '../protocol/client/client.ts';
import type { BackendFactory } from '../protocol/server/backend.ts';
import { dataBackend } from '../protocol/server/dataBackend.ts';
import { ensembleFactory, serverNodes } from '../protocol/server/ensemble.ts';

export interface EnsembleSpec {
  /** Voting servers s1..sN. */
  readonly servers: number;
  /** Observers s(N+1)..: they replicate and serve reads but never vote. */
  readonly observers?: number;
  /** Other names and myids for the servers (`protocol/addressBook.ts`); it must list `servers`
   *  participants and `observers` observers. Default: s1..sN, then the observers. */
  readonly addressBook?: readonly ServerAddress[];
  /** Client nodes c1..cK. */
  readonly clients?: number;
  /** zoo.cfg knobs and test-only bug flags. */
  readonly cfg?: Partial<QuorumConfig>;
  /** Default: the real DataTree (`dataBackend()`). */
  readonly backend?: BackendFactory;
  /** Settings of every client. */
  readonly client?: Partial<ClientConfig>;
}

export interface Layout {
  readonly cfg: QuorumConfig;
  readonly serverIds: readonly NodeId[];
  readonly clientIds: readonly NodeId[];
  /** Every node, servers first: the order the kernel boots them in. */
  readonly nodes: readonly NodeId[];
  /** Builds a fresh process for a node id (at first boot and at every restart). */
  readonly factory: NodeFactory;
}

export function layout(spec: EnsembleSpec): Layout {
  const book = spec.addressBook;
  const participants = book ? book.filter((s) => s.role === 'participant').map((s) => s.myid) : Array.from({ length: spec.servers }, (_, i) => i + 1);
  const observers = book ? book.filter((s) => s.role === 'observer').map((s) => s.myid) : Array.from({ length: spec.observers ?? 0 }, (_, i) => spec.servers + i + 1);
  if (participants.length !== spec.servers || observers.length !== (spec.observers ?? 0)) {
    throw new Error(`ensemble: the address book lists ${participants.length} participants and ${observers.length} observers, the spec ${spec.servers} and ${spec.observers ?? 0}`);
  }
  const cfg = quorumConfig(participants, { observers, ...(book ? { servers: book } : {}), ...spec.cfg });
  const serverIds = serverNodes(cfg);
  const clientIds = Array.from({ length: spec.clients ?? 0 }, (_, i) => `c${i + 1}`);
  const factory = ensembleFactory({
    cfg,
    backend: spec.backend ?? dataBackend(),
    ...(spec.client === undefined ? {} : { client: spec.client }),
  });
  return { cfg, serverIds, clientIds, nodes: [...serverIds, ...clientIds], factory };
}
