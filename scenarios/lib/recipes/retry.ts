/**
 * Shared helpers for the recipes: ZooKeeper result codes the recipes react to, and "call, and on
 * ConnectionLoss try again a little later" — the loop every real ZooKeeper application writes.
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Reply } from '../../../protocol/request/types.ts';
import type { Zk } from '../world.ts';

export const OK = 0;
export const CONNECTION_LOSS = -4;
export const NO_NODE = -101;
export const BAD_VERSION = -103;
export const NODE_EXISTS = -110;
export const SESSION_EXPIRED = -112;
export const EPHEMERAL = 1;
export const EPHEMERAL_SEQUENTIAL = 3;

/**
 * Call `op`; on ConnectionLoss call it again after `retryMs` (only for calls that are safe to
 * repeat: reads, and writes whose repetition the recipe itself recognises).
 */
export function retrying(z: Zk, client: NodeId, op: Readonly<Record<string, unknown>>, then: (r: Reply) => void, retryMs = 100, label?: string): void {
  z.call(
    client,
    op,
    (r) => {
      if (r.rc === CONNECTION_LOSS) z.after(retryMs, () => retrying(z, client, op, then, retryMs, label));
      else then(r);
    },
    label,
  );
}

/** The sequence number ZooKeeper appended to a sequential node's name. */
export function seqOf(name: string): number {
  return Number(name.slice(-10));
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
