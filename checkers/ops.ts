/**
 * Client operation kinds, as far as the checkers care: which ops are writes (their reply carries
 * the txn's zxid) and which reply codes mean "the request became a txn" (ZooKeeper turns every
 * KeeperException raised while preparing a write into an error txn, so NoNode, NodeExists,
 * BadVersion, NoAuth... all consumed a zxid; transport and session errors did not).
 */
const WRITES = new Set([
  'create',
  'create2',
  'createContainer',
  'createTTL',
  'delete',
  'setData',
  'setACL',
  'multi',
  'reconfig',
  'createSession',
  'closeSession',
]);

const READS = new Set([
  'exists',
  'getData',
  'get',
  'getChildren',
  'getChildren2',
  'getAllChildrenNumber',
  'getEphemerals',
  'getACL',
  'ls',
  'stat',
]);

/** Reply codes that say nothing reached (or came back from) the txn pipeline. */
const NOT_A_TXN = new Set([
  -1, // SystemError
  -4, // ConnectionLoss
  -5, // MarshallingError
  -7, // OperationTimeout
  -12, // UnknownSession
  -112, // SessionExpired
  -115, // AuthFailed
  -118, // SessionMoved
  -119, // NotReadOnly
]);

export function isWrite(op: string): boolean {
  return WRITES.has(op);
}

export function isRead(op: string): boolean {
  return READS.has(op);
}

/** A write reply whose zxid names the committed txn of the request. */
export function isTxnReply(op: string, rc: number, zxid: number | undefined): zxid is number {
  return isWrite(op) && zxid !== undefined && zxid > 0 && !NOT_A_TXN.has(rc);
}

/** Any reply whose zxid is the serving server's last processed zxid at the time. */
export function hasReplyZxid(rc: number, zxid: number | undefined): zxid is number {
  return zxid !== undefined && zxid > 0 && !NOT_A_TXN.has(rc);
}
