/**
 * The shape of a simulated ensemble, computed once: the quorum configuration, the node ids
 * (`s<myid>` servers — participants then observers — and `c<n>` clients) and the protocol's node
 * factory for them. Both the `Ensemble` driver and scenario definitions start from it.
 */
import type { NodeFactory, NodeId } from '../protocol/contract.ts';
import { quorumConfig } from '../protocol/config.ts';
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
  const participants = Array.from({ length: spec.servers }, (_, i) => i + 1);
  const observers = Array.from({ length: spec.observers ?? 0 }, (_, i) => spec.servers + i + 1);
  const cfg = quorumConfig(participants, { observers, ...spec.cfg });
  const serverIds = serverNodes(cfg);
  const clientIds = Array.from({ length: spec.clients ?? 0 }, (_, i) => `c${i + 1}`);
  const factory = ensembleFactory({
    cfg,
    backend: spec.backend ?? dataBackend(),
    ...(spec.client === undefined ? {} : { client: spec.client }),
  });
  return { cfg, serverIds, clientIds, nodes: [...serverIds, ...clientIds], factory };
}
