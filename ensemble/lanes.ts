/**
 * The channel a connectionless message rides between two nodes, for PCT scheduling (`sim/pct.ts`).
 * ZooKeeper nodes now send only on connections, and PCT gives every connection its own lane (the
 * election connections apart from the quorum one, as in ZooKeeper), so this applies only to
 * messages sent without a connection (test nodes); kept for hosts that pass it.
 */
import type { Message } from '../protocol/contract.ts';

export function zkLane(msg: Message): string {
  return msg.type === 'NOTIFICATION' ? 'election' : 'quorum';
}
