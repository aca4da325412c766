/**
 * Client <-> server messages (ZooKeeper's client protocol, framed as plain data).
 *
 * `cnx` names one client TCP connection; both ends drop packets of a connection they no longer
 * hold, which is all the simulated network needs to behave like separate TCP connections.
 */
import type { Message } from '../contract.ts';
import type { Reply, Request, SessionId } from '../request/types.ts';

export interface ConnectMsg extends Message {
  readonly type: 'ZK_CONNECT';
  readonly cnx: string;
  /** 1, 2, 3... per connection and direction (a gap = the connection broke, see zab/messages.ts). */
  readonly seq: number;
  /** '0x0' to create a session. */
  readonly sessionId: SessionId;
  readonly lastZxidSeen: number;
  readonly timeoutMs: number;
}
export interface ConnectedMsg extends Message {
  readonly type: 'ZK_CONNECTED';
  readonly cnx: string;
  readonly seq: number;
  readonly sessionId: SessionId;
  /** Negotiated timeout; 0 means the session is expired (as ZooKeeper signals it). */
  readonly timeoutMs: number;
}
export interface RequestMsg extends Message {
  readonly type: 'ZK_REQ';
  readonly cnx: string;
  readonly seq: number;
  readonly xid: number;
  readonly req: Request | SetWatchesRequest;
}
export interface ReplyMsg extends Message {
  readonly type: 'ZK_REPLY';
  readonly cnx: string;
  readonly seq: number;
  readonly xid: number;
  readonly reply: Reply;
}
export interface WatchMsg extends Message {
  readonly type: 'ZK_WATCH';
  readonly cnx: string;
  readonly seq: number;
  /** Watcher.Event.EventType code (1..4). */
  readonly eventType: number;
  readonly path: string;
  readonly zxid: number;
}
export interface PingMsg extends Message {
  readonly type: 'ZK_PING' | 'ZK_PONG';
  readonly cnx: string;
  readonly seq: number;
}
/** Either side closed the connection. */
export interface CloseMsg extends Message {
  readonly type: 'ZK_CLOSE';
  readonly cnx: string;
  readonly seq: number;
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

export type ClientWire = ConnectMsg | ConnectedMsg | RequestMsg | ReplyMsg | WatchMsg | PingMsg | CloseMsg;

const TYPES = new Set(['ZK_CONNECT', 'ZK_CONNECTED', 'ZK_REQ', 'ZK_REPLY', 'ZK_WATCH', 'ZK_PING', 'ZK_PONG', 'ZK_CLOSE']);

export function isClientWire(msg: Message): msg is ClientWire {
  return TYPES.has(msg.type) && typeof msg['cnx'] === 'string' && typeof msg['seq'] === 'number';
}
