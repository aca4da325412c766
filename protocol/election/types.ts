/**
 * Fast Leader Election data: server states, votes, the NOTIFICATION message and the configuration.
 */
import type { Message } from '../contract.ts';
import type { AddressBook } from '../addressBook.ts';

/** QuorumPeer.ServerState (the wire ordinal is not modelled; the name travels in the message). */
export type ServerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';

/** A vote: who I back, with that server's last zxid and currentEpoch, in my election round. */
export interface Vote {
  readonly leader: number;
  readonly zxid: number;
  /** The election round (`logicalclock`) the vote was cast in. */
  readonly electionEpoch: number;
  /** The backed server's currentEpoch (ZooKeeper's `peerEpoch`). */
  readonly peerEpoch: number;
}

/** A vote as stored in `recvset`/`outofelection`: it remembers the sender's state, because vote
 *  equality differs for LOOKING and non-LOOKING votes (Vote.equals, ZOOKEEPER-1805/1732). */
export interface StatedVote extends Vote {
  readonly state: ServerState;
}

/** The FLE notification (ZooKeeper: the 40+ byte buffer built by `buildMsg`). Config data and the
 *  message-format version are not modelled: every simulated server speaks the 3.8 format. */
export interface Notification extends Message {
  readonly type: 'NOTIFICATION';
  readonly sid: number;
  readonly state: ServerState;
  readonly leader: number;
  readonly zxid: number;
  readonly electionEpoch: number;
  readonly peerEpoch: number;
}

/** Historical election bugs that can be switched back on (tests of the harness). Default: off. */
export interface ElectionBugs {
  /** ZOOKEEPER-1419: the vote order lets a higher sid with an equal zxid win even when its peerEpoch
   *  is lower (the sid clause was not nested under "epochs equal"), so the order is not total. */
  readonly voteOrderIgnoresEpoch?: boolean;
  /** ZOOKEEPER-1514: `checkLeader` accepts me as leader on FOLLOWING/LEADING notices from an older
   *  election round than mine. */
  readonly selfLeaderIgnoresRound?: boolean;
}

export interface ElectionConfig {
  readonly myid: number;
  /** Voting members (QuorumMaj: a quorum is a strict majority of these). */
  readonly participants: readonly number[];
  readonly observers: readonly number[];
  /** Node ids of the servers (`protocol/addressBook.ts`): whom to send to, who sent. Default: the
   *  builders' `s<myid>` naming of `participants` and `observers` (the election's own tests). */
  readonly book?: AddressBook;
  /** ZooKeeper `finalizeWait`, also the initial notification timeout. Default 200 ms. */
  readonly finalizeWaitMs?: number;
  /** ZooKeeper `maxNotificationInterval`. Default 60 000 ms. */
  readonly maxNotificationIntervalMs?: number;
  readonly bugs?: ElectionBugs;
}

export const DEFAULT_FINALIZE_WAIT_MS = 200;
export const DEFAULT_MAX_NOTIFICATION_INTERVAL_MS = 60_000;

/**
 * What a non-voter (an observer) proposes. ZooKeeper uses Long.MIN_VALUE for the id, zxid and epoch
 * of an observer's initial vote; a JS number cannot hold it exactly and messages must be JSON, so
 * we use the smallest safe integer: it still sorts below every real id/zxid/epoch.
 */
export const NO_VALUE = Number.MIN_SAFE_INTEGER;
