/**
 * What the serving layer needs from the data model. Zab and the request pipeline are independent of
 * tree semantics: `dataBackend.ts` plugs in the DataTree engineer's tree, prep, reads and watches;
 * `opaqueBackend.ts` replicates opaque txns (Zab tests and benches that do not care about znodes).
 */
import type { Reply, Request, SessionId, WatchEvent } from '../request/types.ts';
import type { SetWatchesRequest } from '../client/wire.ts';
import type { StateMachine, StateMachineFactory } from './database.ts';

/** A client request travelling to the leader (Zab REQUEST payload). */
export interface ForwardedRequest {
  readonly sessionId: SessionId;
  readonly cxid: number;
  readonly req: Request;
}

/** Leader-side prep state (PrepRequestProcessor with its outstanding changes). */
export interface Prep {
  /** Turn a write into the txn for `zxid` (an error txn when it fails). */
  prep(req: Request, sessionId: SessionId, cxid: number, zxid: number, time: number): unknown;
  /** closeSession is in flight: later requests of the session are refused (ZOOKEEPER-1208). */
  setClosing(sessionId: SessionId): void;
}

/** Per-connection state a read may use (authentication ids). */
export interface ConnInfo {
  readonly sessionId: SessionId;
  readonly authIds: { scheme: string; id: string }[];
}

export interface Backend {
  readonly stateMachine: StateMachineFactory;
  /** A fresh prep context over the current state (one per leadership). */
  newPrep(sm: StateMachine): Prep;
  /** Serve a read locally; `zxid` is the server's last processed zxid. */
  read(sm: StateMachine, conn: ConnInfo, req: Request | SetWatchesRequest, zxid: number): Reply;
  /** The reply to the client that issued an applied txn (`result` is what applyTxn returned). */
  replyFor(result: unknown, req: Request, zxid: number): Reply;
  /** Watch notifications caused by an applied txn, for sessions connected here. */
  fire(result: unknown, zxid: number): readonly WatchEvent[];
  /** A connection went away: drop its watches. */
  forget(sessionId: SessionId): void;
  /** Sessions with their timeouts, as replicated in the state (for the leader's tracker). */
  sessions(sm: StateMachine): [SessionId, number][];
  /** Container / TTL nodes due for removal at leader time `now`. */
  expiredNodes(sm: StateMachine, now: number): string[];
  /** addAuth: the id to add to the connection, or null for an unknown scheme (AuthFailed). */
  authenticate(scheme: string, auth: string): { scheme: string; id: string } | null;
}
