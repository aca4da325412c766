/**
 * Message categories for the timeline's filters. ZooKeeper's own names (Zab packet types in
 * `Leader.java`, FLE notifications) decide the category; anything to or from a client is `client`.
 */
export const CATEGORIES = ['election', 'sync', 'broadcast', 'ping', 'client', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

const BY_TYPE: Readonly<Record<string, Category>> = {
  NOTIFICATION: 'election', VOTE: 'election', FLE: 'election',
  FOLLOWERINFO: 'sync', OBSERVERINFO: 'sync', LEADERINFO: 'sync', ACKEPOCH: 'sync', DIFF: 'sync',
  TRUNC: 'sync', SNAP: 'sync', NEWLEADER: 'sync', UPTODATE: 'sync', ACKNEWLEADER: 'sync',
  PROPOSAL: 'broadcast', ACK: 'broadcast', COMMIT: 'broadcast', INFORM: 'broadcast',
  COMMITANDACTIVATE: 'broadcast', INFORMANDACTIVATE: 'broadcast', REQUEST: 'broadcast', SYNC: 'broadcast',
  PING: 'ping', REVALIDATE: 'ping', PONG: 'ping',
};

export function isClient(node: string): boolean {
  return /^c\d+$/.test(node);
}

export function categoryOf(type: string, from: string, to: string): Category {
  if (isClient(from) || isClient(to)) return 'client';
  const key = type.toUpperCase().replace(/[^A-Z]/g, '');
  const direct = BY_TYPE[key];
  if (direct) return direct;
  if (key.includes('NOTIF') || key.includes('VOTE') || key.includes('ELECTION')) return 'election';
  if (key.includes('PING')) return 'ping';
  if (key.includes('PROPOS') || key.includes('COMMIT')) return 'broadcast';
  if (key.includes('LEADERINFO') || key.includes('EPOCH') || key.includes('DIFF') || key.includes('SNAP')) return 'sync';
  return 'other';
}
