/**
 * What the serving layer needs from the data model. Zab and the request pipeline are independent of
 * tree semantics: `dataBackend.ts` plugs in the DataTree engineer's tree, prep, reads and watches;
 * `opaqueBackend.ts` replicates opaque txns (Zab tests and benches that do not care about znodes).
 * One backend instance per server process (it holds that server's watches).
 */
import type { AuthId } from '../request/acl.ts';
import type { SessionCheck } from '../request/prep.ts';
import type { Reply, Request, SessionId, WatchEvent } from '../request/types.ts';
import type { SetWatchesRequest } from '../client/wire.ts';
import type { StateMachine, StateMachineFactory } from './database.ts';

/** A client request travelling to the leader (Zab REQUEST payload). */
export interface ForwardedRequest {
  readonly sessionId: SessionId;
  readonly cxid: number;
  readonly req: Request;
  /** The identities of the client's connection (ACL checks and `auth` ACLs happen in prep). */
  readonly auth: readonly AuthId[];
}

/** Leader-side prep state (PrepRequestProcessor with its outstanding changes). */
export interface Prep {
  /** Turn a write into the txn for `zxid` (an error txn when it fails). */
  prep(req: Request, sessionId: SessionId, cxid: number, zxid: number, time: number, auth: readonly AuthId[]): unknown;
  /** The container manager's deleteContainer for `path`. */
  prepDeleteContainer(path: string, zxid: number, time: number): unknown;
  /** The txn `zxid` was applied to the committed state. */
  onCommitted(zxid: number): void;
}

/** Per-connection state a read may use. */
export interface ConnInfo {
  readonly sessionId: SessionId;
  readonly authIds: readonly AuthId[];
}

export interface Backend {
  readonly stateMachine: StateMachineFactory;
  /** A fresh prep context over the current state (one per leadership). */
  newPrep(sm: StateMachine, sessions: SessionCheck, extendedTypesEnabled: boolean): Prep;
  /** Serve a read locally (registering watches); `emit` sends a notification at once (SetWatches). */
  read(sm: StateMachine, conn: ConnInfo, req: Request | SetWatchesRequest, zxid: number, emit: (ev: WatchEvent) => void): Reply;
  /** The reply to the client that issued an applied txn (`result` is what applyTxn returned). */
  replyFor(result: unknown, req: Request, zxid: number): Reply;
  /** Watch notifications caused by an applied txn, for sessions connected here. */
  fire(result: unknown, authOf: (sessionId: SessionId) => readonly AuthId[] | undefined): readonly WatchEvent[];
  /** A connection went away: drop its watches. */
  forget(sessionId: SessionId): void;
  /** Sessions with their timeouts, as replicated in the state (for the leader's tracker). */
  sessions(sm: StateMachine): [SessionId, number][];
  /** Container / TTL nodes due for removal at the leader's wall-clock time `wall` (epoch ms). */
  expiredNodes(sm: StateMachine, wall: number): string[];
  /** addAuth: the ids to add to the connection, or undefined for an unknown scheme (AuthFailed). */
  authenticate(scheme: string, auth: string, clientAddr: string): AuthId[] | undefined;
  /** Size check: false when the request exceeds jute.maxbuffer (the server drops the connection). */
  fits(req: Request): boolean;
}

export type BackendFactory = () => Backend;
