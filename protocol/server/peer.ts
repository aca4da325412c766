/**
 * QuorumPeer: one ZooKeeper server as a sans-I/O `ProtocolNode`. It owns the disk (txn log with
 * group commit, snapshots, acceptedEpoch/currentEpoch), runs Fast Leader Election while LOOKING
 * and hosts one Zab role (Leader or Learner) otherwise; the client-serving layer answers clients.
 */
import type { DiskOp, DurableState, Effect, Input, Message, NodeId, ProtocolNode, ServerStatus } from '../contract.ts';
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
import { ZkDatabase } from './database.ts';
import type { LogRecord, SnapshotFile, StateMachineFactory } from './database.ts';

/** The client-facing layer the peer hosts (see serving.ts). */
export interface ServingLayer extends ServingHooks {
  /** Stop serving: close every client connection (the ZooKeeperServer shuts down). */
  stop(): void;
  onClientMessage(from: NodeId, msg: Message): void;
  onClientDown(peer: NodeId): void;
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
  private readonly diskDone = new Map<number, () => void>();
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
        this.onMessage(input.from, input.msg);
        break;
      case 'timer':
        this.onTimer(input.timer);
        break;
      case 'disk': {
        const cb = this.diskDone.get(input.id);
        if (cb) {
          this.diskDone.delete(input.id);
          cb();
        }
        break;
      }
      case 'peerDown':
        this.election.onPeerDown(input.peer);
        this.leader?.onPeerDown(input.peer);
        this.learner?.onPeerDown(input.peer);
        this.serving.onClientDown(input.peer);
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
    this.db.load(durable);
    this.trace('db.load', { zxid: this.db.lastProcessedZxid, digest: this.db.sm.digest() });
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

  private onMessage(from: NodeId, msg: Message): void {
    if (msg.type === 'NOTIFICATION') {
      this.push(this.election.onNotification(from, msg as Notification, this.now));
      this.checkOutcome();
      return;
    }
    // Client traffic first: it is the bulk (ZK_* types, see client/wire.ts).
    if (msg.type.startsWith('ZK_')) {
      if (this.serving.handles(msg)) this.serving.onClientMessage(from, msg);
      return;
    }
    if (isQuorumPacket(msg)) {
      if (this.leader) this.leader.onPacket(from, msg);
      else if (this.learner) this.learner.onPacket(from, msg);
      else if (msg.type === 'FOLLOWERINFO' || msg.type === 'OBSERVERINFO') {
        // (Also while tearing a role down: the leader's quorum socket is already closed.)
        // Not leading: nobody listens on the quorum port, the connection is refused.
        this.send(from, { type: 'QCLOSE', conn: msg.conn, seq: 1 });
      }
      // Anything else is from a connection that is already closed (TCP would not deliver it).
      return;
    }
    this.unexpected(from, msg.type, 'peer');
  }

  private onTimer(timer: string): void {
    if (timer === TEARDOWN_TIMER) {
      if (!this.tearingDown) return;
      this.tearingDown = false;
      this.lookForLeader();
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

  send(to: NodeId, msg: Message): void {
    this.out.push({ kind: 'send', to, msg });
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
    for (const e of effects) this.out.push(e);
  }

  disk(op: DiskOp, done?: () => void): void {
    const id = this.nextDiskId++;
    this.out.push({ kind: 'disk', id, op });
    if (op.op === 'append') done?.();
    else if (done) this.diskDone.set(id, done);
  }

  writeEpoch(kind: 'accepted' | 'current', epoch: number, done?: () => void): void {
    if (kind === 'accepted') this.acceptedEpoch = epoch;
    else this.currentEpoch = epoch;
    this.disk({ op: 'writeMeta', key: kind === 'accepted' ? META_ACCEPTED : META_CURRENT, value: epoch }, () => {
      this.trace(kind === 'accepted' ? 'epoch.accepted' : 'epoch.current', { epoch });
      done?.();
    });
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
    this.disk({ op: 'fsync' }, () => {
      this.fsyncsInFlight--;
      // The points come after the batch's log.durable records: a crash there must not leave a
      // trace that shows durable records as unsynced (the checkers read durability from it).
      const last = records.length - 1;
      for (let i = 0; i <= last; i++) {
        const zxid = records[i]!.zxid;
        if (this.tracing) this.trace('log.durable', { zxid });
        if (i === last && !sync) this.point('log.fsynced');
        listeners[i]?.durable(zxid);
      }
      if (sync) this.point('learner.syncTxnsFsynced');
      for (const cb of callbacks) cb();
    });
    // The snapshot thread starts at the roll; the model snapshots once per batch, after it.
    if (rolled) this.takeSnapshot();
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

  newConn(peerSid: number): string {
    return `${this.sid}>${peerSid}#${++this.connCounter}@${this.now}`;
  }

  serverNode(sid: number): NodeId {
    return this.book.nodeOf(sid);
  }
}
