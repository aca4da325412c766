/**
 * Reply routing: one `onReply` listener on the kernel for every request issued through it; each
 * answer goes to the callback given with its request, keyed by `node/requestId`. Answers to
 * requests issued straight on the kernel (`sim.request`) are left alone.
 */
import type { NodeId } from '../protocol/contract.ts';
import type { Simulation } from '../sim/index.ts';

export class ReplyRouter {
  private readonly waiting = new Map<string, (result: unknown) => void>();

  constructor(private readonly sim: Simulation) {
    sim.onReply((node, id, result) => {
      const key = `${node}/${id}`;
      const cb = this.waiting.get(key);
      if (cb === undefined) return;
      this.waiting.delete(key);
      cb(result);
    });
  }

  /** Issue `op` to `node` now; `cb` gets the answer. Returns the request's key. */
  request(node: NodeId, op: unknown, cb: (result: unknown) => void): string {
    const key = `${node}/${this.sim.request(node, op)}`;
    this.waiting.set(key, cb);
    return key;
  }

  /** Drop the callback of a request (its answer, if it ever comes, is then ignored). */
  forget(key: string): void {
    this.waiting.delete(key);
  }
}
