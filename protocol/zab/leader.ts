/**
 * The LEADING role: ZooKeeper's Leader + one LearnerHandler per connected learner, as one state
 * machine. Phases: discovery (FOLLOWERINFO -> epoch = max(acceptedEpoch)+1 -> LEADERINFO),
 * ACKEPOCH quorum, synchronization (DIFF/TRUNC/SNAP + NEWLEADER per learner, quorum of NEWLEADER
 * acks), then broadcast (PROPOSAL/ACK/COMMIT in zxid order, INFORM to observers) with the ping loop
 * that deposes a leader without a synced quorum.
 */
import type { ConnId, NodeId } from '../contract.ts';
import { isMajority } from '../election/quorum.ts';
import { invariant } from '../invariant.ts';
import { counterOf, epochOf, makeZxid, MAX_COUNTER, zxidHex } from '../zxid.ts';
import type { AckEpoch, FollowerInfo, QuorumPacket, TxnEntry } from './messages.ts';
import type { DurableListener, PeerServices } from './services.ts';
import { planSync } from './syncPlan.ts';
import { UnackedProposals } from './unacked.ts';

/** info: sent FOLLOWERINFO; epochAck: got LEADERINFO; sync: acked the epoch, waits for its sync;
 *  newLeader: sync + NEWLEADER sent; newLeaderAcked: waits for the leader to start; running. */
type Stage = 'info' | 'epochAck' | 'sync' | 'newLeader' | 'newLeaderAcked' | 'running';

interface Handler {
  readonly sid: number;
  readonly node: NodeId;
  readonly conn: ConnId;
  readonly observer: boolean;
  stage: Stage;
  ackEpoch?: AckEpoch;
  tickOfNextAckDeadline: number;
  /** Receives proposals/commits (set by startForwarding). */
  forwarding: boolean;
  /** zxid -> local time sent, for proposals not yet acked (LearnerHandler.SyncLimitCheck). */
  unacked: UnackedProposals;
}

interface Outstanding {
  readonly entry: TxnEntry;
  readonly acks: Set<number>;
}

export const INIT_TIMER = 'zab.init';
export const PING_TIMER = 'zab.ping';
/** The quorum port starts accepting learners (`leaderListen...Ms` after LEADING). */
export const LISTEN_TIMER = 'zab.listen';
/** startZkServer is done after the NEWLEADER ack quorum (`leaderStartup...Ms`). */
export const STARTUP_TIMER = 'zab.leaderStartup';

export class Leader implements DurableListener {
  readonly handlers = new Map<number, Handler>();
  /** sid -> acceptedEpoch of participants that sent FOLLOWERINFO (and me). */
  private readonly connecting = new Map<number, number>();
  private readonly electing = new Set<number>();
  private readonly newLeaderAcks = new Set<number>();
  private maxAcceptedEpoch: number;
  epoch = -1;
  private epochChosen = false;
  /** My acceptedEpoch write of the chosen epoch completed: LEADERINFO may go out. */
  private epochWritten = false;
  private epochAcked = false;
  /** My currentEpoch is written: learners may be synced. */
  private syncing = false;
  established = false;
  /** The quorum port accepts learners (the Leader constructor bound it). */
  private listening = false;
  /** Accepted learner connections that have not sent FOLLOWERINFO/OBSERVERINFO yet. */
  private readonly accepted = new Set<ConnId>();
  /** The NEWLEADER ack quorum is in and startZkServer runs (`leaderStartup...Ms`). */
  private startingUp = false;
  private closed = false;
  lastProposed = 0;
  lastCommitted = 0;
  /** Proposed but not committed, oldest first. Proposals get consecutive zxids and commit from the
   *  front only, so a plain array indexed by (zxid - first zxid) replaces a Map keyed by zxid. */
  private readonly outstanding: Outstanding[] = [];
  /** zxid -> callbacks to run once it is committed (sync()). */
  private readonly pendingSyncs = new Map<number, (() => void)[]>();
  private tick = 0;
  private tickSkip = true;
  /** Proposals not yet committed (for status displays). */
  get outstandingCount(): number {
    return this.outstanding.length;
  }
  /** The leader's own (currentEpoch, lastZxid), fixed at lead() start (leaderStateSummary). */
  private readonly myCurrentEpoch: number;
  private readonly myLastZxid: number;

  constructor(private readonly p: PeerServices) {
    this.myCurrentEpoch = p.currentEpoch;
    this.myLastZxid = p.db.lastProcessedZxid;
    this.maxAcceptedEpoch = p.acceptedEpoch;
    if (p.cfg.standalone) {
      this.serveStandalone();
      return;
    }
    this.connecting.set(p.sid, p.acceptedEpoch);
    p.setTimer(INIT_TIMER, p.cfg.initLimitTicks * p.cfg.tickTimeMs);
    // QuorumPeer.makeLeader: the Leader constructor binds the quorum port; a learner that decided
    // first is refused until then and retries after leaderConnectDelayDuringRetryMs.
    const listenMs = p.rng.range(p.cfg.leaderListenMinMs, p.cfg.leaderListenMaxMs);
    if (listenMs <= 0) this.startListening();
    else p.setTimer(LISTEN_TIMER, listenMs);
    this.tryChooseEpoch();
  }

  // ------------------------------------------------------------------ inputs

  /** A learner connected to the quorum port (only open while `listening`). */
  onAccepted(conn: ConnId): void {
    if (this.closed) return this.p.close(conn);
    this.accepted.add(conn);
  }

  onPacket(conn: ConnId, from: NodeId, m: QuorumPacket): void {
    if (this.closed) return;
    if ((m.type === 'FOLLOWERINFO' || m.type === 'OBSERVERINFO') && this.accepted.delete(conn)) {
      return this.onInfo(conn, from, m);
    }
    const h = this.handlerFor(conn);
    if (!h) return;
    h.tickOfNextAckDeadline = this.tick + this.p.cfg.syncLimitTicks;
    switch (m.type) {
      case 'ACKEPOCH':
        return this.onAckEpoch(h, m);
      case 'ACK':
        return this.onAck(h, m.zxid);
      case 'PINGREPLY':
        this.p.serving.touch(m.sessions);
        return;
      case 'REQUEST':
        this.p.serving.forwarded(h.sid, m.request);
        return;
      case 'REVALIDATE': {
        const valid = this.p.serving.revalidate(h.sid, m.sessionId, m.timeout);
        this.p.send(h.conn, { type: 'REVALIDATE', sessionId: m.sessionId, timeout: m.timeout, valid });
        return;
      }
      default:
        this.p.unexpected(from, m.type, `leader/${h.stage}`);
        return;
    }
  }

  /** A quorum connection was closed by the learner or lost (`why`: 'closed', 'reset', 'broken'). */
  onConnGone(conn: ConnId, why: string): void {
    this.accepted.delete(conn);
    const h = this.handlerFor(conn);
    if (h) this.dropHandler(h, why === 'closed' ? 'learner closed' : `connection ${why}`);
  }

  onTimer(timer: string): void {
    if (this.closed) return;
    if (timer === INIT_TIMER) {
      const phase = !this.epochChosen ? 'epoch' : !this.epochAcked ? 'ackepoch' : 'newleader';
      this.p.abandon(`timeout waiting for ${phase} quorum`);
    } else if (timer === PING_TIMER) {
      this.pingLoop();
    } else if (timer === LISTEN_TIMER) {
      this.startListening();
    } else if (timer === STARTUP_TIMER) {
      this.establish();
    }
  }

  /** The LearnerCnxAcceptor starts: the quorum port accepts learners. */
  private startListening(): void {
    this.listening = true;
    this.p.listen('quorum');
  }

  /** Leave leadership: stop accepting, close every learner connection (they see EOF at once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.p.cancelTimer(INIT_TIMER);
    this.p.cancelTimer(PING_TIMER);
    if (!this.listening) this.p.cancelTimer(LISTEN_TIMER);
    else this.p.unlisten('quorum');
    if (this.startingUp) this.p.cancelTimer(STARTUP_TIMER);
    for (const conn of this.accepted) this.p.close(conn);
    this.accepted.clear();
    for (const h of this.handlers.values()) this.p.close(h.conn);
    this.handlers.clear();
  }

  // ------------------------------------------------------------------ discovery

  private onInfo(conn: ConnId, from: NodeId, m: FollowerInfo): void {
    const old = this.handlers.get(m.sid);
    if (old) this.dropHandler(old, 'replaced by a new connection');
    const observer = m.type === 'OBSERVERINFO' || !this.p.cfg.participants.includes(m.sid);
    const h: Handler = {
      sid: m.sid,
      node: from,
      conn,
      observer,
      stage: 'info',
      tickOfNextAckDeadline: this.tick + this.p.cfg.initLimitTicks + this.p.cfg.syncLimitTicks,
      forwarding: false,
      unacked: new UnackedProposals(),
    };
    this.handlers.set(m.sid, h);
    const accepted = epochOf(m.zxid);
    if (!this.epochChosen) {
      // getEpochToPropose: every learner's acceptedEpoch raises the bar; only voters count.
      this.maxAcceptedEpoch = Math.max(this.maxAcceptedEpoch, accepted);
      if (!observer) this.connecting.set(m.sid, accepted);
      this.tryChooseEpoch();
    } else if (this.epochWritten) {
      // getEpochToPropose holds its lock across setAcceptedEpoch: a late learner gets LEADERINFO
      // only once the epoch is durable (until then the write's completion sends it, below).
      this.sendLeaderInfo(h);
    }
  }

  private tryChooseEpoch(): void {
    if (this.epochChosen || !isMajority(this.connecting.keys(), this.p.cfg.participants)) return;
    this.epochChosen = true;
    this.epoch = this.maxAcceptedEpoch + 1;
    this.lastProposed = makeZxid(this.epoch, 0);
    this.p.writeEpoch('accepted', this.epoch, () => {
      if (this.closed) return;
      this.epochWritten = true;
      this.p.point('leader.afterAcceptedEpoch');
      this.p.setTimer(INIT_TIMER, this.p.cfg.initLimitTicks * this.p.cfg.tickTimeMs);
      this.electing.add(this.p.sid);
      for (const h of this.handlers.values()) this.sendLeaderInfo(h);
      // A lone voter (a 1-server ensemble) is its own epoch-ack quorum.
      this.tryEpochAcked();
    });
  }

  private sendLeaderInfo(h: Handler): void {
    if (h.stage !== 'info') return;
    h.stage = 'epochAck';
    this.p.send(h.conn, { type: 'LEADERINFO', zxid: makeZxid(this.epoch, 0) });
  }

  private onAckEpoch(h: Handler, m: AckEpoch): void {
    if (h.stage !== 'epochAck') return this.p.unexpected(h.node, m.type, `leader/${h.stage}`);
    // waitForEpochAck: a learner more recent than me cannot be synced by me. ZooKeeper throws in
    // that learner's handler thread, which closes its connection; without a quorum the leader then
    // times out and gives up.
    // Only checked while the epoch-ack quorum is still being gathered (electionFinished skips it).
    if (!this.epochAcked && m.currentEpoch !== -1 && this.isMoreRecent(m.currentEpoch, m.lastZxid)) {
      this.p.trace('zab.learnerAhead', { peer: h.sid, epoch: m.currentEpoch, zxid: m.lastZxid });
      this.dropHandler(h, 'follower is ahead of the leader');
      return;
    }
    h.ackEpoch = m;
    h.stage = 'sync';
    if (this.syncing) return this.syncLearner(h);
    if (this.epochAcked) return; // synced once my currentEpoch is written
    if (!h.observer) this.electing.add(h.sid);
    this.tryEpochAcked();
  }

  /** A quorum (me included) acked the epoch: write currentEpoch, then sync the learners. */
  private tryEpochAcked(): void {
    if (this.epochAcked || !isMajority(this.electing, this.p.cfg.participants)) return;
    this.epochAcked = true;
    this.p.writeEpoch('current', this.epoch, () => {
      if (this.closed) return;
      this.p.point('leader.afterCurrentEpoch');
      this.syncing = true;
      this.p.setTimer(INIT_TIMER, this.p.cfg.initLimitTicks * this.p.cfg.tickTimeMs);
      this.newLeaderAcks.add(this.p.sid);
      for (const x of [...this.handlers.values()]) if (x.stage === 'sync') this.syncLearner(x);
      this.tryEstablish();
    });
  }

  private isMoreRecent(epoch: number, zxid: number): boolean {
    return epoch > this.myCurrentEpoch || (epoch === this.myCurrentEpoch && zxid > this.myLastZxid);
  }

  // ------------------------------------------------------------------ synchronization

  private syncLearner(h: Handler): void {
    if (!this.syncing || h.stage !== 'sync' || !h.ackEpoch || this.handlers.get(h.sid) !== h) return;
    h.stage = 'newLeader';
    const db = this.p.db;
    const peerLast = h.ackEpoch.lastZxid;
    // txnLogSyncEnabled (snapshotSizeFactor >= 0): a peer older than the window may DIFF from the log.
    const txnLog = this.p.cfg.snapshotSizeFactor >= 0 ? (z: number) => db.txnLogFrom(z) : undefined;
    const plan = planSync(peerLast, db.window(), db.lastProcessedZxid, this.p.cfg.forceSnapSync, this.p.cfg.bugs, txnLog);
    if (plan.mode === 'SNAP') {
      this.p.send(h.conn, { type: 'SNAP', zxid: plan.zxid, snapshot: db.sm.serialize() });
    } else {
      this.p.send(h.conn, { type: plan.mode, zxid: plan.zxid });
    }
    for (const e of plan.entries) {
      this.p.send(h.conn, { type: 'PROPOSAL', entry: e });
      this.p.send(h.conn, { type: 'COMMIT', zxid: e.zxid });
    }
    this.p.trace('sync.send', { peer: h.sid, mode: plan.mode, from: peerLast, to: plan.upTo });
    this.startForwarding(h, plan.upTo);
    this.p.send(h.conn, { type: 'NEWLEADER', zxid: makeZxid(this.epoch, 0) });
    this.p.point('leader.afterNewLeaderSent');
  }

  /** Leader.startForwarding: proposals still outstanding go to a joining participant. */
  private startForwarding(h: Handler, upTo: number): void {
    if (!h.observer && this.lastProposed > upTo) {
      for (const o of this.outstanding) {
        if (o.entry.zxid <= upTo) continue;
        this.p.send(h.conn, { type: 'PROPOSAL', entry: o.entry });
        h.unacked.add(o.entry.zxid, this.p.now);
      }
    }
    h.forwarding = true;
  }

  private onAck(h: Handler, zxid: number): void {
    if (h.stage === 'newLeader' && zxid !== makeZxid(this.epoch, 0)) {
      // LearnerHandler: the first packet after NEWLEADER must be its ACK.
      this.dropHandler(h, 'next packet was supposed to be the NEWLEADER ack');
      return;
    }
    if (counterOf(zxid) === 0) {
      // NEWLEADER ack (or the ack of UPTODATE, which carries the same zxid and is ignored).
      if (zxid !== makeZxid(this.epoch, 0)) return this.p.unexpected(h.node, 'ACK', `leader/${h.stage}`);
      if (h.stage !== 'newLeader') return;
      h.stage = 'newLeaderAcked';
      if (this.established) return this.sendUpToDate(h);
      if (!h.observer) this.newLeaderAcks.add(h.sid);
      this.tryEstablish();
      return;
    }
    h.unacked.ack(zxid);
    if (h.observer) return;
    this.processAck(h.sid, zxid);
  }

  private tryEstablish(): void {
    if (this.established || this.startingUp || !this.epochAcked || !this.newLeaderAcks.has(this.p.sid)) return;
    if (!isMajority(this.newLeaderAcks, this.p.cfg.participants)) return;
    // "Have quorum of supporters": startZkServer (session tracker, processors, JMX beans) takes
    // real time in 3.8 before the handlers send UPTODATE.
    const cfg = this.p.cfg;
    const ms = this.p.rng.range(cfg.leaderStartupMinMs, cfg.leaderStartupMaxMs);
    if (ms <= 0) return this.establish();
    this.startingUp = true;
    this.p.setTimer(STARTUP_TIMER, ms);
  }

  private establish(): void {
    if (this.established || this.closed) return;
    this.startingUp = false;
    this.established = true;
    this.p.cancelTimer(INIT_TIMER);
    const zxid = makeZxid(this.epoch, 0);
    this.lastCommitted = zxid;
    // startZkServer sets the tree's lastProcessedZxid to (epoch, 0): reads and syncs answer with it.
    this.p.db.setLastProcessedZxid(zxid);
    this.lastProposed = makeZxid(this.epoch, this.p.cfg.initialCounter);
    this.p.trace('leader.established', { epoch: this.epoch, zxid, quorum: [...this.newLeaderAcks].sort((a, b) => a - b) });
    this.p.point('leader.established');
    this.p.serving.start('leader');
    for (const h of this.handlers.values()) if (h.stage === 'newLeaderAcked') this.sendUpToDate(h);
    this.tick = 0;
    this.tickSkip = true;
    this.p.setTimer(PING_TIMER, this.p.cfg.tickTimeMs / 2);
  }

  /**
   * Standalone (`cfg.standalone`, ZooKeeperServerMain): no learners and no epoch to agree on — no
   * acceptedEpoch/currentEpoch writes, no quorum port (a FOLLOWERINFO is refused). The server serves
   * at once; a proposal is logged, fsynced and applied with no one else's ack (3.8's
   * PrepRequestProcessor → SyncRequestProcessor → FinalRequestProcessor). zxids go on from the
   * last one loaded (epoch 0 on an empty disk). As ZooKeeperServer.loadData, it first writes a
   * snapshot of what it loaded and serves once that is durable. The ping loop still ticks: session
   * expiry.
   */
  private serveStandalone(): void {
    this.epoch = epochOf(this.myLastZxid);
    this.epochChosen = this.epochWritten = this.epochAcked = true;
    this.lastCommitted = this.lastProposed = this.myLastZxid;
    this.p.takeSnapshot(() => {
      if (this.closed) return;
      this.established = true;
      this.p.trace('leader.established', { epoch: this.epoch, zxid: this.myLastZxid, quorum: [this.p.sid] });
      this.p.serving.start('leader');
      this.p.setTimer(PING_TIMER, this.p.cfg.tickTimeMs / 2);
    });
  }

  private sendUpToDate(h: Handler): void {
    h.stage = 'running';
    this.p.send(h.conn, { type: 'UPTODATE', zxid: makeZxid(this.epoch, 0) });
  }

  // ------------------------------------------------------------------ broadcast

  /** The zxid the next proposal will get, or null (not leading, or the counter would roll over:
   *  ZooKeeper then shuts the leader down to force an election, whose new epoch resets it). */
  nextZxid(): number | null {
    if (!this.established || this.closed) return null;
    const limit = this.p.cfg.limits.outstandingProposals;
    if (this.outstanding.length >= limit) {
      this.p.trace('limit', { queue: 'outstandingProposals', limit });
      this.p.abandon(`${limit} proposals outstanding`);
      return null;
    }
    const zxid = this.lastProposed + 1;
    // (A standalone server's zxid is a plain counter: it never forces an election.)
    if (counterOf(zxid) >= MAX_COUNTER && !this.p.cfg.standalone) {
      this.p.abandon('zxid lower 32 bits have rolled over, forcing re-election');
      return null;
    }
    return zxid;
  }

  /** Propose a txn built for `nextZxid()`. */
  propose(entry: TxnEntry): void {
    const zxid = entry.zxid;
    if (zxid !== this.lastProposed + 1 || this.closed) throw new Error(`leader: proposal ${zxid} out of sequence`);
    this.lastProposed = zxid;
    this.outstanding.push({ entry, acks: new Set() });
    if (this.p.tracing) this.p.trace('propose', { zxid });
    for (const h of this.handlers.values()) {
      if (!h.forwarding || h.observer) continue;
      this.p.send(h.conn, { type: 'PROPOSAL', entry });
      h.unacked.add(zxid, this.p.now);
    }
    this.p.logTxn(entry, this);
  }

  /** My own log write of a proposal is durable: that is my ack. */
  durable(zxid: number): void {
    if (!this.closed) this.processAck(this.p.sid, zxid);
  }

  private processAck(sid: number, zxid: number): void {
    // Only what I proposed can be acked: an ack beyond it is a learner acking a txn it never got.
    invariant(zxid <= this.lastProposed, 'acksInsideOutstandingWindow', this.p.node, () =>
      `ACK ${zxidHex(zxid)} from ${this.p.serverNode(sid)} beyond the last proposal ${zxidHex(this.lastProposed)}`,
    );
    if (zxid <= this.lastCommitted) return;
    const first = this.outstanding[0];
    if (!first) return;
    const o = this.outstanding[zxid - first.entry.zxid];
    if (!o || o.entry.zxid !== zxid) return;
    o.acks.add(sid);
    if (this.p.tracing) this.p.trace('ack', { zxid, from: sid });
    this.tryCommit();
  }

  /** Commit strictly in zxid order: only the oldest outstanding proposal may commit. */
  private tryCommit(): void {
    while (this.outstanding.length > 0) {
      const o = this.outstanding[0]!;
      if (!isMajority(o.acks, this.p.cfg.participants)) return;
      const zxid = o.entry.zxid;
      this.outstanding.shift();
      this.lastCommitted = zxid;
      if (this.p.tracing) this.p.trace('commit', { zxid });
      for (const h of this.handlers.values()) {
        if (!h.forwarding) continue;
        if (h.observer) this.p.send(h.conn, { type: 'INFORM', entry: o.entry });
        else this.p.send(h.conn, { type: 'COMMIT', zxid });
      }
      this.p.point('leader.commitSent');
      this.p.applyCommitted(o.entry);
      const waiting = this.pendingSyncs.size > 0 ? this.pendingSyncs.get(zxid) : undefined;
      if (waiting) {
        this.pendingSyncs.delete(zxid);
        for (const cb of waiting) cb();
      }
      if (this.closed) return;
    }
  }

  /** sync(): run `cb` once everything proposed so far has committed (Leader.processSync). */
  whenCommitted(cb: () => void): void {
    if (this.outstanding.length === 0) return cb();
    const list = this.pendingSyncs.get(this.lastProposed);
    if (list) list.push(cb);
    else this.pendingSyncs.set(this.lastProposed, [cb]);
  }

  /** Answer a learner's forwarded sync on its connection, after `whenCommitted`. */
  syncReplyTo(sid: number, request: unknown): void {
    const h = this.handlers.get(sid);
    if (!h) return;
    const conn = h.conn;
    this.whenCommitted(() => {
      const now = this.handlers.get(sid);
      if (now && now.conn === conn) this.p.send(now.conn, { type: 'SYNC', request });
    });
  }

  // ------------------------------------------------------------------ liveness

  private pingLoop(): void {
    const cfg = this.p.cfg;
    if (!this.tickSkip) this.tick++;
    // Session expiry runs at tickTime granularity (its buckets); checking every half tick is enough.
    this.p.serving.tick();
    if (this.closed) return;
    const synced = [this.p.sid];
    for (const h of this.handlers.values()) if (this.tick <= h.tickOfNextAckDeadline) synced.push(h.sid);
    // Planted observerCountsInQuorum: every synced learner counts, observers too.
    const enough = cfg.bugs.observerCountsInQuorum ? synced.length > cfg.participants.length / 2 : isMajority(synced, cfg.participants);
    if (!this.tickSkip && !enough) {
      this.p.abandon('not sufficient followers synced');
      return;
    }
    this.tickSkip = !this.tickSkip;
    const limit = cfg.syncLimitTicks * cfg.tickTimeMs;
    for (const h of [...this.handlers.values()]) {
      if (this.p.now - h.unacked.oldest() > limit) {
        this.dropHandler(h, 'proposal not acked within syncLimit');
        continue;
      }
      if (h.stage === 'running') this.p.send(h.conn, { type: 'PING', zxid: this.lastProposed });
    }
    this.p.setTimer(PING_TIMER, cfg.tickTimeMs / 2);
  }

  private handlerFor(conn: ConnId): Handler | undefined {
    for (const h of this.handlers.values()) if (h.conn === conn) return h;
    return undefined;
  }

  private dropHandler(h: Handler, reason: string): void {
    if (this.handlers.get(h.sid) !== h) return;
    this.handlers.delete(h.sid);
    this.p.close(h.conn);
    this.p.trace('zab.learnerDropped', { peer: h.sid, reason });
  }

  /** Sids currently receiving proposals (for admin/state queries). */
  forwardingSids(): number[] {
    return [...this.handlers.values()].filter((h) => h.forwarding).map((h) => h.sid).sort((a, b) => a - b);
  }

  leaderNode(): NodeId {
    return this.p.node;
  }
}
