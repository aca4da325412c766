/**
 * Client <-> server messages (ZooKeeper's client protocol, framed as plain data).
 *
 * They travel on the client's connection to a server's `client` port (contract.ts `ConnId`); a
 * close is the connection's own `close` (FIN), not a message.
 */
import type { Message } from '../contract.ts';
import type { Reply, Request, SessionId } from '../request/types.ts';

export interface ConnectMsg extends Message {
  readonly type: 'ZK_CONNECT';
  /** '0x0' to create a session. */
  readonly sessionId: SessionId;
  readonly lastZxidSeen: number;
  readonly timeoutMs: number;
}
export interface ConnectedMsg extends Message {
  readonly type: 'ZK_CONNECTED';
  readonly sessionId: SessionId;
  /** Negotiated timeout; 0 means the session is expired (as ZooKeeper signals it). */
  readonly timeoutMs: number;
}
export interface RequestMsg extends Message {
  readonly type: 'ZK_REQ';
  readonly xid: number;
  readonly req: Request | SetWatchesRequest;
}
export interface ReplyMsg extends Message {
  readonly type: 'ZK_REPLY';
  readonly xid: number;
  readonly reply: Reply;
}
export interface WatchMsg extends Message {
  readonly type: 'ZK_WATCH';
  /** Watcher.Event.EventType code (1..4). */
  readonly eventType: number;
  readonly path: string;
  readonly zxid: number;
}
export interface PingMsg extends Message {
  readonly type: 'ZK_PING' | 'ZK_PONG';
}

/** SetWatches (opcode 101/105): re-register watches after a reconnect, relative to a zxid. */
export interface SetWatchesRequest {
  readonly op: 'setWatches';
  readonly relativeZxid: number;
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
}

export type ClientWire = ConnectMsg | ConnectedMsg | RequestMsg | ReplyMsg | WatchMsg | PingMsg;

const TYPES = new Set(['ZK_CONNECT', 'ZK_CONNECTED', 'ZK_REQ', 'ZK_REPLY', 'ZK_WATCH', 'ZK_PING', 'ZK_PONG']);

export function isClientWire(msg: Message): msg is ClientWire {
  return TYPES.has(msg.type);
}
