/**
 * The hosting contract (sans-I/O).
 *
 * A protocol node — a ZooKeeper server, a client, or a trivial test node — is a state machine. Its
 * host hands it one input at a time together with the node's two *local* clock readings (see
 * Clocks), and the node answers with a list of effects. The node never performs I/O, never reads a clock and never draws
 * randomness on its own: everything arrives as an input, everything leaves as an effect.
 *
 * The simulator (`sim/`) is one host. A real host (sockets, real timers, files) implements the same
 * contract: model connections (`ConnId`: accept, refuse, carry, close, reset), deliver `message`,
 * fire `timer`, complete `disk` operations, and carry out the effects.
 *
 * Clocks. `step(input, now, wall)` hands the node both of its host's clocks, read once per step:
 * - `now`, the monotonic clock (ms; ZooKeeper's Time.currentElapsedTime, System.nanoTime): it only
 *   moves forwards, at the host's rate (it may drift), from an arbitrary origin. Every timer
 *   (`setTimer`'s `afterMs`) runs on it, and every duration a node measures must read it: session
 *   expiry, election timeouts, pings, sync and read timeouts, a client's connect and read timeouts,
 *   session-id seeds (SessionTrackerImpl.initializeNextSessionId reads the elapsed time).
 * - `wall`, the wall clock (epoch ms; Time.currentWallTime, System.currentTimeMillis): it may jump
 *   forwards or backwards (an NTP step) between two steps. Only what ZooKeeper 3.8 reads from the
 *   wall clock may read it: a txn header's time (so znode ctime/mtime), and the container/TTL
 *   sweep's age of a znode (now minus its mtime, both wall times). A jump must never shorten or
 *   lengthen a timeout.
 * A node that reads no wall time may declare `step(input, now)` only.
 *
 * Rules every node follows:
 * - `step` is deterministic: the same sequence of (input, now, wall) gives the same effects.
 * - Iteration over Maps/Sets must be in a defined order (insertion order or sorted).
 * - Everything in a `Message`, a log record, a snapshot or a metadata value is plain data
 *   (JSON-serialisable; `bigint` is not allowed — zxids are numbers, see `protocol/zxid.ts`).
 * - Objects handed to the host in effects are owned by the host afterwards: a node must not mutate
 *   a message, a log record or a snapshot after emitting it.
 */

import type { EventData, EventName } from '../trace/records.ts';

/**
 * Node address: an opaque name. A node never parses one: a server learns who is who (myid, node
 * id, participant or observer) from the ensemble's address book in its configuration
 * (`protocol/addressBook.ts`, `QuorumConfig.servers`), a client gets its servers' node ids in its
 * configuration. The ensemble builders name servers `s<myid>` and clients `c<n>` by default; a host
 * may use any other names.
 */
export type NodeId = string;

/** A message between nodes. `type` names it in the trace and in timeline filters. */
export interface Message {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * What survives a crash: the txn log records that were fsynced (or a torn prefix of the ones that
 * were not), every completed snapshot, and every completed metadata write.
 */
export interface DurableState {
  /** Txn log records in append order. Opaque to the host. */
  readonly log: readonly unknown[];
  /** Completed snapshots in the order they were taken; the newest is last. Opaque to the host. */
  readonly snapshots: readonly unknown[];
  /** Small metadata files (`acceptedEpoch`, `currentEpoch`, ...). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Operations on a node's own disk.
 *
 * **Completions and their order** (what every host keeps, and all a node may rely on):
 * - Every op except `append` gets exactly one completion (a `disk` input with the op's `id` and a
 *   `status`), unless the process dies first: ops in flight at a crash or halt are never completed.
 * - Completions reach the node in the order the ops were issued (per node, across all op kinds).
 * - An op's durable effect happens at some moment between its issue and its completion. Two ops in
 *   flight together may reach the platter in either order (the simulator applies `truncate` and
 *   `purge` at issue, the rest at completion): a node that needs A durable before B takes effect
 *   issues B only after A's completion.
 * - `append` has no completion. A failure to write appended records is reported by the completion
 *   of the next `fsync`.
 * - `status.ok`: the op is durable (`fsync`: every record appended before it, and not cut by a later
 *   `truncate` or `purge`, survives any crash).
 * - An error says the op did not take effect durably:
 *   - `fsync`: none of the records appended since the last `fsync` that completed ok may be relied
 *     on — the host may keep any of them or none, now or after a crash (the page cache drops pages
 *     whose write-back failed). An ok completion of a later fsync does not vouch for them either.
 *     A node must never treat them as durable; it brings its log back to a known state with a
 *     `truncate` to the records it saw durable.
 *   - `writeMeta`: the file keeps its old value (the write is atomic); `snapshot`: no new snapshot
 *     exists; `truncate`, `purge`: the log and snapshots are either as before the op or as after
 *     it (a `purge` may also have deleted only its oldest files).
 * - Errors are plain errno names (`DiskError`); a node treats them all alike, as ZooKeeper 3.8
 *   treats every IOException alike.
 */
export type DiskOp =
  /** Write records to the end of the txn log. Buffered: NOT durable until a later `fsync`
   *  completes ok. No completion input is sent (an error is reported by the next `fsync`). */
  | { readonly op: 'append'; readonly records: readonly unknown[] }
  /** Make every record appended before this op durable. Completes after the disk's fsync latency. */
  | { readonly op: 'fsync' }
  /** Atomically replace a metadata file (write temp, fsync, rename). Durable when it completes. */
  | { readonly op: 'writeMeta'; readonly key: string; readonly value: unknown }
  /** Write a snapshot file. Durable when it completes. */
  | { readonly op: 'snapshot'; readonly snapshot: unknown }
  /** Cut the txn log to its first `length` records. Durable when it completes. */
  | { readonly op: 'truncate'; readonly length: number }
  /** Delete old files (ZooKeeper's autopurge, PurgeTxnLog): the oldest `snapshots` snapshots and the
   *  first `log` txn log records (whole log files; the node only names records it saw durable).
   *  Oldest first, so a crash part-way leaves a suffix of each. Durable when it completes. */
  | { readonly op: 'purge'; readonly snapshots: number; readonly log: number };

/** An I/O error as its errno name: `EIO`, `ENOSPC`, `EDQUOT`, `EROFS`, ... */
export type DiskError = string;

/** How a disk op ended (see `DiskOp` for what each outcome promises). */
export type DiskStatus = { readonly ok: true } | { readonly ok: false; readonly error: DiskError };

/** The status of every op that succeeded (shared; hosts need not allocate one per completion). */
export const DISK_OK: DiskStatus = Object.freeze({ ok: true });

/**
 * A named port a node listens on. ZooKeeper 3.8: every server listens on `election`
 * (QuorumCnxManager's listener) and on `client` from its start; the leader listens on `quorum` from
 * when its LearnerCnxAcceptor starts until it stops leading.
 */
export type Port = 'election' | 'quorum' | 'client';

/**
 * Connections (TCP, modelled by the host; `ConnId` names one).
 *
 * - The opener names the connection (`connect {conn, to, port}`); the id must be unique for the
 *   whole run — no connection of any node, earlier or later, may have it (a host may assert it).
 *   ZooKeeper nodes build it from their own id, the peer's, a per-process counter and the local
 *   clock at the connect (`s2>s1#7@1234.5`). The accepting end sees the same id, with `from`.
 * - A connect to a port nobody listens on (or to a node that is down) is refused: the opener gets
 *   `lost {reason: 'refused'}`. Otherwise the listener gets `accepted {conn, from, port}` and the
 *   opener, a round trip later, `connected {conn}`.
 * - A node may `send` on a connection it just opened before `connected` arrives: the host carries
 *   the message behind the connect, and drops it if the connect is refused.
 * - Each direction is FIFO and never duplicates or reorders. `close {conn}` is a FIN: the other end
 *   gets `closed {conn}` after every message sent before it.
 * - `lost {conn, reason}`: `refused` (above); `reset` — the other end's process died (the OS reset
 *   its connections: each live peer end hears it one link latency later, after everything already
 *   sent on it), or a message reached the other side where no open end exists any more (its process
 *   restarted, or it closed its end); `broken` — the network lost a message of this direction
 *   (a host that cannot retransmit reports the connection broken in place of the next message).
 * - At most one of `closed`/`lost` reaches an end; after it, or after the node's own `close`,
 *   nothing more arrives on that connection at that end, and sending on it is a no-op (the host
 *   drops it). A node need not `close` an end it was told is closed or lost.
 * - `unlisten {port}` stops accepting new connections on it; established ones are left alone.
 */
export type ConnId = string;

/** Inputs a host hands to a node. */
export type Input =
  /** The process starts. `restart` is false on the first boot (durable state empty). */
  | { readonly kind: 'start'; readonly durable: DurableState; readonly restart: boolean }
  /** A message from a peer arrived, on connection `conn` (absent for a connectionless `send {to}`,
   *  which only the kernel's trivial test nodes use). */
  | { readonly kind: 'message'; readonly from: NodeId; readonly msg: Message; readonly conn?: ConnId }
  /** `from` connected to a port this node listens on (see `ConnId`). */
  | { readonly kind: 'accepted'; readonly conn: ConnId; readonly from: NodeId; readonly port: Port }
  /** A connection this node opened is established. */
  | { readonly kind: 'connected'; readonly conn: ConnId }
  /** The other end closed the connection (after every message it sent before closing). */
  | { readonly kind: 'closed'; readonly conn: ConnId }
  /** The connection is gone: refused, reset or broken (see `ConnId`). */
  | { readonly kind: 'lost'; readonly conn: ConnId; readonly reason: 'refused' | 'reset' | 'broken' }
  /** A timer set with `setTimer` fired. */
  | { readonly kind: 'timer'; readonly timer: string }
  /** The application (a workload, a scenario, a user) asks this node to do something: for a client
   *  node a ZooKeeper API call, for a server an admin command. Answered by a `reply` effect. */
  | { readonly kind: 'request'; readonly id: number; readonly op: unknown }
  /** A disk operation (other than `append`) completed, ok or with an error (`DiskOp`: the order
   *  completions arrive in and what each status promises). */
  | { readonly kind: 'disk'; readonly id: number; readonly op: DiskOp['op']; readonly status: DiskStatus };

/** Effects a node returns; the host carries them out. */
export type Effect =
  /** A message on an open connection (ZooKeeper nodes send only so). */
  | { readonly kind: 'send'; readonly conn: ConnId; readonly msg: Message; readonly to?: undefined }
  /** A connectionless message (the kernel's trivial test nodes only): may be lost, duplicated,
   *  reordered by the network's faults, and never reports anything. */
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: Message; readonly conn?: undefined }
  /** Open a connection to `to`'s `port`, named `conn` (see `ConnId`). */
  | { readonly kind: 'connect'; readonly conn: ConnId; readonly to: NodeId; readonly port: Port }
  /** Close this end (FIN). */
  | { readonly kind: 'close'; readonly conn: ConnId }
  /** Accept connections on `port` from now on. */
  | { readonly kind: 'listen'; readonly port: Port }
  /** Stop accepting connections on `port` (established ones stay). */
  | { readonly kind: 'unlisten'; readonly port: Port }
  /** Fire `timer` after `afterMs` of the node's monotonic time. Replaces a pending timer of that name. */
  | { readonly kind: 'setTimer'; readonly timer: string; readonly afterMs: number }
  | { readonly kind: 'cancelTimer'; readonly timer: string }
  | { readonly kind: 'disk'; readonly id: number; readonly op: DiskOp }
  /** The answer to a `request` input. */
  | { readonly kind: 'reply'; readonly id: number; readonly result: unknown }
  /** A client node tells its application of a watch event or a change of its connection state
   *  (`WatchedEvent`), as ZooKeeper's event thread calls a Watcher: unasked, in the order the
   *  client saw them. The host hands it to the application at once (the simulator: `onNotify`
   *  listeners and a `notify` trace record). The application never polls for events. */
  | { readonly kind: 'notify'; readonly event: WatchedEvent }
  /** A structured trace event (state change, vote, commit, ...): `event` selects the type of `data`
   *  (`trace/schema.ts` EVENTS, documented in `trace/README.md`). The host adds time and node id. */
  | TraceEffect
  /** A fault point (`protocol/faultpoints.ts`): the node has just done the effects before this one.
   *  A host may crash the node right here (the effects after it never happen); one without fault
   *  injection ignores it. */
  | { readonly kind: 'point'; readonly name: string }
  /** The process exits (ZooKeeper's `ServiceUtils.requestSystemExit(code)`: a snapshot or TRUNC
   *  that failed with an I/O error). Effects after it in the list are not carried out. The Node host
   *  ends that server as a process exit would (the page cache keeps every appended record; the
   *  process is not restarted); the simulator stops the node the same way (`crash` record with
   *  `graceful` and `halt: code`) and restarts it only when a scenario or the heal does. */
  | { readonly kind: 'halt'; readonly code: number; readonly reason: string };

/** Watcher.Event.EventType: `None` for a connection-state change, the others for a watch. */
export type WatchedEventType =
  | 'None'
  | 'NodeCreated'
  | 'NodeDeleted'
  | 'NodeDataChanged'
  | 'NodeChildrenChanged'
  | 'DataWatchRemoved'
  | 'ChildWatchRemoved'
  | 'PersistentWatchRemoved';

/** Watcher.Event.KeeperState as a 3.8 client reports it (ConnectedReadOnly and the SASL states are
 *  not modelled). */
export type KeeperState = 'SyncConnected' | 'Disconnected' | 'Expired' | 'AuthFailed' | 'Closed';

/**
 * What a client hands its application in a `notify` effect: ZooKeeper 3.8's WatchedEvent (type,
 * state, path) plus `zxid`, the zxid of the change that fired the watch. `zxid` is the model's
 * extra: its server knows the zxid and sends it with the notification, while a 3.8.0 server sends
 * -1 in the notification's reply header, so a real 3.8 application never sees it (the wire gateway
 * sends -1 as 3.8.0 does). A connection-state change has type `None`, path null, zxid -1.
 */
export interface WatchedEvent {
  readonly type: WatchedEventType;
  readonly state: KeeperState;
  readonly path: string | null;
  readonly zxid: number;
}

/**
 * A node's trace effect, typed per event: a missing or wrongly typed field is a compile error at
 * the emit site. `data` also admits reading any name (the `unknown` index signature) for hosts that
 * read effects generically; the strict decoder (`trace/decode.ts`, run over whole ensembles by
 * `trace/decode.test.ts`) rejects fields the schema does not list.
 */
export type TraceEffect = {
  [N in EventName]: { readonly kind: 'trace'; readonly event: N; readonly data: EventData<N> & { readonly [field: string]: unknown } };
}[EventName];

/** Builds the trace effect of `event` (for emitters that hold the event name in a type parameter). */
export function traceEffect<N extends EventName>(event: N, data: EventData<N>): TraceEffect {
  return { kind: 'trace', event, data } as unknown as TraceEffect;
}

/**
 * What a server node is doing, read without changing it: hosts (the Node host's `leader()`, the
 * four-letter words), scenarios and the timeline's state inspector read this instead of internal
 * fields. Plain data, a fresh object per call.
 */
export interface ServerStatus {
  readonly kind: 'server';
  readonly myid: number;
  /** LOOKING, FOLLOWING, LEADING, OBSERVING (QuorumPeer.ServerState). A standalone server
   *  (`standalone`) reports LEADING: it commits its own writes, as a leader of no one. */
  readonly role: 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';
  /** ZooKeeperServerMain rather than a QuorumPeer: no election, no Zab (4lw `Mode: standalone`). */
  readonly standalone: boolean;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** The vote this server advertises (its proposal while LOOKING, the decided vote otherwise). */
  readonly vote: { readonly leader: number; readonly zxid: number; readonly peerEpoch: number; readonly round: number } | null;
  /** The leader it follows or is (null while LOOKING). */
  readonly leader: number | null;
  /** Highest zxid in its txn log or tree (the number FLE compares). */
  readonly lastLoggedZxid: number;
  /** Highest zxid applied to its DataTree. */
  readonly lastProcessedZxid: number;
  /** Serving clients (leader established, or learner past UPTODATE). */
  readonly serving: boolean;
  /** Leader only: proposals not yet committed. */
  readonly outstandingProposals: number;
  /** Learner only: its sync phase (connecting, discovery, sync, broadcast). */
  readonly learnerPhase: string | null;
  /** Live sessions in its DataTree's session table (hex ids, sorted). */
  readonly sessions: readonly string[];
}

/** A protocol node. `now` is the node's monotonic clock in ms (it may drift, never jumps); `wall`
 *  its wall clock in epoch ms (it may drift and jump): see Clocks at the top of this file. */
export interface ProtocolNode {
  readonly id: NodeId;
  step(input: Input, now: number, wall: number): Effect[];
  /** A pure read of the node's state (servers implement it; see `ServerStatus`). */
  status?(): ServerStatus;
}

/** Creates a fresh process for a node: at first boot and at every restart after a crash. `seed` is
 *  the process's own seed, derived by the host from the run seed, the node id and the incarnation
 *  (the simulator: `<run seed>/<id>/<incarnation>`): the only randomness a node may use
 *  (`protocol/random.ts`). A factory may ignore it. */
export type NodeFactory = (id: NodeId, seed: string) => ProtocolNode;

/** An empty disk. */
export const EMPTY_DURABLE: DurableState = Object.freeze({
  log: Object.freeze([]) as readonly unknown[],
  snapshots: Object.freeze([]) as readonly unknown[],
  meta: Object.freeze({}),
});
