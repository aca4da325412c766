/**
 * What the Zab roles (leader, learner) need from the QuorumPeer that hosts them. The peer owns the
 * effect list of the current step, the disk, the database and the client-serving layer; roles only
 * decide.
 */
import type { Prng } from '../random.ts';
import type { EventData, EventName } from '../../trace/records.ts';
import type { ConnId, DiskOp, Message, NodeId, Port } from '../contract.ts';
import type { QuorumConfig } from '../config.ts';
import type { FaultPointName } from '../faultpoints.ts';
import type { ZkDatabase } from '../server/database.ts';
import type { TxnEntry } from './messages.ts';

/** What the client-serving layer exposes to the roles (implemented in protocol/server). */
export interface ServingHooks {
  /** This server starts answering clients (leader established / learner got UPTODATE). */
  start(role: 'leader' | 'follower' | 'observer'): void;
  /** A committed txn was applied here: answer the local client waiting for it, fire watches. */
  applied(entry: TxnEntry, result: unknown): void;
  /** Leader: a learner forwarded a write/sync/session request. */
  forwarded(fromSid: number, request: unknown): void;
  /** Leader: a learner asks whether a session may move to it. */
  revalidate(fromSid: number, sessionId: string, timeout: number): boolean;
  /** Leader: sessions a learner's clients touched (PING reply). */
  touch(sessions: readonly (readonly [string, number])[]): void;
  /** Learner: sessions touched since the last PING reply, emptied by the call. */
  drainTouched(): (readonly [string, number])[];
  /** Learner: the leader answered a forwarded sync. */
  syncReply(request: unknown): void;
  /** Learner: the leader answered REVALIDATE. */
  revalidated(sessionId: string, valid: boolean): void;
  /** Leader: the ping loop ticked (session expiry runs on ticks). */
  tick(): void;
}

export interface DurableListener {
  durable(zxid: number): void;
}

export interface PeerServices {
  readonly sid: number;
  readonly node: NodeId;
  readonly cfg: QuorumConfig;
  /** Build trace payloads at all (false in quiet mode). */
  readonly tracing: boolean;
  readonly db: ZkDatabase;
  readonly serving: ServingHooks;
  /** Monotonic clock of the step being processed (ms): every timeout reads it. */
  readonly now: number;
  /** Wall clock of the step being processed (epoch ms): txn header times only (contract.ts). */
  readonly wall: number;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** The server's seeded randomness (latency draws). */
  readonly rng: Prng;
  /** The node id of server `sid`, from the address book (`protocol/addressBook.ts`). */
  serverNode(sid: number): NodeId;
  /** Send on an open connection (contract.ts `ConnId`). */
  send(conn: ConnId, msg: Message): void;
  /** Open a connection to `to`'s `port`; returns its id. Messages may be sent on it at once. */
  connect(to: NodeId, port: Port): ConnId;
  /** Close a connection (FIN); a no-op for one already closed or lost. */
  close(conn: ConnId): void;
  /** Start / stop accepting connections on `port`. */
  listen(port: Port): void;
  unlisten(port: Port): void;
  setTimer(timer: string, afterMs: number): void;
  cancelTimer(timer: string): void;
  trace<N extends EventName>(event: N, data: EventData<N>): void;
  /** Mark a fault point (protocol/faultpoints.ts) at this position of the step's effects. */
  point(name: FaultPointName): void;
  /** Issue a disk op; `done` runs when it completes (for `append`: at once). */
  disk(op: DiskOp, done?: () => void): void;
  /** Persist acceptedEpoch / currentEpoch (writeMeta), then run `done`. */
  writeEpoch(kind: 'accepted' | 'current', epoch: number, done?: () => void): void;
  /** Append txns to the log and fsync them (group commit); `onDurable` runs once they are durable. */
  logTxns(entries: readonly TxnEntry[], onDurable: () => void): void;
  /** Hot-path variant: `listener.durable(zxid)` once the entry is durable (no closure per txn). */
  logTxn(entry: TxnEntry, listener: DurableListener | null): void;
  /** Write a snapshot of the current tree, then run `done`. */
  takeSnapshot(done?: () => void): void;
  /** Apply a committed txn to the tree (in zxid order) and tell the serving layer. */
  applyCommitted(entry: TxnEntry): void;
  /** Trace a packet this role/phase has no use for (`zab.unexpected`); the caller ignores it. */
  unexpected(from: NodeId, type: string, where: string): void;
  /** Leave the current role and go back to LOOKING. */
  abandon(reason: string): void;
}
