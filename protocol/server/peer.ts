/**
 * QuorumPeer: one ZooKeeper server as a sans-I/O `ProtocolNode`. It owns the disk (txn log with
 * group commit, snapshots, acceptedEpoch/currentEpoch), runs Fast Leader Election while LOOKING
 * and hosts one Zab role (Leader or Learner) otherwise; the client-serving layer answers clients.
 */
import type { ConnId, DiskOp, DiskStatus, DurableState, Effect, Input, Message, NodeId, Port, ProtocolNode, ServerStatus } from '../contract.ts';
import { traceEffect } from '../contract.ts';
import type { EventData, EventName } from '../../trace/records.ts';
import type { QuorumConfig } from '../config.ts';
import { AddressBook } from '../addressBook.ts';
import { FastLeaderElection } from '../election/index.ts';
import type { Notification, ServerState, Vote } from '../election/index.ts';
import { invariant } from '../invariant.ts';
import { epochOf, zxidHex } from '../zxid.ts';
import { pointEffect, type FaultPointName } from '../faultpoints.ts';
import { Leader } from '../zab/leader.ts';
import { Learner } from '../zab/learner.ts';
import { isQuorumPacket } from '../zab/messages.ts';
import type { TxnEntry } from '../zab/messages.ts';
import type { DurableListener, PeerServices, ServingHooks } from '../zab/services.ts';
import { Prng } from '../random.ts';
import { META_TRUNCATED, ZkDatabase } from './database.ts';
import type { LogRecord, SnapshotFile, StateMachineFactory } from './database.ts';
import { EXIT_EXECUTION_FINISHED, EXIT_QUORUM_PACKET_ERROR, EXIT_SNAPSHOT_ERROR } from './exitCodes.ts';
import { planPurge } from './purge.ts';

/** The client-facing layer the peer hosts (see serving.ts). */
export interface ServingLayer extends ServingHooks {
  /** Stop serving: close every client connection (the ZooKeeperServer shuts down). */
  stop(): void;
  /** A client message on connection `conn` (to the `client` port). */
  onClientMessage(conn: ConnId, from: NodeId, msg: Message): void;
  /** A client connection was closed by the client or lost. */
  onClientGone(conn: ConnId): void;
  onTimer(timer: string): void;
  handles(msg: Message): boolean;
}

export interface PeerOptions {
  readonly cfg: QuorumConfig;
  readonly stateMachine: StateMachineFactory;
  readonly serving: (peer: QuorumPeer) => ServingLayer;
  /** This process's seed (from the host: run seed, node, incarnation); default the node id. */
  readonly seed?: string;
}

/** The end of a role teardown (`abandon`): the election starts. */
export const TEARDOWN_TIMER = 'peer.teardown';
/** Autopurge (DatadirCleanupManager's PurgeTask): at start-up, then every autopurgeIntervalMs. */
export const PURGE_TIMER = 'peer.purge';

/** An issued disk op waiting for its completion: what to run when it is ok, and when it fails
 *  (absent: the peer's default for that op, `diskFailed`). */
interface DiskWait {
  readonly op: DiskOp;
  readonly done: (() => void) | undefined;
  readonly fail: ((error: string) => void) | undefined;
}

export const META_ACCEPTED = 'acceptedEpoch';
export const META_CURRENT = 'currentEpoch';

export class QuorumPeer implements ProtocolNode, PeerServices {
  readonly sid: number;
  readonly node: NodeId;
  readonly cfg: QuorumConfig;
  /** False in quiet mode: hot paths skip building trace payloads. */
  readonly tracing: boolean;
  readonly db: ZkDatabase;
  readonly serving: ServingLayer;
  /** Who is who in the ensemble (cfg.servers): sids ↔ node ids. */
  readonly book: AddressBook;
  now = 0;
  wall = 0;
  acceptedEpoch = 0;
  currentEpoch = 0;
  state: ServerState = 'LOOKING';
  /** The vote the last election decided (what this server advertises while not LOOKING). */
  private vote: Vote | null = null;
  leader: Leader | null = null;
  learner: Learner | null = null;
  private election: FastLeaderElection;
  private out: Effect[] = [];
  private nextDiskId = 1;
  private readonly diskWaits = new Map<number, DiskWait>();
  /** Bumped by a failed txn-log fsync: completions of fsyncs issued before vouch for nothing. */
  private logGen = 0;
  /** Highest zxid this process saw durable in its own log (lowered by a truncate). */
  private durableZxid = 0;
  /** Snapshots known complete: a prefix of `db.snapshots` (the rest are still being written). */
  private snapshotsDone = 0;
  /** A purge (or the meta write before it) is in flight. */
  private purging = false;
  /** Records waiting for the next group commit, with who wants to hear they are durable. */
  private logRecords: TxnEntry[] = [];
  private logListeners: (DurableListener | null)[] = [];
  private logCallbacks: (() => void)[] = [];
  private fsyncsInFlight = 0;
  /** ZKDatabase.txnCount: txns appended since the last roll (per process, kept across roles). */
  private txnCount = 0;
  /** SyncRequestProcessor.randRoll: drawn at each role start and after each roll. */
  private randRoll = 0;
  /** The server's own randomness (randRoll, latencies): seeded by the host, deterministic. */
  readonly rng: Prng;
  private connCounter = 0;
  /** The port of every connection with an open end here (opened or accepted), to route
   *  `closed`/`lost` to its owner. */
  private readonly conns = new Map<ConnId, Port>();
  private started = false;
  /** Between leaving a role and starting the election (roleTeardown...Ms): the role is closed,
   *  `state` still names it and the election still answers with the decided vote. */
  tearingDown = false;

  constructor(
    readonly id: NodeId,
    private readonly opts: PeerOptions,
  ) {
    this.book = AddressBook.of(opts.cfg.servers);
    this.sid = this.book.myidOf(id);
    if (!Number.isInteger(this.sid)) throw new Error(`server ${id} is not in the address book`);
    this.node = id;
    this.cfg = opts.cfg;
    this.tracing = !opts.cfg.quiet;
    this.db = new ZkDatabase(opts.stateMachine, opts.cfg.commitLogCount, opts.cfg.bugs.pzxidNotRestoredFromSnapshot === true);
    this.rng = new Prng(opts.seed ?? id);
    this.election = this.newElection();
    this.serving = opts.serving(this);
  }

  private newElection(): FastLeaderElection {
    const c = this.cfg;
    return new FastLeaderElection({
      myid: this.sid,
      participants: c.participants,
      observers: c.observers,
      book: this.book,
      finalizeWaitMs: c.finalizeWaitMs,
      maxNotificationIntervalMs: c.maxNotificationIntervalMs,
      bugs: { voteOrderIgnoresEpoch: c.bugs.voteOrderIgnoresEpoch, selfLeaderIgnoresRound: c.bugs.selfLeaderIgnoresRound },
    });
  }

  step(input: Input, now: number, wall: number): Effect[] {
    this.out = [];
    this.now = now;
    this.wall = wall;
    switch (input.kind) {
      case 'start':
        this.start(input.durable);
        break;
      case 'message':
        this.onMessage(input.conn ?? '', input.from, input.msg);
        break;
      case 'accepted':
        this.onAccepted(input.conn, input.from, input.port);
        break;
      case 'connected':
        break;
      case 'closed':
        this.onConnGone(input.conn, 'closed');
        break;
      case 'lost':
        this.onConnGone(input.conn, input.reason);
        break;
      case 'timer':
        this.onTimer(input.timer);
        break;
      case 'disk':
        this.diskCompleted(input.id, input.status);
        break;
      case 'request':
        this.out.push({ kind: 'reply', id: input.id, result: this.admin(input.op) });
        break;
    }
    this.flushLog();
    this.checkRole();
    return this.out;
  }

  /** Role invariants, after every step: LEADING iff a Leader exists, FOLLOWING/OBSERVING iff a
   *  Learner exists, and acceptedEpoch >= currentEpoch (ZooKeeper refuses to start otherwise). */
  private checkRole(): void {
    const role = !this.tearingDown;
    invariant((role && this.state === 'LEADING') === (this.leader !== null), 'leadingIffLeader', this.node, () =>
      `state ${this.state} with${this.leader ? '' : 'out'} a leader object`,
    );
    invariant((role && (this.state === 'FOLLOWING' || this.state === 'OBSERVING')) === (this.learner !== null), 'learningIffLearner', this.node, () =>
      `state ${this.state} with${this.learner ? '' : 'out'} a learner object`,
    );
    invariant(this.acceptedEpoch >= this.currentEpoch, 'acceptedEpochAtLeastCurrent', this.node, () =>
      `acceptedEpoch ${this.acceptedEpoch} < currentEpoch ${this.currentEpoch}`,
    );
  }

  /** A packet this state has no use for: traced, then ignored (never silently). */
  unexpected(from: NodeId, type: string, where: string): void {
    this.trace('zab.unexpected', { type, from, state: this.state, phase: where });
  }

  // ------------------------------------------------------------------ lifecycle

  private start(durable: DurableState): void {
    if (this.started) return;
    this.started = true;
    // QuorumCnxManager's listener and the client port accept from the start (a server that is not
    // serving closes new client connections: serving.ts).
    this.listen('election');
    this.listen('client');
    this.db.load(durable);
    this.trace('db.load', { zxid: this.db.lastProcessedZxid, digest: this.db.sm.digest() });
    const log = this.db.log;
    this.durableZxid = log.length > 0 ? log[log.length - 1]!.zxid : 0;
    this.snapshotsDone = this.db.snapshots.length;
    // DatadirCleanupManager schedules its PurgeTask at a fixed rate with no initial delay.
    if (this.cfg.autopurgeIntervalMs > 0) this.setTimer(PURGE_TIMER, 0);
    const meta = durable.meta;
    this.acceptedEpoch = typeof meta[META_ACCEPTED] === 'number' ? (meta[META_ACCEPTED] as number) : 0;
    // ZooKeeper derives a missing currentEpoch from the last logged zxid.
    this.currentEpoch =
      typeof meta[META_CURRENT] === 'number' ? (meta[META_CURRENT] as number) : epochOf(this.db.lastProcessedZxid);
    // Planted currentEpochFromAcceptedOnRestart: the loader reads the acceptedEpoch file twice.
    if (this.cfg.bugs.currentEpochFromAcceptedOnRestart) this.currentEpoch = this.acceptedEpoch;
    this.lookForLeader();
  }

  private lookForLeader(): void {
    if (this.cfg.standalone) return this.serveStandalone();
    this.setState('LOOKING');
    this.push(this.election.lookForLeader(this.db.lastProcessedZxid, this.currentEpoch, this.now));
    this.checkOutcome();
  }

  private checkOutcome(): void {
    if (this.state !== 'LOOKING') return;
    const outcome = this.election.takeOutcome();
    if (!outcome) return;
    this.vote = outcome.vote;
    this.election.setCurrent(outcome.state, outcome.vote);
    this.setState(outcome.state);
    // A new role starts a new SyncRequestProcessor, which draws its randRoll (resetSnapshotStats).
    this.resetSnapshotStats();
    if (outcome.state === 'LEADING') this.leader = new Leader(this);
    else this.learner = new Learner(this, outcome.vote.leader, outcome.state === 'OBSERVING');
  }

  /** ZooKeeperServerMain (`cfg.standalone`): no election; the one server serves at once as the
   *  leader of no one (`Leader.serveStandalone`). Reported as LEADING (4lw: `Mode: standalone`). */
  private serveStandalone(): void {
    this.setState('LEADING');
    this.resetSnapshotStats();
    this.leader = new Leader(this);
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.trace('state', state === 'LOOKING' ? { state } : { state, epoch: this.acceptedEpoch });
  }

  abandon(reason: string): void {
    if (this.state === 'LOOKING' || this.tearingDown) return;
    this.trace('zab.abandon', { reason });
    this.leader?.close();
    this.learner?.close();
    this.leader = null;
    this.learner = null;
    this.serving.stop();
    this.point('peer.shuttingDown');
    // Shutting down the SyncRequestProcessor flushes what it had queued: those txns are on disk.
    // ZOOKEEPER-4712 (planted): the processor outlives the shutdown and flushes after the reload.
    if (!this.cfg.bugs.syncProcessorOutlivesShutdown) this.flushLog(true);
    // ZOOKEEPER-2845 fix: forget the in-memory tree and reload it from disk, so the election
    // advertises exactly what the log holds.
    if (!this.cfg.bugs.keepUncommittedOnLooking) {
      this.db.reload();
      this.trace('db.load', { zxid: this.db.lastProcessedZxid, digest: this.db.sm.digest() });
    }
    // Tearing the role down takes real time in 3.8 (the follower/leader shutdown stops the request
    // processors, the session tracker, JMX beans). Meanwhile the peer is still FOLLOWING/LEADING
    // to its election responder, which answers a LOOKING peer with the stale decided vote.
    const ms = this.rng.range(this.cfg.roleTeardownMinMs, this.cfg.roleTeardownMaxMs);
    if (ms <= 0) return this.lookForLeader();
    this.tearingDown = true;
    this.setTimer(TEARDOWN_TIMER, ms);
  }

  /** After sync, advertise the new epoch in election answers (updateElectionVote, ZOOKEEPER-1732):
   *  the decided vote with only its peerEpoch replaced. */
  servingStarted(): void {
    if (!this.vote) return;
    const epoch = this.leader ? this.leader.epoch : this.currentEpoch;
    this.vote = { ...this.vote, peerEpoch: epoch };
    this.election.setCurrent(this.state, this.vote);
  }

  // ------------------------------------------------------------------ dispatch

  private onMessage(conn: ConnId, from: NodeId, msg: Message): void {
    if (msg.type === 'NOTIFICATION') {
      this.push(this.election.onNotification(from, msg as Notification, this.now));
      this.checkOutcome();
      return;
    }
    // Client traffic first: it is the bulk (ZK_* types, see client/wire.ts).
    if (msg.type.startsWith('ZK_')) {
      if (this.serving.handles(msg)) this.serving.onClientMessage(conn, from, msg);
      return;
    }
    if (isQuorumPacket(msg)) {
      // Quorum connections are the role's: a role that ended closed them all.
      if (this.leader) this.leader.onPacket(conn, from, msg);
      else if (this.learner) this.learner.onPacket(conn, msg);
      return;
    }
    this.unexpected(from, msg.type, 'peer');
  }

  /** Someone connected to one of my ports. */
  private onAccepted(conn: ConnId, from: NodeId, port: Port): void {
    this.conns.set(conn, port);
    if (port === 'election') this.push(this.election.onAccepted(from, this.now));
    else if (port === 'quorum') {
      // Only a leader listens on the quorum port (it unlistens when it stops leading).
      if (this.leader) this.leader.onAccepted(conn);
      else this.close(conn);
    }
    // 'client': the ZK_CONNECT that follows opens the session (serving.ts).
  }

  /** A connection closed by the other end (`why` 'closed') or lost (refused, reset, broken). */
  private onConnGone(conn: ConnId, why: string): void {
    const port = this.conns.get(conn);
    if (port === undefined) return;
    this.conns.delete(conn);
    if (port === 'election') this.push(this.election.onConnGone(conn, why, this.now));
    else if (port === 'quorum') {
      this.leader?.onConnGone(conn, why);
      this.learner?.onConnGone(conn, why);
    } else this.serving.onClientGone(conn);
  }

  private onTimer(timer: string): void {
    if (timer === TEARDOWN_TIMER) {
      if (!this.tearingDown) return;
      this.tearingDown = false;
      this.lookForLeader();
    } else if (timer === PURGE_TIMER) {
      this.setTimer(PURGE_TIMER, this.cfg.autopurgeIntervalMs);
      this.purge();
    } else if (timer.startsWith('fle.')) {
      this.push(this.election.onTimer(timer, this.now));
      this.checkOutcome();
    } else if (timer.startsWith('zab.')) {
      this.leader?.onTimer(timer);
      this.learner?.onTimer(timer);
    } else {
      this.serving.onTimer(timer);
    }
  }

  /** Admin commands (a server's `request` input): `srvr` as the 4lw does, `dump` for tests. */
  private admin(op: unknown): unknown {
    const cmd = typeof op === 'object' && op !== null ? (op as { cmd?: unknown }).cmd : op;
    switch (cmd) {
      case 'srvr':
        return {
          state: this.state,
          zxid: this.db.lastProcessedZxid,
          acceptedEpoch: this.acceptedEpoch,
          currentEpoch: this.currentEpoch,
          leader: this.leader ? this.sid : (this.learner?.leaderSid ?? null),
          serving: this.isServing(),
        };
      case 'log':
        return { log: this.db.log.map((e) => e.zxid), lastProcessed: this.db.lastProcessedZxid };
      default:
        return { error: `unknown admin command ${String(cmd)}` };
    }
  }

  /** `ProtocolNode.status()`: a pure read (contract.ts `ServerStatus`). */
  status(): ServerStatus {
    return {
      kind: 'server',
      myid: this.sid,
      role: this.state,
      standalone: this.cfg.standalone === true,
      acceptedEpoch: this.acceptedEpoch,
      currentEpoch: this.currentEpoch,
      vote: this.election.advertised(),
      leader: this.leader ? this.sid : (this.learner?.leaderSid ?? null),
      lastLoggedZxid: this.db.lastLoggedZxid(),
      lastProcessedZxid: this.db.lastProcessedZxid,
      serving: this.isServing(),
      outstandingProposals: this.leader ? this.leader.outstandingCount : 0,
      learnerPhase: this.learner ? this.learner.syncPhase : null,
      sessions: this.db.sm.sessionIds ? this.db.sm.sessionIds() : [],
    };
  }

  isServing(): boolean {
    return (this.leader?.established ?? false) || (this.learner?.serving ?? false);
  }

  // ------------------------------------------------------------------ services for the roles

  send(conn: ConnId, msg: Message): void {
    this.out.push({ kind: 'send', conn, msg });
  }
  /** Ids: `<sid>><peer sid>#<n>@<local ms>` (unique for the run, contract.ts `ConnId`). */
  connect(to: NodeId, port: Port): ConnId {
    const conn = `${this.sid}>${this.book.myidOf(to)}#${++this.connCounter}@${this.now}`;
    this.conns.set(conn, port);
    this.out.push({ kind: 'connect', conn, to, port });
    return conn;
  }
  close(conn: ConnId): void {
    if (!this.conns.delete(conn)) return; // already closed or lost
    this.out.push({ kind: 'close', conn });
  }
  listen(port: Port): void {
    this.out.push({ kind: 'listen', port });
  }
  unlisten(port: Port): void {
    this.out.push({ kind: 'unlisten', port });
  }
  setTimer(timer: string, afterMs: number): void {
    this.out.push({ kind: 'setTimer', timer, afterMs });
  }
  cancelTimer(timer: string): void {
    this.out.push({ kind: 'cancelTimer', timer });
  }
  trace<N extends EventName>(event: N, data: EventData<N>): void {
    if (this.cfg.quiet) return;
    this.out.push(traceEffect(event, data));
  }
  point(name: FaultPointName): void {
    this.out.push(pointEffect(name));
  }
  private push(effects: Effect[]): void {
    for (const e of effects) {
      if (e.kind === 'connect') this.conns.set(e.conn, e.port); // the election's own connections
      this.out.push(e);
    }
  }

  disk(op: DiskOp, done?: () => void, fail?: (error: string) => void): void {
    const id = this.nextDiskId++;
    this.out.push({ kind: 'disk', id, op });
    if (op.op === 'append') return done?.();
    if (op.op === 'truncate') {
      // What survives the cut is at most what was durable before it.
      const log = this.db.log;
      const last = op.length > 0 && op.length <= log.length ? log[op.length - 1]!.zxid : 0;
      if (last < this.durableZxid) this.durableZxid = last;
    }
    this.diskWaits.set(id, { op, done, fail });
  }

  /** A `disk` input: run the op's continuation, or handle its failure (contract.ts DiskOp). */
  private diskCompleted(id: number, status: DiskStatus): void {
    const w = this.diskWaits.get(id);
    if (w === undefined) return;
    this.diskWaits.delete(id);
    if (status.ok) return w.done?.();
    this.trace('disk.error', { op: w.op.op, error: status.error });
    if (w.fail !== undefined) return w.fail(status.error);
    this.diskFailed(w.op, status.error);
  }

  /**
   * What ZooKeeper 3.8 does when a disk write throws an IOException, by op (txn-log fsyncs and
   * epoch files have their own handlers, `fsyncFailed` and `writeEpoch`):
   * - a snapshot: ZooKeeperServer.takeSnapshot logs "Severe unrecoverable error, exiting" and
   *   exits the process with TXNLOG_ERROR_TAKING_SNAPSHOT (10);
   * - a TRUNC (the cut, or the mark that voids newer snapshots, our stand-in for deleting them):
   *   Learner.syncWithLeader "Not able to truncate the log" exits with QUORUM_PACKET_ERROR (13);
   * - a purge: PurgeTask logs "Error occurred while purging." and the server goes on.
   */
  private diskFailed(op: DiskOp, error: string): void {
    switch (op.op) {
      case 'snapshot':
        return this.halt(EXIT_SNAPSHOT_ERROR, `Severe unrecoverable error, exiting: snapshot failed: ${error}`);
      case 'truncate':
        return this.halt(EXIT_QUORUM_PACKET_ERROR, `Not able to truncate the log: ${error}`);
      case 'writeMeta':
        if (op.key === META_TRUNCATED) return this.halt(EXIT_QUORUM_PACKET_ERROR, `Not able to truncate the log: ${error}`);
        return;
      case 'purge':
        this.purging = false;
        return;
      default:
        return;
    }
  }

  /** The process exits (ServiceUtils.requestSystemExit): the host carries nothing out after this. */
  private halt(code: number, reason: string): void {
    this.out.push({ kind: 'halt', code, reason });
  }

  writeEpoch(kind: 'accepted' | 'current', epoch: number, done?: () => void): void {
    const before = kind === 'accepted' ? this.acceptedEpoch : this.currentEpoch;
    if (kind === 'accepted') this.acceptedEpoch = epoch;
    else this.currentEpoch = epoch;
    const key = kind === 'accepted' ? META_ACCEPTED : META_CURRENT;
    this.disk(
      { op: 'writeMeta', key, value: epoch },
      () => {
        this.trace(kind === 'accepted' ? 'epoch.accepted' : 'epoch.current', { epoch });
        done?.();
      },
      (error) => {
        // QuorumPeer.writeLongToFile threw: the file (atomic) and the field (set only after the
        // write) keep the old epoch, and the IOException ends the role (Leader.lead,
        // Follower.followLeader): back to LOOKING.
        if (kind === 'accepted' && this.acceptedEpoch === epoch) this.acceptedEpoch = before;
        if (kind === 'current' && this.currentEpoch === epoch) this.currentEpoch = before;
        this.abandon(`${key} write failed: ${error}`);
      },
    );
  }

  logTxns(entries: readonly TxnEntry[], onDurable: () => void): void {
    for (const e of entries) {
      this.logRecords.push(e);
      this.logListeners.push(null);
    }
    this.logCallbacks.push(onDurable);
  }

  logTxn(entry: TxnEntry, listener: DurableListener | null): void {
    this.logRecords.push(entry);
    this.logListeners.push(listener);
  }

  /**
   * Group commit (SyncRequestProcessor): everything queued while no fsync is running is appended
   * and fsynced together at the end of the step; what arrives during an fsync waits for the next.
   */
  private flushLog(force = false): void {
    if ((this.fsyncsInFlight > 0 && !force) || this.logRecords.length === 0) return;
    const records = this.logRecords;
    const listeners = this.logListeners;
    const callbacks = this.logCallbacks;
    this.logRecords = [];
    this.logListeners = [];
    this.logCallbacks = [];
    // FileTxnLog: the first record after a restart, a TRUNC or a roll opens a new log file; a roll
    // comes after the record that takes txnCount past snapCount/2 + randRoll (SyncRequestProcessor).
    const db = this.db;
    let rolled = false;
    let written: LogRecord[] = records;
    for (let i = 0; i < records.length; i++) {
      let e: LogRecord = records[i]!;
      if (db.newFileNext) {
        db.newFileNext = false;
        e = { zxid: e.zxid, txn: e.txn, file: true };
        if (written === records) written = records.slice();
        written[i] = e;
      }
      db.log.push(e);
      if (this.tracing) this.trace('log.append', { zxid: e.zxid });
      if (++this.txnCount > (this.cfg.snapCount >> 1) + this.randRoll) {
        this.txnCount = 0;
        this.resetSnapshotStats();
        db.newFileNext = true;
        rolled = true;
      }
    }
    this.disk({ op: 'append', records: written });
    // A batch with callbacks holds the txns a learner logs at NEWLEADER (logTxns).
    const sync = callbacks.length > 0;
    this.point(sync ? 'learner.syncTxnsAppended' : 'log.appended');
    this.fsyncsInFlight++;
    const gen = this.logGen;
    const durable = (): void => {
      // The points come after the batch's log.durable records: a crash there must not leave a
      // trace that shows durable records as unsynced (the checkers read durability from it).
      const last = records.length - 1;
      if (records[last]!.zxid > this.durableZxid) this.durableZxid = records[last]!.zxid;
      for (let i = 0; i <= last; i++) {
        const zxid = records[i]!.zxid;
        if (this.tracing) this.trace('log.durable', { zxid });
        if (i === last && !sync) this.point('log.fsynced');
        listeners[i]?.durable(zxid);
      }
      if (sync) this.point('learner.syncTxnsFsynced');
      for (const cb of callbacks) cb();
    };
    this.disk(
      { op: 'fsync' },
      () => {
        this.fsyncsInFlight--;
        // Issued before a failed fsync was reported: its ok says nothing of the records in doubt.
        if (gen === this.logGen) durable();
      },
      (error) => {
        this.fsyncsInFlight--;
        if (gen !== this.logGen) return;
        // Planted ackDespiteFsyncError: the failure is taken for a completion.
        if (this.cfg.bugs.ackDespiteFsyncError) return durable();
        this.fsyncFailed(records[0]!.zxid, error);
      },
    );
    // The snapshot thread starts at the roll; the model snapshots once per batch, after it.
    if (rolled) this.takeSnapshot();
  }

  /**
   * The txn log's fsync failed (ZooKeeper 3.8: SyncRequestProcessor.flush throws, the critical
   * thread dies, ZooKeeperServerListenerImpl sets the server's state to ERROR; the leader's loop
   * and the follower's packet loop see it is not running and leave the role; the process lives on).
   * The failed batch and everything logged after it are in doubt (contract.ts DiskOp): never
   * acknowledged, dropped with the txns still queued for the dead processor, and cut from the log
   * (`truncate` back to the records before the batch: the model settles the doubt as "lost", one of
   * the outcomes a real disk allows). Then the role ends; a LOOKING server reloads its tree.
   * A standalone server (ZooKeeperServerMain) has a shutdown handler on the ERROR state: it shuts
   * down and the process exits with EXECUTION_FINISHED (0).
   */
  private fsyncFailed(firstZxid: number, error: string): void {
    if (this.cfg.standalone) return this.halt(EXIT_EXECUTION_FINISHED, `txn log fsync failed: ${error}: the standalone server shuts down`);
    this.logGen++;
    this.logRecords = [];
    this.logListeners = [];
    this.logCallbacks = [];
    const db = this.db;
    const keep = db.truncateLength(firstZxid - 1);
    if (keep < db.log.length) {
      db.log.length = keep;
      this.trace('log.lost', { zxid: firstZxid - 1 });
    }
    // FileTxnLog reopens after a failed stream: the next append starts a new file.
    db.newFileNext = true;
    this.disk({ op: 'truncate', length: keep }, undefined, (e) =>
      this.halt(EXIT_QUORUM_PACKET_ERROR, `Not able to truncate the log after a failed fsync: ${e}`),
    );
    if (this.state !== 'LOOKING' && !this.tearingDown) return this.abandon(`txn log fsync failed: ${error}`);
    db.reload();
    this.trace('db.load', { zxid: db.lastProcessedZxid, digest: db.sm.digest() });
  }

  /**
   * Autopurge (PurgeTxnLog.purge with autopurge.snapRetainCount): keep the newest N valid
   * snapshots, delete older ones and every log file that ends before the oldest kept snapshot
   * (`planPurge`). Runs on its own timer whatever the role, as DatadirCleanupManager's thread does.
   */
  private purge(): void {
    if (this.purging) return;
    const db = this.db;
    const plan = planPurge(db, this.snapshotsDone, Math.max(3, this.cfg.autopurgeSnapRetainCount), this.durableZxid);
    if (plan === null) return;
    this.purging = true;
    if (plan.clearTruncMark) {
      // Every snapshot the TRUNC mark voids goes in this purge: clear the mark first (its indices
      // would shift), then purge with a fresh plan.
      const old = db.trunc;
      const mark = { zxid: old!.zxid, snapshots: 0 };
      db.trunc = mark;
      this.disk({ op: 'writeMeta', key: META_TRUNCATED, value: mark }, () => {
        this.purging = false;
        this.purge();
      }, () => {
        // The file keeps the old mark; so does memory, unless a TRUNC wrote a new one meanwhile.
        if (db.trunc === mark) db.trunc = old;
        this.purging = false;
      });
      return;
    }
    db.snapshots.splice(0, plan.snapshots);
    this.snapshotsDone -= plan.snapshots;
    db.log.splice(0, plan.log);
    this.trace('log.purge', { snapshots: plan.snapshots, log: plan.log, zxid: plan.zxid });
    this.disk({ op: 'purge', snapshots: plan.snapshots, log: plan.log }, () => {
      this.purging = false;
    });
  }

  /** SyncRequestProcessor.resetSnapshotStats: randRoll = nextInt(snapCount / 2). */
  private resetSnapshotStats(): void {
    this.randRoll = this.rng.int(this.cfg.snapCount >> 1);
  }

  takeSnapshot(done?: () => void): void {
    const file: SnapshotFile = { zxid: this.db.lastProcessedZxid, image: this.db.sm.serialize() };
    this.db.snapshots.push(file);
    this.trace('snapshot', { zxid: file.zxid });
    this.disk({ op: 'snapshot', snapshot: file }, () => {
      this.snapshotsDone++;
      this.trace('snapshot.durable', { zxid: file.zxid });
      this.point('snapshot.written');
      done?.();
    });
  }

  applyCommitted(entry: TxnEntry): void {
    invariant(entry.zxid > this.db.lastProcessedZxid, 'commitsInZxidOrder', this.node, () =>
      `applying ${zxidHex(entry.zxid)} after ${zxidHex(this.db.lastProcessedZxid)}`,
    );
    const result = this.db.apply(entry);
    if (this.tracing) {
      const type = (entry.txn as { hdr?: { type?: unknown } } | null)?.hdr?.type;
      this.trace('apply', { zxid: entry.zxid, type: typeof type === 'string' ? type : 'opaque', digest: this.db.sm.digest() });
    }
    this.point('apply.done');
    this.serving.applied(entry, result);
  }

  serverNode(sid: number): NodeId {
    return this.book.nodeOf(sid);
  }
}
