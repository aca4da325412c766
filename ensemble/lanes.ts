/**
 * The connection a message rides between two nodes, for hosts that tell channels apart (the
 * kernel's PCT scheduling, `sim/pct.ts`): ZooKeeper peers talk over two TCP connections — the
 * election one (QuorumCnxManager: FLE notifications) and the quorum one (Learner/LearnerHandler:
 * Zab packets) — which are not ordered against each other. Client traffic has its own node pair.
 */
import type { Message } from '../protocol/contract.ts';

export function zkLane(msg: Message): string {
  return msg.type === 'NOTIFICATION' ? 'election' : 'quorum';
}
