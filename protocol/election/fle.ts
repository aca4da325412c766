/**
 * ZooKeeper 3.8's FastLeaderElection as a sans-I/O state machine.
 *
 * ZooKeeper runs the election on three threads: the QuorumPeer thread blocks in `lookForLeader`
 * polling `recvqueue`, a WorkerReceiver turns wire messages into notifications (answering some at
 * once), and a WorkerSender writes. Here one object plays all three, one input at a time:
 *  - `onNotification` is the WorkerReceiver; what it would enqueue on `recvqueue` is handed straight
 *    to the body of the `lookForLeader` loop (`consume`), or parked while the peer is LOOKING but has
 *    not started the next election yet (ZooKeeper's queue fills in that gap too);
 *  - the blocking `recvqueue.poll(notTimeout)` is the timer `fle.poll`, re-armed after every
 *    notification that reaches the loop, exactly as each poll restarts its wait;
 *  - the inner `recvqueue.poll(finalizeWait)` loop is the timer `fle.finalize`.
 * A notification to myself goes through a local loopback queue, drained at the end of each input
 * (ZooKeeper's QuorumCnxManager puts messages for its own sid straight on its receive queue).
 */
import type { ConnId, Effect, NodeId } from '../contract.ts';
import { AddressBook, defaultAddressBook } from '../addressBook.ts';
import { agreeing, isMajority } from './quorum.ts';
import { totalOrderPredicate, totalOrderPredicate1419 } from './order.ts';
import {
  DEFAULT_FINALIZE_WAIT_MS,
  DEFAULT_MAX_NOTIFICATION_INTERVAL_MS,
  NO_VALUE,
  type ElectionBugs,
  type ElectionConfig,
  type Notification,
  type ServerState,
  type StatedVote,
  type Vote,
} from './types.ts';

export const POLL_TIMER = 'fle.poll';
export const FINALIZE_TIMER = 'fle.finalize';

export interface ElectionOutcome {
  readonly state: ServerState;
  readonly vote: Vote;
}

export class FastLeaderElection {
  private readonly myid: number;
  private readonly book: AddressBook;
  private readonly participants: readonly number[];
  private readonly isParticipant: boolean;
  private readonly finalizeWait: number;
  private readonly maxNotificationInterval: number;
  private readonly bugs: ElectionBugs;

  /** `logicalclock`: the election round, in memory only. */
  private clock = 0;
  private proposedLeader = -1;
  private proposedZxid = -1;
  private proposedEpoch = -1;
  /** The peer's state as far as the election knows (QuorumPeer.getPeerState). */
  private peerState: ServerState = 'LOOKING';
  /** QuorumPeer.currentVote: what a non-LOOKING server advertises. */
  private current: Vote | null = null;

  /** Inside `lookForLeader`. */
  private running = false;
  /** Quorum reached; waiting `finalizeWait` for anything better. */
  private finalizing = false;
  private finalizeVoters: number[] = [];
  private notTimeout = 0;
  private initZxid = -1;
  private initEpoch = -1;
  private startedAt = 0;
  private recvset = new Map<number, StatedVote>();
  private outofelection = new Map<number, StatedVote>();
  /** Notifications received while LOOKING between elections (ZooKeeper's recvqueue holds them). */
  private pending: { sid: number; n: Notification }[] = [];
  private loopback: Notification[] = [];
  /**
   * QuorumCnxManager state: my own live outbound election connection per peer (and back), and the
   * last message queued per peer. Shortcut (protocol/election/README.md): each server sends on its
   * own connection to a peer, so a pair holds two; QuorumCnxManager keeps one, the larger sid's.
   */
  private readonly outConn = new Map<number, ConnId>();
  private readonly outSid = new Map<ConnId, number>();
  private connCounter = 0;
  private readonly lastSentTo = new Map<number, Notification>();
  /** Set when a notification reached the loop body during the current input (the poll restarts). */
  private polled = false;
  private outcome: ElectionOutcome | null = null;
  private lastTraced = '';
  /** The local clock reading of the input being handled (for durations in traces only). */
  private now = 0;

  constructor(config: ElectionConfig) {
    this.myid = config.myid;
    this.book = config.book ?? new AddressBook(defaultAddressBook(config.participants, config.observers));
    this.participants = [...config.participants].sort((a, b) => a - b);
    this.isParticipant = this.participants.includes(config.myid);
    if (!this.isParticipant && !config.observers.includes(config.myid)) {
      throw new Error(`server ${config.myid} is neither a participant nor an observer`);
    }
    this.finalizeWait = config.finalizeWaitMs ?? DEFAULT_FINALIZE_WAIT_MS;
    this.maxNotificationInterval =
      config.maxNotificationIntervalMs ?? DEFAULT_MAX_NOTIFICATION_INTERVAL_MS;
    this.bugs = config.bugs ?? {};
  }

  get logicalClock(): number {
    return this.clock;
  }

  get proposal(): Vote {
    return {
      leader: this.proposedLeader,
      zxid: this.proposedZxid,
      electionEpoch: this.clock,
      peerEpoch: this.proposedEpoch,
    };
  }

  /** The peer state the election believes in (LOOKING until an election ends). */
  get state(): ServerState {
    return this.peerState;
  }

  /** True while an election is in progress. */
  get looking(): boolean {
    return this.running;
  }

  lookForLeader(lastLoggedZxid: number, currentEpoch: number, now: number): Effect[] {
    const fx: Effect[] = [];
    this.now = now;
    this.peerState = 'LOOKING';
    this.running = true;
    this.finalizing = false;
    this.recvset = new Map();
    this.outofelection = new Map();
    this.outcome = null;
    this.notTimeout = this.finalizeWait; // minNotificationInterval == finalizeWait in ZooKeeper
    this.startedAt = now;
    // QuorumPeer.startLeaderElection: before the first election the advertised vote is my own.
    this.current ??= { leader: this.myid, zxid: lastLoggedZxid, electionEpoch: -1, peerEpoch: currentEpoch };
    // getInitLastLoggedZxid / getPeerEpoch: an observer proposes "nobody" (Long.MIN_VALUE).
    this.initZxid = this.isParticipant ? lastLoggedZxid : NO_VALUE;
    this.initEpoch = this.isParticipant ? currentEpoch : NO_VALUE;
    this.clock++;
    fx.push({ kind: 'cancelTimer', timer: FINALIZE_TIMER });
    const vote = { leader: this.initId(), zxid: this.initZxid, electionEpoch: this.clock, peerEpoch: this.initEpoch };
    fx.push({ kind: 'trace', event: 'election.start', data: { round: this.clock, vote } });
    this.updateProposal(this.initId(), this.initZxid, this.initEpoch, fx);
    this.sendNotifications(fx);
    const parked = this.pending;
    this.pending = [];
    for (const p of parked) {
      if (!this.running) break;
      this.consume(p.sid, p.n, fx);
    }
    this.polled = true;
    return this.finish(fx);
  }

  onNotification(from: NodeId, n: Notification, now: number): Effect[] {
    const fx: Effect[] = [];
    this.now = now;
    // ZooKeeper takes the sender's sid from the connection (its handshake), not from the payload:
    // here from the address book.
    const sid = this.book.myidOf(from);
    if (!Number.isInteger(sid)) return fx;
    this.receive(sid, n, fx);
    return this.finish(fx);
  }

  /**
   * A peer connected to my election port. Without a live connection of my own to it, I connect
   * back, and the new SendWorker starts with the last message I sent that peer (QuorumCnxManager:
   * an empty queue re-sends `lastMessageSent`): a message sent while the peer was down is thereby
   * delivered as soon as the peer talks to me.
   */
  onAccepted(from: NodeId, now: number): Effect[] {
    const fx: Effect[] = [];
    this.now = now;
    const sid = this.book.myidOf(from);
    if (!Number.isInteger(sid) || this.outConn.has(sid)) return fx;
    const last = this.lastSentTo.get(sid);
    if (last) fx.push({ kind: 'send', conn: this.open(sid, fx), msg: last });
    return fx;
  }

  /**
   * A connection closed or was lost (`why`: 'closed', 'refused', 'reset', 'broken'). If it was my
   * own, the next send opens another — and after a reset or a break I reconnect at once and re-send
   * my last message to that peer. Shortcut (protocol/election/README.md): the host breaks a
   * connection where TCP would retransmit (a lost segment, a partition that heals), so the message
   * that was lost is sent again on a new connection, as a retransmission would have delivered it;
   * a refused connect waits for the peer to connect to me (`onAccepted`) or for my next send.
   */
  onConnGone(conn: ConnId, why: string, now: number): Effect[] {
    const fx: Effect[] = [];
    const sid = this.outSid.get(conn);
    if (sid === undefined) return fx;
    this.now = now;
    this.outSid.delete(conn);
    this.outConn.delete(sid);
    const last = this.lastSentTo.get(sid);
    if ((why === 'reset' || why === 'broken') && last) fx.push({ kind: 'send', conn: this.open(sid, fx), msg: last });
    return fx;
  }

  /** Opens my election connection to `sid` (ids: `<myid>>`<sid>#e<n>@<local ms>`, unique per run). */
  private open(sid: number, fx: Effect[]): ConnId {
    const conn = `${this.myid}>${sid}#e${++this.connCounter}@${this.now}`;
    this.outConn.set(sid, conn);
    this.outSid.set(conn, sid);
    fx.push({ kind: 'connect', conn, to: this.book.nodeOf(sid), port: 'election' });
    return conn;
  }

  onTimer(timer: string, now: number): Effect[] {
    const fx: Effect[] = [];
    this.now = now;
    if (timer === POLL_TIMER && this.running && !this.finalizing) {
      // Nothing arrived within notTimeout. ZooKeeper resends if some connection drained its queue
      // (`haveDelivered`) and otherwise reconnects to everyone, which re-sends the last message per
      // peer; both amount to "everyone gets my current notification again", modelled as a resend.
      this.sendNotifications(fx);
      this.notTimeout = Math.min(this.notTimeout * 2, this.maxNotificationInterval);
      fx.push({ kind: 'trace', event: 'election.timeout', data: { round: this.clock, nextMs: this.notTimeout } });
      this.polled = true; // the next poll waits the doubled timeout
    } else if (timer === FINALIZE_TIMER && this.running && this.finalizing) {
      // Nothing better arrived within finalizeWait: the proposal wins.
      const vote = this.proposal;
      this.decide(this.proposedLeader, vote, this.finalizeVoters, 'lookingQuorum', fx);
    }
    return this.finish(fx);
  }

  /** What this server advertises: its proposal while LOOKING, the decided vote otherwise (for `status()`). */
  advertised(): { leader: number; zxid: number; peerEpoch: number; round: number } | null {
    if (this.peerState === 'LOOKING') {
      if (this.proposedLeader < 0) return null;
      return { leader: this.proposedLeader, zxid: this.proposedZxid, peerEpoch: this.proposedEpoch, round: this.clock };
    }
    const v = this.current;
    return v ? { leader: v.leader, zxid: v.zxid, peerEpoch: v.peerEpoch, round: v.electionEpoch } : null;
  }

  takeOutcome(): ElectionOutcome | null {
    const o = this.outcome;
    this.outcome = null;
    return o;
  }

  setCurrent(state: ServerState, vote: Vote): void {
    this.peerState = state;
    this.current = { leader: vote.leader, zxid: vote.zxid, electionEpoch: vote.electionEpoch, peerEpoch: vote.peerEpoch };
    // lookForLeader's loop runs only while the peer is LOOKING; pending timers become no-ops.
    if (state !== 'LOOKING') {
      this.running = false;
      this.finalizing = false;
      this.pending = [];
    }
  }

  // ---------------------------------------------------------------------------------------------
  // WorkerReceiver

  private receive(sid: number, n: Notification, fx: Effect[]): void {
    if (!this.validVoter(sid)) {
      // A non-voter (observer) is answered right away with my current vote and round.
      if (this.current) {
        this.send(sid, { ...this.current, electionEpoch: this.clock }, this.peerState, fx);
      }
      return;
    }
    if (this.peerState === 'LOOKING') {
      if (this.running) this.consume(sid, n, fx);
      else this.pending.push({ sid, n });
      // A LOOKING peer in an older round gets my proposal so it can catch up.
      if (n.state === 'LOOKING' && n.electionEpoch < this.clock) {
        this.send(sid, this.proposal, 'LOOKING', fx);
      }
    } else if (n.state === 'LOOKING' && this.current) {
      // I am out of the election: tell the LOOKING peer whom I follow (or that I lead).
      this.send(sid, this.current, this.peerState, fx);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The body of lookForLeader's loop, for one dequeued notification

  private consume(sid: number, n: Notification, fx: Effect[]): void {
    if (this.finalizing) {
      // Inner loop of the finalize wait: a better vote interrupts it and is handled below;
      // anything else is dropped and the wait starts over.
      if (!this.beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
        fx.push({ kind: 'setTimer', timer: FINALIZE_TIMER, afterMs: this.finalizeWait });
        return;
      }
      this.finalizing = false;
      fx.push({ kind: 'cancelTimer', timer: FINALIZE_TIMER });
    }
    this.polled = true;
    if (!this.validVoter(n.leader)) return;
    switch (n.state) {
      case 'LOOKING':
        this.consumeLooking(sid, n, fx);
        return;
      case 'OBSERVING':
        return;
      case 'FOLLOWING':
      case 'LEADING':
        this.consumeEstablished(sid, n, fx);
        return;
    }
  }

  private consumeLooking(sid: number, n: Notification, fx: Effect[]): void {
    // A server that could not read its log (-1) takes no part; neither does such a vote.
    if (this.initZxid === -1 || n.zxid === -1) return;
    if (n.electionEpoch > this.clock) {
      this.clock = n.electionEpoch;
      this.recvset = new Map();
      if (this.beats(n.leader, n.zxid, n.peerEpoch, this.initId(), this.initZxid, this.initEpoch)) {
        this.updateProposal(n.leader, n.zxid, n.peerEpoch, fx);
      } else {
        this.updateProposal(this.initId(), this.initZxid, this.initEpoch, fx);
      }
      this.sendNotifications(fx);
    } else if (n.electionEpoch < this.clock) {
      return;
    } else if (this.beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
      this.updateProposal(n.leader, n.zxid, n.peerEpoch, fx);
      this.sendNotifications(fx);
    }
    this.recvset.set(sid, stated(n, 'LOOKING'));
    const voters = agreeing(this.recvset, { ...this.proposal, state: 'LOOKING' });
    if (isMajority(voters, this.participants)) {
      this.finalizing = true;
      this.finalizeVoters = voters;
      fx.push({ kind: 'cancelTimer', timer: POLL_TIMER });
      fx.push({ kind: 'setTimer', timer: FINALIZE_TIMER, afterMs: this.finalizeWait });
    }
  }

  /** receivedFollowingNotification / receivedLeadingNotification (the oracle path is not modelled). */
  private consumeEstablished(sid: number, n: Notification, fx: Effect[]): void {
    const v = stated(n, n.state);
    const endVote: Vote = { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch };
    // Same round: the established servers count together with the LOOKING ones.
    if (n.electionEpoch === this.clock) {
      this.recvset.set(sid, v);
      const voters = agreeing(this.recvset, v);
      if (isMajority(voters, this.participants) && this.checkLeader(this.recvset, n.leader, n.electionEpoch)) {
        this.decide(n.leader, endVote, voters, 'recvset', fx);
        return;
      }
    }
    // Any round: a quorum of servers out of the election agreeing on a leader that says LEADING
    // means an ensemble is already running; join it.
    this.outofelection.set(sid, v);
    const voters = agreeing(this.outofelection, v);
    if (isMajority(voters, this.participants) && this.checkLeader(this.outofelection, n.leader, n.electionEpoch)) {
      this.clock = n.electionEpoch;
      this.decide(n.leader, endVote, voters, 'outofelection', fx);
    }
  }

  private checkLeader(votes: ReadonlyMap<number, StatedVote>, leader: number, electionEpoch: number): boolean {
    if (leader !== this.myid) {
      // Someone else: only if I have heard that server itself claim LEADING.
      return votes.get(leader)?.state === 'LEADING';
    }
    // Me: only for my current round (ZOOKEEPER-1514), unless that bug is switched back on.
    return this.bugs.selfLeaderIgnoresRound === true || this.clock === electionEpoch;
  }

  // ---------------------------------------------------------------------------------------------

  private decide(leader: number, vote: Vote, voters: number[], via: string, fx: Effect[]): void {
    const state: ServerState = leader === this.myid ? 'LEADING' : this.isParticipant ? 'FOLLOWING' : 'OBSERVING';
    this.peerState = state;
    this.current = vote;
    this.outcome = { state, vote };
    this.running = false;
    this.finalizing = false;
    this.pending = [];
    this.loopback = []; // leaveInstance clears recvqueue
    fx.push({ kind: 'cancelTimer', timer: POLL_TIMER });
    fx.push({ kind: 'cancelTimer', timer: FINALIZE_TIMER });
    fx.push({
      kind: 'trace',
      event: 'election.decided',
      data: {
        state,
        leader,
        zxid: vote.zxid,
        peerEpoch: vote.peerEpoch,
        round: vote.electionEpoch,
        votesFrom: voters,
        via,
        ms: this.now - this.startedAt,
      },
    });
  }

  /** Drain the loopback queue and re-arm the poll timer if a notification reached the loop. */
  private finish(fx: Effect[]): Effect[] {
    while (this.loopback.length > 0) {
      const n = this.loopback.shift()!;
      this.receive(this.myid, n, fx);
    }
    if (this.running && !this.finalizing && this.polled) {
      fx.push({ kind: 'setTimer', timer: POLL_TIMER, afterMs: this.notTimeout });
    }
    this.polled = false;
    return fx;
  }

  private sendNotifications(fx: Effect[]): void {
    const msg = this.message(this.proposal, 'LOOKING');
    for (const sid of this.participants) {
      if (sid === this.myid) this.loopback.push(msg);
      else this.emit(sid, msg, fx);
    }
  }

  private send(to: number, v: Vote, state: ServerState, fx: Effect[]): void {
    const msg = this.message(v, state);
    if (to === this.myid) this.loopback.push(msg);
    else this.emit(to, msg, fx);
  }

  private emit(to: number, msg: Notification, fx: Effect[]): void {
    this.lastSentTo.set(to, msg);
    fx.push({ kind: 'send', conn: this.outConn.get(to) ?? this.open(to, fx), msg });
  }

  private message(v: Vote, state: ServerState): Notification {
    return {
      type: 'NOTIFICATION',
      sid: this.myid,
      state,
      leader: v.leader,
      zxid: v.zxid,
      electionEpoch: v.electionEpoch,
      peerEpoch: v.peerEpoch,
    };
  }

  private updateProposal(leader: number, zxid: number, epoch: number, fx: Effect[]): void {
    this.proposedLeader = leader;
    this.proposedZxid = zxid;
    this.proposedEpoch = epoch;
    const key = `${leader}/${zxid}/${epoch}/${this.clock}`;
    if (key !== this.lastTraced) {
      this.lastTraced = key;
      fx.push({ kind: 'trace', event: 'vote', data: { ...this.voteData(), round: this.clock } });
    }
  }

  private voteData(): { leader: number; zxid: number; electionEpoch: number; peerEpoch: number } {
    return {
      leader: this.proposedLeader,
      zxid: this.proposedZxid,
      electionEpoch: this.clock,
      peerEpoch: this.proposedEpoch,
    };
  }

  /** totalOrderPredicate, with QuorumMaj's "a non-voter has weight 0 and never wins". */
  private beats(newId: number, newZxid: number, newEpoch: number, curId: number, curZxid: number, curEpoch: number): boolean {
    if (!this.validVoter(newId)) return false;
    const order = this.bugs.voteOrderIgnoresEpoch ? totalOrderPredicate1419 : totalOrderPredicate;
    return order(newId, newZxid, newEpoch, curId, curZxid, curEpoch);
  }

  private validVoter(sid: number): boolean {
    return this.participants.includes(sid);
  }

  private initId(): number {
    return this.isParticipant ? this.myid : NO_VALUE;
  }
}

function stated(n: Notification, state: ServerState): StatedVote {
  return { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state };
}
