/**
 * The trace schema: every record kind the simulator kernel writes, every fault, and every event a
 * node emits as a `trace` effect, each with its typed fields. The record types (`records.ts`), the
 * strict decoder (`decode.ts`) and the documentation check (`trace/README.md`, `docs.test.ts`) all
 * read these tables. Adding or renaming a field here is the one change; the compiler then shows
 * every emitter and reader that must follow.
 *
 * Conventions: times are integer µs of global virtual time; zxids are plain numbers
 * (`epoch * 2^32 + counter`, print with `zxidHex`); session ids are hex strings
 * (`'0x500000000cc0000'`); a server's peer in Zab and election events is its sid (a number), a node
 * in kernel records is its NodeId (`s3`, `c1`).
 */
import { any, arrayOf, bool, int, message, num, numOrStr, object, oneOf, opt, orNull, str } from './fields.ts';
import type { Fields } from './fields.ts';

/** Bumped whenever a record or event changes shape; written in the header record. */
export const SCHEMA_VERSION = 1;

const latency = opt(object({ minUs: num, tailMeanUs: num, tailMaxUs: num }));

/** Kernel record kinds (`ev`) and their fields, besides `t`, `node`, `ev`. `fault` and `trace` have
 *  their own tables (`FAULTS`, `EVENTS`) for what follows the discriminating field. */
export const KERNEL = {
  /** First record of every trace (node '*', t 0): the schema version and the run's identity. */
  header: {
    schema: int,
    seed: numOrStr,
    nodes: arrayOf(str),
    /** The ensemble's address book (`protocol/addressBook.ts`): which nodes are servers, with their
     *  myid and role. Absent: no ZooKeeper ensemble named it (readers assume `s<myid>` names). */
    servers: opt(arrayOf(object({ myid: int, node: str, role: oneOf('participant', 'observer') }))),
  },
  /** A node's first start. */
  boot: {},
  /** A node restarts from durable state (counts of what its disk kept). */
  restart: { log: int, snapshots: int, meta: int },
  /** The node died; un-fsynced log records lost / kept (a torn prefix). `graceful`: a stop, not a
   *  crash — the process exited and the page cache kept every appended record. `halt`: the node
   *  ended its own process (a `halt` effect) with this exit code, for `reason`. */
  crash: { lost: int, kept: int, graceful: opt(bool), halt: opt(int), reason: opt(str) },
  /** The node is frozen (a GC pause). */
  pause: {},
  /** The node is thawed. */
  resume: {},
  /** Clock skew changed (`rate` = local µs per global µs, both clocks) or the wall clock jumped
   *  (`jumpMs`; the monotonic clock never jumps). */
  clock: { rate: num, jumpMs: num },
  /** The node sent message #m (`msg` is the full message) on connection `conn` (absent: a
   *  connectionless test-node message). */
  send: { to: str, conn: opt(str), m: int, type: str, msg: message },
  /** Message #m was delivered to `node`. */
  recv: { from: str, conn: opt(str), m: int, type: str },
  /** Message #m was not delivered: 'cut' | 'loss' | 'down' (crashed destination) | 'stale' (the
   *  destination restarted since the send) | 'unknown' (no such node) | 'closed' (no open end of
   *  its connection there: answered with a reset) | 'broken' (an earlier message of its connection
   *  was lost: the end hears `lost` instead); a request to a crashed node is `{from: 'app', m:
   *  <request id>, type: 'request'}`. */
  drop: { from: str, conn: opt(str), m: int, type: str, reason: oneOf('cut', 'loss', 'down', 'stale', 'unknown', 'closed', 'broken') },
  /** The node opens connection `conn` to `to`'s `port`. */
  connect: { to: str, conn: str, port: oneOf('election', 'quorum', 'client') },
  /** `node` accepted connection `conn` from `from` on its `port`. */
  accept: { from: str, conn: str, port: oneOf('election', 'quorum', 'client') },
  /** The connection `node` opened is established. */
  connected: { conn: str },
  /** `node` closed its end of `conn` (FIN). */
  close: { conn: str },
  /** `node` was told the other end closed `conn`. */
  closed: { conn: str },
  /** `node` was told `conn` is gone: refused (nobody listens), reset (the other process died or
   *  had no open end), broken (a message of it was lost). */
  lost: { conn: str, reason: oneOf('refused', 'reset', 'broken') },
  /** `node` starts (`listen`) or stops (`unlisten`) accepting connections on `port`. */
  listen: { port: oneOf('election', 'quorum', 'client') },
  unlisten: { port: oneOf('election', 'quorum', 'client') },
  /** Message #m will be delivered twice. */
  dup: { to: str, m: int },
  /** Message #m is held by a clogged link. */
  hold: { from: str, m: int },
  /** A timer fired at the node (late, at resume, if paused). */
  timer: { timer: str },
  /** The application asked `node` to do something (`op` is opaque to the trace). */
  request: { id: int, op: any },
  /** `node` answered request `id`. */
  reply: { id: int, result: any },
  /** Client `node` told its application of a watch event or a connection-state change (a `notify`
   *  effect: ZooKeeper's WatchedEvent; `type` None with `path` null and `zxid` -1 for a state). */
  notify: {
    type: oneOf('None', 'NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged', 'DataWatchRemoved', 'ChildWatchRemoved', 'PersistentWatchRemoved'),
    state: oneOf('SyncConnected', 'Disconnected', 'Expired', 'AuthFailed', 'Closed'),
    path: orNull(str),
    zxid: num,
  },
  /** A disk op completed and is durable from here on; a paused node gets it at resume. With `error`
   *  (an errno name) it failed instead (protocol/contract.ts DiskOp: what a failure leaves). */
  disk: { id: int, op: oneOf('fsync', 'writeMeta', 'snapshot', 'truncate', 'purge'), error: opt(str) },
  /** Free text from a scenario. */
  note: { text: str },
  /** A network or disk fault was applied (node '*' except for `disk`); fields per `FAULTS`. */
  fault: { fault: str },
  /** A node's own trace effect; `data` per `EVENTS[event]`. */
  trace: { event: str, data: any },
  /** A fault point fired at `node` (sim/faultpoints.ts); action 'crash': the crash record follows. */
  point: { point: str, action: oneOf('crash') },
} as const satisfies Record<string, Fields>;

/** `fault` records: `fault` names the fault, these are the other fields. */
export const FAULTS = {
  partition: { groups: arrayOf(arrayOf(str)) },
  isolate: { target: str },
  heal: {},
  cut: { from: str, to: str },
  uncut: { from: str, to: str },
  clog: { from: str, to: str },
  unclog: { from: str, to: str, released: int },
  /** A link's settings changed; `'*' '*'` is the default link. Only the changed settings appear. */
  link: { from: str, to: str, minUs: opt(num), tailMeanUs: opt(num), tailMaxUs: opt(num), loss: opt(num), dup: opt(num), reorder: opt(bool) },
  /** The disk of `node` changed; only the changed latencies (and I/O error probability) appear. */
  disk: { fsync: latency, writeMeta: latency, snapshot: latency, truncate: latency, purge: latency, errorP: opt(num) },
  /** A scripted I/O error armed on the disk of `node`: its `nth` next `op` fails with `error`. */
  failDisk: { op: oneOf('fsync', 'writeMeta', 'snapshot', 'truncate', 'purge'), nth: int, error: str },
} as const satisfies Record<string, Fields>;

const vote = object({ leader: int, zxid: num, electionEpoch: int, peerEpoch: num });

/** Events nodes emit as `trace` effects (`{kind: 'trace', event, data}`), by emitter. */
export const EVENTS = {
  // ---- server (QuorumPeer: protocol/server, protocol/zab)
  /** The peer enters a state; `epoch` is its acceptedEpoch then (absent for LOOKING). */
  state: { state: oneOf('LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'), epoch: opt(num) },
  /** The peer leaves its role (timeouts, lost quorum, broken connection, rollover); LOOKING follows. */
  'zab.abandon': { reason: str },
  /** The acceptedEpoch file write completed. */
  'epoch.accepted': { epoch: num },
  /** The currentEpoch file write completed. */
  'epoch.current': { epoch: num },
  /** Leader: a learner's ACKEPOCH is more recent than the leader; its connection is closed. */
  'zab.learnerAhead': { peer: int, epoch: num, zxid: num },
  /** Leader synchronises learner `peer`: `from` its last zxid, `to` the zxid it will hold. */
  'sync.send': { peer: int, mode: oneOf('DIFF', 'TRUNC', 'SNAP'), from: num, to: num },
  /** Learner installed the leader's snapshot at `zxid` (in memory; persisted at NEWLEADER). */
  'sync.snap': { zxid: num, digest: num },
  /** Learner cuts its txn log after `zxid` (TRUNC); a `db.load` follows. */
  'log.truncate': { zxid: num },
  /** After a failed fsync (`disk.error` before it) the server drops its log records after `zxid`:
   *  none of them was durable, and the model takes the ones in doubt as lost (a crash's torn tail,
   *  not a TRUNC: they were never acknowledged by this server). */
  'log.lost': { zxid: num },
  /** A disk op of the server failed (`op`, errno name `error`); what it does about it follows
   *  (`log.lost` + `zab.abandon` for the txn log or an epoch file; a `halt` for a snapshot or TRUNC). */
  'disk.error': { op: str, error: str },
  /** Autopurge (PurgeTxnLog) deletes the oldest `snapshots` snapshots and the first `log` log
   *  records; `zxid` is the oldest snapshot kept. */
  'log.purge': { snapshots: int, log: int, zxid: num },
  /** The server's tree was rebuilt from its disk (newest valid snapshot + every logged txn): at
   *  start-up, on going LOOKING, after TRUNC. `zxid` = the rebuilt tree's lastProcessedZxid. */
  'db.load': { zxid: num, digest: num },
  /** Learner sent the NEWLEADER ack. */
  'zab.ackNewLeader': { zxid: num },
  /** Leader got a quorum of NEWLEADER acks (`quorum`: voter sids, sorted); `zxid` = (epoch, 0). */
  'leader.established': { epoch: num, zxid: num, quorum: arrayOf(int) },
  /** The server answers clients. */
  serving: { role: oneOf('leader', 'follower', 'observer') },
  /** Leader assigned `zxid` to a txn and sent PROPOSAL. */
  propose: { zxid: num },
  /** A txn entered the server's log (page cache, not yet durable). */
  'log.append': { zxid: num },
  /** The fsync covering that txn completed. */
  'log.durable': { zxid: num },
  /** Leader counted an ack from sid `from` (its own after its fsync). */
  ack: { zxid: num, from: int },
  /** Leader decided the txn (quorum of acks; strictly in zxid order). */
  commit: { zxid: num },
  /** The server applied a committed txn (`type` = txn type, e.g. `create2`, `error`; `opaque` for
   *  the opaque backend); `digest` = the state's digest after it (`trace/README.md`, Digest). */
  apply: { zxid: num, type: str, digest: num },
  /** A snapshot write was issued. */
  snapshot: { zxid: num },
  /** The snapshot issued at `zxid` (`snapshot`) is complete on disk: a restart from here loads it. */
  'snapshot.durable': { zxid: num },
  /** Leader closed a learner connection. */
  'zab.learnerDropped': { peer: int, reason: str },
  /** A learner saw a COMMIT it cannot match (then it abandons); `pending` = the txn it expected. */
  'zab.error': { reason: str, zxid: num, pending: opt(num) },
  /** A packet the receiving role/phase has no use for (`phase`: `leader/<handler stage>`,
   *  `learner/<phase>`, `peer`); it is then ignored. */
  'zab.unexpected': { type: str, from: str, state: str, phase: str },
  /** A bounded queue is full (`protocol/limits.ts`); that limit's action follows (an abandon, a
   *  closed connection). */
  limit: { queue: oneOf('learnerInbox', 'learnerPending', 'outstandingProposals', 'connectionQueue'), limit: int, session: opt(str) },
  /** createSession applied here, with the session's negotiated timeout (ms). */
  'session.create': { session: str, timeoutMs: int },
  /** A client's closeSession applied here. */
  'session.close': { session: str },
  /** An expiry closeSession applied here. */
  'session.expire': { session: str },
  /** Leader: the tracker expired the session; a closeSession is proposed. */
  'session.expiring': { session: str },
  /** The server is behind the client's last zxid and refuses the connection. */
  'session.refused': { session: str, clientZxid: num, zxid: num },

  // ---- election (FastLeaderElection: protocol/election)
  /** An election starts: round (logicalclock) and the initial vote. */
  'election.start': { round: int, vote },
  /** Notification timeout: resent to every voter; `nextMs` the doubled timeout. */
  'election.timeout': { round: int, nextMs: num },
  /** The proposal changed (leader sid, zxid, electionEpoch, peerEpoch) in `round`. */
  vote: { leader: int, zxid: num, electionEpoch: int, peerEpoch: num, round: int },
  /** The election ended: the state decided, the winning vote, the sids whose votes made the quorum,
   *  how (`via`) and how long it took (`ms`, local clock). */
  'election.decided': {
    state: oneOf('LEADING', 'FOLLOWING', 'OBSERVING'),
    leader: int,
    zxid: num,
    peerEpoch: num,
    round: int,
    votesFrom: arrayOf(int),
    via: str,
    ms: num,
  },

  // ---- client (protocol/client)
  /** A request is sent (`flags` for create: 1 = the ephemeral bit). */
  'client.invoke': { session: str, xid: int, op: str, path: opt(str), flags: opt(int) },
  /** Its answer arrived (`rc` 0 = OK); also for requests failed locally (`zxid` -1). */
  'client.return': { session: str, xid: int, rc: int, zxid: num },
  /** A connection (new or re-established session) is up. */
  'client.connected': { server: orNull(str), session: str },
  /** A live connection was lost (`server` null when it never got one). */
  'client.disconnected': { server: orNull(str), session: str, reason: str },
  /** A server told the client its session is expired. */
  'client.expired': { session: str },

  // ---- standalone server node (protocol/standalone)
  /** The standalone server started (every start is a fresh server). */
  'zk.standalone.start': { restart: bool },
  /** A watch notification for `sessionId`. */
  'zk.event': { sessionId: str, type: int, path: str },

  // ---- the kernel's demo protocol (sim/ping-node.ts)
  /** A ping node started (`boots` so far, `log` records on its disk). */
  'ping.up': { boots: int, log: int },
  /** A ping node was told its connection with `peer` is closed or lost (`reason`). */
  'ping.lost': { peer: str, reason: oneOf('closed', 'refused', 'reset', 'broken') },
} as const satisfies Record<string, Fields>;
