/**
 * Quorum packets between a leader and its learners (ZooKeeper's Leader.* packet types).
 *
 * They travel on the learner's connection to the leader's `quorum` port (contract.ts `ConnId`):
 * the host models TCP, so a packet is read only on the connection it was sent on, in order, and a
 * close or a broken connection arrives as a `closed`/`lost` input.
 */
import type { Message } from '../contract.ts';

/** One replicated txn: what PROPOSAL/INFORM carry and what the txn log stores. */
export interface TxnEntry {
  readonly zxid: number;
  /** The txn (a `Txn` from protocol/request) — opaque to Zab. */
  readonly txn: unknown;
}

type Base = Message;

export interface FollowerInfo extends Base {
  readonly type: 'FOLLOWERINFO' | 'OBSERVERINFO';
  readonly sid: number;
  /** makeZxid(acceptedEpoch, 0), as in ZooKeeper. */
  readonly zxid: number;
}
export interface LeaderInfo extends Base {
  readonly type: 'LEADERINFO';
  /** makeZxid(newEpoch, 0). */
  readonly zxid: number;
}
export interface AckEpoch extends Base {
  readonly type: 'ACKEPOCH';
  readonly currentEpoch: number;
  readonly lastZxid: number;
}
export interface SyncStart extends Base {
  readonly type: 'DIFF' | 'TRUNC';
  readonly zxid: number;
}
export interface SnapMsg extends Base {
  readonly type: 'SNAP';
  readonly zxid: number;
  readonly snapshot: unknown;
}
export interface Proposal extends Base {
  readonly type: 'PROPOSAL' | 'INFORM';
  readonly entry: TxnEntry;
}
export interface ZxidPacket extends Base {
  /** NEWLEADER(newEpoch,0); COMMIT(zxid); ACK(zxid); UPTODATE; PING(lastProposed). */
  readonly type: 'NEWLEADER' | 'COMMIT' | 'ACK' | 'UPTODATE' | 'PING';
  readonly zxid: number;
}
/** A learner's answer to PING: the sessions its clients touched since the last one. */
export interface PingReply extends Base {
  readonly type: 'PINGREPLY';
  readonly sessions: readonly (readonly [string, number])[];
}
/** A write (or sync, createSession, closeSession) forwarded by a learner to the leader. */
export interface ForwardedRequest extends Base {
  readonly type: 'REQUEST';
  readonly request: unknown;
}
export interface Revalidate extends Base {
  readonly type: 'REVALIDATE';
  readonly sessionId: string;
  readonly timeout: number;
  /** Leader -> learner only. */
  readonly valid?: boolean;
}
/** The leader's answer to a forwarded sync(): sent after everything proposed before it. */
export interface SyncReply extends Base {
  readonly type: 'SYNC';
  readonly request: unknown;
}
export type QuorumPacket =
  | FollowerInfo
  | LeaderInfo
  | AckEpoch
  | SyncStart
  | SnapMsg
  | Proposal
  | ZxidPacket
  | PingReply
  | ForwardedRequest
  | Revalidate
  | SyncReply;

const QUORUM_TYPES = new Set([
  'FOLLOWERINFO', 'OBSERVERINFO', 'LEADERINFO', 'ACKEPOCH', 'DIFF', 'TRUNC', 'SNAP', 'PROPOSAL',
  'INFORM', 'NEWLEADER', 'COMMIT', 'ACK', 'UPTODATE', 'PING', 'PINGREPLY', 'REQUEST', 'REVALIDATE',
  'SYNC',
]);

export function isQuorumPacket(msg: Message): msg is QuorumPacket {
  return QUORUM_TYPES.has(msg.type);
}
