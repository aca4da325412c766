/**
 * The FOLLOWING / OBSERVING role: ZooKeeper's Learner (registerWithLeader, syncWithLeader) and
 * Follower/Observer processing loops.
 *
 * ZooKeeper's learner thread blocks on the synchronous disk writes of the sync phase (acceptedEpoch,
 * truncation, snapshot, logging the DIFF, currentEpoch); packets keep arriving in the socket buffer
 * meanwhile. We model that with `blocked` + `inbox`: while a blocking write is in flight, packets
 * queue and are processed, in order, when it completes.
 */
import type { ConnId, NodeId } from '../contract.ts';
import { epochOf, makeZxid } from '../zxid.ts';
import { META_TRUNCATED } from '../server/database.ts';
import type { QuorumPacket, TxnEntry } from './messages.ts';
import type { DurableListener, PeerServices } from './services.ts';

export const READ_TIMER = 'zab.read';
export const CONNECT_TIMER = 'zab.connect';
/** The end of the learner's server start-up at NEWLEADER (`learnerStartup...Ms`). */
export const STARTUP_TIMER = 'zab.learnerStartup';
/** ZooKeeper's leaderConnectDelayDuringRetryMs. */
export const CONNECT_RETRY_MS = 100;
/** LeaderConnector.connectToLeader gives up after this many attempts (`tries < 5`). */
export const CONNECT_ATTEMPTS = 5;

type Phase = 'connecting' | 'leaderInfo' | 'sync' | 'afterNewLeader' | 'broadcast';

export class Learner implements DurableListener {
  readonly leaderNode: NodeId;
  /** The connection to the leader's quorum port ('' before the first attempt). */
  private conn: ConnId = '';
  private phase: Phase = 'connecting';
  /** The sync phase, for `status()`. */
  get syncPhase(): string {
    return this.phase;
  }
  private closed = false;
  private blocked = false;
  private inbox: QuorumPacket[] = [];
  private connectDeadline: number;
  /** Connection attempts made so far (a refused one is retried up to CONNECT_ATTEMPTS). */
  private connectAttempts = 0;
  private newEpoch = -1;
  private snapshotNeeded = true;
  private writeToTxnLog = false;
  /** Sync-phase proposals not yet logged (packetsNotCommitted). */
  private notCommitted: TxnEntry[] = [];
  /** Sync-phase commits to apply after UPTODATE (packetsCommitted). */
  private committed: number[] = [];
  /** Proposals logged at NEWLEADER: acked after UPTODATE (requestsToAck). */
  private toAck: number[] = [];
  /** Logged (or being logged) but not yet committed, in zxid order (pendingTxns). */
  private pending: TxnEntry[] = [];
  lastQueued = 0;
  private lastHeard: number;
  /** What NEWLEADER does once the server start-up (`learnerStartup...Ms`) is over. */
  private afterStartup: (() => void) | null = null;

  constructor(
    private readonly p: PeerServices,
    readonly leaderSid: number,
    readonly observer: boolean,
  ) {
    this.leaderNode = p.serverNode(leaderSid);
    this.lastHeard = p.now;
    this.connectDeadline = p.now + p.cfg.initLimitTicks * p.cfg.tickTimeMs;
    this.connect();
  }

  private connect(): void {
    this.connectAttempts++;
    // The FOLLOWERINFO rides behind the connect (contract.ts): a refused connect drops it.
    this.conn = this.p.connect(this.leaderNode, 'quorum');
    this.p.send(this.conn, {
      type: this.observer ? 'OBSERVERINFO' : 'FOLLOWERINFO',
      sid: this.p.sid,
      zxid: makeZxid(this.p.acceptedEpoch, 0),
    });
    this.p.setTimer(READ_TIMER, this.readTimeout());
  }

  private readTimeout(): number {
    const cfg = this.p.cfg;
    return (this.phase === 'afterNewLeader' || this.phase === 'broadcast' ? cfg.syncLimitTicks : cfg.initLimitTicks) * cfg.tickTimeMs;
  }

  // ------------------------------------------------------------------ inputs

  onPacket(conn: ConnId, m: QuorumPacket): void {
    if (this.closed || conn !== this.conn) return;
    // The socket read timeout is re-armed lazily (see onTimer): no timer effect per packet.
    this.lastHeard = this.p.now;
    if (this.blocked) {
      if (this.inbox.length >= this.p.cfg.limits.learnerInbox) return this.overLimit('learnerInbox');
      this.inbox.push(m);
      return;
    }
    this.handle(m);
  }

  onTimer(timer: string): void {
    if (this.closed) return;
    if (timer === READ_TIMER) {
      const left = this.lastHeard + this.readTimeout() - this.p.now;
      if (left > 0) this.p.setTimer(READ_TIMER, left);
      else this.p.abandon('leader silent for too long');
    }
    else if (timer === CONNECT_TIMER) this.connect();
    else if (timer === STARTUP_TIMER) {
      const next = this.afterStartup;
      this.afterStartup = null;
      next?.();
    }
  }

  /** The connection to the leader was closed by it or lost (`why`: 'closed', 'refused', 'reset',
   *  'broken'). Refused while connecting: retry, as connectToLeader does. */
  onConnGone(conn: ConnId, why: string): void {
    if (this.closed || conn !== this.conn) return;
    if (why === 'refused' && this.phase === 'connecting') return this.refused();
    this.p.abandon(why === 'closed' ? 'leader closed the connection' : `connection to leader ${why}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.p.cancelTimer(READ_TIMER);
    this.p.cancelTimer(CONNECT_TIMER);
    if (this.afterStartup) this.p.cancelTimer(STARTUP_TIMER);
    this.afterStartup = null;
    if (this.conn !== '') this.p.close(this.conn);
  }

  get serving(): boolean {
    return this.phase === 'broadcast' && !this.closed;
  }

  /** Connection refused (the leader is not leading yet): retry, as connectToLeader does. */
  private refused(): void {
    if (this.connectAttempts >= CONNECT_ATTEMPTS || this.p.now + CONNECT_RETRY_MS >= this.connectDeadline) {
      this.p.abandon('could not connect to leader');
      return;
    }
    this.p.setTimer(CONNECT_TIMER, CONNECT_RETRY_MS);
  }

  private block(): () => void {
    this.blocked = true;
    return () => {
      if (this.closed) return;
      this.blocked = false;
      while (!this.blocked && !this.closed && this.inbox.length > 0) this.handle(this.inbox.shift()!);
    };
  }

  /** A held queue reached its limit (`../limits.ts`): drop the connection and go LOOKING. */
  private overLimit(queue: 'learnerInbox' | 'learnerPending'): void {
    const limit = this.p.cfg.limits[queue];
    this.p.trace('limit', { queue, limit });
    this.p.abandon(`${queue} over its limit of ${limit}`);
  }

  /** True (and the learner leaves) when the txns it holds reached learnerPending. */
  private full(): boolean {
    const held = this.pending.length + this.notCommitted.length + this.committed.length + this.toAck.length;
    if (held < this.p.cfg.limits.learnerPending) return false;
    this.overLimit('learnerPending');
    return true;
  }

  private handle(m: QuorumPacket): void {
    // What adds to a held list: proposals always, commits while they are held for UPTODATE.
    const adds = m.type === 'PROPOSAL' || m.type === 'INFORM' || (m.type === 'COMMIT' && this.phase !== 'broadcast');
    if (adds && this.full()) return;
    switch (this.phase) {
      case 'connecting':
        if (m.type === 'LEADERINFO') return this.onLeaderInfo(m.zxid);
        return this.p.unexpected(this.leaderNode, m.type, 'learner/connecting');
      case 'leaderInfo':
        if (m.type === 'DIFF' || m.type === 'TRUNC' || m.type === 'SNAP') return this.onSyncStart(m);
        return this.p.abandon(`unexpected ${m.type} before sync`);
      case 'sync':
      case 'afterNewLeader':
        return this.onSyncPacket(m);
      case 'broadcast':
        return this.onBroadcast(m);
    }
  }

  // ------------------------------------------------------------------ discovery

  private onLeaderInfo(zxid: number): void {
    this.phase = 'leaderInfo';
    this.p.cancelTimer(CONNECT_TIMER);
    const newEpoch = epochOf(zxid);
    this.newEpoch = newEpoch;
    const ack = (currentEpoch: number) =>
      this.p.send(this.conn, {
        type: 'ACKEPOCH',
        currentEpoch,
        lastZxid: this.p.db.lastProcessedZxid,
      });
    if (newEpoch > this.p.acceptedEpoch) {
      const current = this.p.currentEpoch;
      const unblock = this.block();
      this.p.writeEpoch('accepted', newEpoch, () => {
        if (this.closed) return;
        this.p.point('learner.afterAcceptedEpoch');
        ack(current);
        unblock();
      });
    } else if (newEpoch === this.p.acceptedEpoch) {
      // Already accepted this epoch (an earlier attempt): -1 tells the leader not to compare.
      ack(-1);
    } else {
      this.p.abandon(`leader epoch ${newEpoch} is less than accepted epoch ${this.p.acceptedEpoch}`);
    }
  }

  // ------------------------------------------------------------------ synchronization

  private onSyncStart(m: QuorumPacket): void {
    const db = this.p.db;
    this.phase = 'sync';
    if (m.type === 'DIFF') {
      this.snapshotNeeded = false;
      this.writeToTxnLog = true;
      this.lastQueued = db.lastProcessedZxid;
    } else if (m.type === 'SNAP') {
      db.installSnapshot(m.zxid, m.snapshot);
      this.p.trace('sync.snap', { zxid: m.zxid, digest: db.sm.digest() });
      this.p.point('learner.snapInstalled');
      this.lastQueued = m.zxid;
    } else if (m.type === 'TRUNC') {
      const zxid = m.zxid;
      // Planted truncKeepsTail: the cut lands one record late.
      const length = Math.min(db.log.length, db.truncateLength(zxid) + (this.p.cfg.bugs.truncKeepsTail ? 1 : 0));
      const unblock = this.block();
      // Mark snapshots newer than the cut as void first (ZooKeeper deletes those files).
      const mark = { zxid, snapshots: db.snapshots.length };
      this.p.disk({ op: 'writeMeta', key: META_TRUNCATED, value: mark });
      db.trunc = mark;
      db.log.length = length;
      // FileTxnSnapLog.truncateLog reopens the txn log: the next append opens a new file.
      db.newFileNext = true;
      // The trace says what the log really keeps (the same as the TRUNC zxid, unless the cut is wrong).
      this.p.trace('log.truncate', { zxid: Math.max(zxid, length > 0 ? db.log[length - 1]!.zxid : 0) });
      this.p.disk({ op: 'truncate', length }, () => {
        if (this.closed) return;
        db.reload();
        this.p.trace('db.load', { zxid: db.lastProcessedZxid, digest: db.sm.digest() });
        // Learner.syncWithLeader: truncateLog, then setlastProcessedZxid(the TRUNC zxid).
        db.setLastProcessedZxid(zxid);
        this.lastQueued = db.lastProcessedZxid;
        this.p.point('learner.afterTruncate');
        unblock();
      });
    }
  }

  private onSyncPacket(m: QuorumPacket): void {
    const bugs = this.p.cfg.bugs;
    switch (m.type) {
      case 'PROPOSAL': {
        this.lastQueued = m.entry.zxid;
        if (this.phase === 'sync' && bugs.ackProposalsBeforeNewLeader && this.writeToTxnLog && !this.observer) {
          // ZOOKEEPER-4685: log and ack it at once, before the NEWLEADER ack.
          return this.logProposal(m.entry, true);
        }
        this.notCommitted.push(m.entry);
        return;
      }
      case 'COMMIT': {
        if (!this.writeToTxnLog) {
          const head = this.notCommitted[0];
          if (head && head.zxid === m.zxid) {
            this.notCommitted.shift();
            this.p.applyCommitted(head);
          }
          return;
        }
        if (this.phase === 'afterNewLeader' && bugs.commitBeforeUptodateCrashes) {
          // ZOOKEEPER-4394: the commit is processed at once and finds no pending txn.
          if (!this.pending.some((e) => e.zxid === m.zxid)) {
            this.p.trace('zab.error', { reason: 'commit for unknown zxid before UPTODATE', zxid: m.zxid });
            return this.p.abandon('commit before UPTODATE');
          }
        }
        this.committed.push(m.zxid);
        return;
      }
      case 'INFORM': {
        this.lastQueued = m.entry.zxid;
        if (!this.writeToTxnLog) this.p.applyCommitted(m.entry);
        else {
          this.notCommitted.push(m.entry);
          this.committed.push(m.entry.zxid);
        }
        return;
      }
      case 'NEWLEADER':
        return this.onNewLeader(m.zxid);
      case 'DIFF':
      case 'TRUNC':
      case 'SNAP':
        return this.p.abandon(`unexpected ${m.type} during sync`);
      case 'UPTODATE':
        return this.onUpToDate();
      case 'PING':
        return;
      default:
        return this.p.unexpected(this.leaderNode, m.type, `learner/${this.phase}`);
    }
  }

  /**
   * NEWLEADER: snapshot if SNAP/TRUNC, log and fsync the sync proposals, write currentEpoch, ack.
   * Each step waits for the previous one's disk write; the bug flags reorder them.
   */
  private onNewLeader(zxid: number): void {
    if (this.phase !== 'sync') return this.p.unexpected(this.leaderNode, 'NEWLEADER', `learner/${this.phase}`);
    const unblock = this.block();
    // zk.startupWithoutServing (session tracker, request processors, JMX beans) takes real time in
    // 3.8 before the learner logs, writes currentEpoch and acks; packets queue meanwhile.
    const cfg = this.p.cfg;
    const ms = this.p.rng.range(cfg.learnerStartupMinMs, cfg.learnerStartupMaxMs);
    if (ms <= 0) return this.newLeaderSteps(zxid, unblock);
    this.afterStartup = () => this.newLeaderSteps(zxid, unblock);
    this.p.setTimer(STARTUP_TIMER, ms);
  }

  private newLeaderSteps(zxid: number, unblock: () => void): void {
    const bugs = this.p.cfg.bugs;
    const toLog = this.notCommitted;
    this.notCommitted = [];
    const ack = () => {
      if (this.closed) return;
      this.p.send(this.conn, { type: 'ACK', zxid });
      this.p.trace('zab.ackNewLeader', { zxid });
      this.p.point('learner.afterNewLeaderAck');
    };
    const writeEpoch = (then: () => void) =>
      this.p.writeEpoch('current', this.newEpoch, () => {
        if (!this.closed) this.p.point('learner.afterCurrentEpoch');
        then();
      });
    const logAll = (then: () => void) => {
      this.writeToTxnLog = true;
      if (toLog.length === 0) return then();
      for (const e of toLog) {
        this.pending.push(e);
        this.toAck.push(e.zxid);
      }
      if (bugs.ackNewLeaderBeforeFsync) {
        this.p.logTxns(toLog, () => {});
        return then();
      }
      this.p.logTxns(toLog, then);
    };
    const snapshot = (then: () => void) =>
      this.snapshotNeeded
        ? this.p.takeSnapshot(() => {
            if (!this.closed) this.p.point('learner.afterSyncSnapshot');
            then();
          })
        : then();
    this.phase = 'afterNewLeader';
    this.p.setTimer(READ_TIMER, this.readTimeout());
    if (bugs.ackNewLeaderBeforeLogging) {
      // ZOOKEEPER-3911: ack first; the DIFF proposals are only logged later.
      return snapshot(() =>
        writeEpoch(() => {
          ack();
          logAll(() => {});
          unblock();
        }),
      );
    }
    if (bugs.ackNewLeaderBeforeSyncSnapshot && this.snapshotNeeded) {
      // Planted: the ack does not wait for the sync snapshot. The disk completes ops in issue
      // order, so the snapshot is issued right after the ack (a snapshot write still in flight
      // when the ack goes out); the other steps keep 3.8's order.
      return logAll(() =>
        writeEpoch(() => {
          ack();
          snapshot(() => {});
          unblock();
        }),
      );
    }
    if (bugs.currentEpochBeforeLogging) {
      // ZOOKEEPER-4643: currentEpoch is durable before the synced txns are.
      return snapshot(() =>
        writeEpoch(() =>
          logAll(() => {
            ack();
            unblock();
          }),
        ),
      );
    }
    snapshot(() =>
      logAll(() =>
        writeEpoch(() => {
          ack();
          unblock();
        }),
      ),
    );
  }

  private onUpToDate(): void {
    if (this.phase !== 'afterNewLeader') return this.p.unexpected(this.leaderNode, 'UPTODATE', `learner/${this.phase}`);
    this.p.point('learner.atUptodate');
    this.phase = 'broadcast';
    this.p.send(this.conn, { type: 'ACK', zxid: makeZxid(this.newEpoch, 0) });
    this.p.serving.start(this.observer ? 'observer' : 'follower');
    if (!this.observer) {
      for (const z of this.toAck) this.p.send(this.conn, { type: 'ACK', zxid: z });
    }
    this.toAck = [];
    const rest = this.notCommitted;
    this.notCommitted = [];
    if (this.observer) {
      // Observer: proposals+commits from the sync are applied in order.
      for (const e of rest) this.logProposal(e, false);
    } else {
      for (const e of rest) this.logProposal(e, true);
    }
    const commits = this.committed;
    this.committed = [];
    for (const z of commits) this.commit(z);
  }

  // ------------------------------------------------------------------ broadcast

  private onBroadcast(m: QuorumPacket): void {
    switch (m.type) {
      case 'PROPOSAL':
        if (this.observer) return this.p.unexpected(this.leaderNode, m.type, 'learner/broadcast');
        this.lastQueued = m.entry.zxid;
        return this.logProposal(m.entry, true);
      case 'COMMIT':
        return this.commit(m.zxid);
      case 'INFORM':
        this.lastQueued = m.entry.zxid;
        this.p.logTxn(m.entry, null);
        this.p.applyCommitted(m.entry);
        return;
      case 'PING':
        this.p.send(this.conn, { type: 'PINGREPLY', sessions: this.p.serving.drainTouched() });
        return;
      case 'SYNC':
        this.p.serving.syncReply(m.request);
        return;
      case 'REVALIDATE':
        this.p.serving.revalidated(m.sessionId, m.valid === true);
        return;
      default:
        return this.p.unexpected(this.leaderNode, m.type, 'learner/broadcast');
    }
  }

  /** Log a proposal; a follower acks it once it is durable (SendAckRequestProcessor). */
  private logProposal(e: TxnEntry, ack: boolean): void {
    this.pending.push(e);
    if (!ack) return this.p.logTxn(e, null);
    if (this.p.cfg.bugs.ackBeforeFsync) {
      this.p.logTxn(e, null);
      return this.durable(e.zxid);
    }
    this.p.logTxn(e, this);
  }

  durable(zxid: number): void {
    if (!this.closed) this.p.send(this.conn, { type: 'ACK', zxid });
  }

  /** FollowerZooKeeperServer.commit: the committed zxid must be the oldest pending txn. */
  private commit(zxid: number): void {
    const head = this.pending[0];
    if (!head) return; // already applied (e.g. via SNAP) — nothing pending
    if (head.zxid !== zxid) {
      this.p.trace('zab.error', { reason: 'commit out of order', zxid, pending: head.zxid });
      this.p.abandon('committing a zxid that is not the next pending txn');
      return;
    }
    this.pending.shift();
    this.p.applyCommitted(head);
  }

  /** A write/sync/session request to forward to the leader. */
  forward(request: unknown): void {
    if (!this.closed) this.p.send(this.conn, { type: 'REQUEST', request });
  }

  revalidate(sessionId: string, timeout: number): void {
    if (!this.closed) this.p.send(this.conn, { type: 'REVALIDATE', sessionId, timeout });
  }
}
