/**
 * A hand-written trace of a small healthy run, for checker tests, with switches that plant one
 * defect each (named after the ZooKeeper bug or invariant they break). The story:
 *
 * 1. s1..s3 boot, elect s3 (epoch 1); client c1 opens session S, creates ephemeral /e, reads it,
 *    sets it (txns 1:1..1:3).
 * 2. s3 crashes; s1, s2 elect s2 (epoch 2); s2 commits 2:1.
 * 3. s3 restarts, reloads its log, follows s2 (DIFF); c1 closes S (2:2).
 */
import { TraceBuilder, z } from './trace-builder.ts';
import type { TraceRecord } from '../../trace/records.ts';

export type Plant =
  | 'twoLeaders'
  | 'fork1154'
  | 'divergentTxn'
  | 'reapply'
  | 'epochBackwards'
  | 'skipTxn'
  | 'unproposed'
  | 'newLeaderMissesTxn'
  | 'truncateCommitted'
  | 'lateCommitBackwards'
  | 'commitNotLogged'
  | 'badElection'
  | 'orphanEphemeral'
  | 'staleEphemeralRead'
  | 'clientVanishes'
  | 'fifo'
  | 'readGoesBack'
  | 'noLeaderAfterHeal'
  | 'corruptTree'
  | 'learnerDropped';

export const S = '0x300000001';

export function story(...plants: Plant[]): TraceRecord[] {
  const on = new Set<Plant>(plants);
  const b = new TraceBuilder();
  const all = ['s1', 's2', 's3'];
  b.boot('s1', 's2', 's3', 'c1', 'c2');

  // --- Epoch 1: s3 leads.
  for (const s of [1, 2, 3]) b.ev(`s${s}`, 'election.start', { round: 1, vote: { leader: s, zxid: 0, electionEpoch: 1, peerEpoch: 0 } });
  for (const s of [1, 2, 3]) b.ev(`s${s}`, 'vote', { leader: s, zxid: 0, electionEpoch: 1, peerEpoch: 0, round: 1 });
  b.ev('s3', 'election.decided', { state: 'LEADING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [1, 2, 3], via: 'quorum', ms: 0 });
  for (const s of ['s1', 's2'])
    b.ev(s, 'election.decided', { state: 'FOLLOWING', leader: 3, zxid: 0, peerEpoch: 0, round: 1, votesFrom: [1, 2, 3], via: 'quorum', ms: 0 });
  b.establish('s3', 1, ['s1', 's2']);

  b.ev('c1', 'client.invoke', { session: S, xid: 0, op: 'createSession' });
  b.propose('s3', z(1, 1), ['s1', 's2'], 'createSession', { timeoutMs: 4000 }, S);
  for (const s of all) b.ev(s, 'log.append', { zxid: z(1, 1) }), b.ev(s, 'log.durable', { zxid: z(1, 1) });
  b.ev('s3', 'commit', { zxid: z(1, 1) });
  for (const s of all) b.ev(s, 'apply', { zxid: z(1, 1), type: 'createSession', digest: 0 });
  b.ev('s3', 'session.create', { session: S, timeoutMs: 4000 });
  b.ev('c1', 'client.connected', { server: 's1', session: S });
  b.ev('c1', 'client.return', { session: S, xid: 0, rc: 0, zxid: z(1, 1) });

  b.ev('c1', 'client.invoke', { session: S, xid: 1, op: 'create', path: '/e' });
  b.propose('s3', z(1, 2), ['s1', 's2'], 'create', { path: '/e', ephemeral: true }, S);
  for (const s of all) b.ev(s, 'log.append', { zxid: z(1, 2) }), b.ev(s, 'log.durable', { zxid: z(1, 2) });
  b.ev('s3', 'commit', { zxid: z(1, 2) });
  b.ev('s3', 'apply', { zxid: z(1, 2), type: 'create', digest: 0 });
  b.ev('s2', 'apply', { zxid: z(1, 2), type: 'create', digest: 0 });
  if (!on.has('skipTxn'))
    b.ev('s1', 'apply', { zxid: z(1, 2), type: on.has('divergentTxn') ? 'delete' : 'create', digest: 0 });
  b.ev('c1', 'client.return', { session: S, xid: 1, rc: 0, zxid: z(1, 2) });

  b.ev('c1', 'client.invoke', { session: S, xid: 2, op: 'getData', path: '/e' });
  b.ev('c1', 'client.return', { session: S, xid: 2, rc: 0, zxid: z(1, 2) });

  // 1:3 — s2 never logs it when `newLeaderMissesTxn` (s1 and s3 make the quorum).
  const logs13 = on.has('newLeaderMissesTxn') ? ['s1', 's3'] : all;
  b.ev('c1', 'client.invoke', { session: S, xid: 3, op: 'setData', path: '/e' });
  b.propose('s3', z(1, 3), logs13.filter((s) => s !== 's3'), 'setData', { path: '/e' }, S);
  for (const s of logs13) b.ev(s, 'log.append', { zxid: z(1, 3) }), b.ev(s, 'log.durable', { zxid: z(1, 3) });
  b.ev('s3', 'commit', { zxid: z(1, 3) });
  // `corruptTree`: s1's tree differs after 1:3 (same txn, same order: only the digest shows it).
  for (const s of logs13) b.ev(s, 'apply', { zxid: z(1, 3), type: 'setData', digest: on.has('corruptTree') && s === 's1' ? 0xbad : 0 });
  if (on.has('reapply')) b.ev('s1', 'apply', { zxid: z(1, 2), type: 'create', digest: 0 });
  if (on.has('unproposed')) b.ev('s1', 'apply', { zxid: z(1, 9), type: 'setData', digest: 0 });
  if (on.has('commitNotLogged')) b.ev('s3', 'commit', { zxid: z(1, 7) });
  if (on.has('lateCommitBackwards')) b.ev('s3', 'commit', { zxid: z(1, 2) });
  b.ev('c1', 'client.return', { session: S, xid: 3, rc: 0, zxid: on.has('fifo') ? z(1, 1) : z(1, 3) });
  if (on.has('readGoesBack')) {
    b.ev('c1', 'client.invoke', { session: S, xid: 4, op: 'exists', path: '/e' });
    b.ev('c1', 'client.return', { session: S, xid: 4, rc: 0, zxid: z(1, 2) });
  }

  // 1:4 — proposed by s3 and logged only by s3 (not committed): ZOOKEEPER-1154's extra txn.
  if (on.has('fork1154')) {
    b.propose('s3', z(1, 4), [], 'setData', { path: '/e' }, S);
    b.ev('s3', 'log.append', { zxid: z(1, 4) });
    b.ev('s3', 'log.durable', { zxid: z(1, 4) });
  }

  // --- s3 crashes; epoch 2: s2 leads s1.
  b.host('s3', 'crash', { lost: 0, kept: 0 });
  const last2 = on.has('newLeaderMissesTxn') ? z(1, 2) : z(1, 3);
  const s1zxid = z(1, 3);
  for (const s of [1, 2]) b.ev(`s${s}`, 'state', { state: 'LOOKING' });
  for (const s of [1, 2]) b.ev(`s${s}`, 'election.start', { round: 2, vote: { leader: s, zxid: s === 1 ? s1zxid : last2, electionEpoch: 2, peerEpoch: 1 } });
  b.ev('s1', 'vote', { leader: 1, zxid: s1zxid, electionEpoch: 2, peerEpoch: 1, round: 2 });
  b.ev('s2', 'vote', { leader: 2, zxid: last2, electionEpoch: 2, peerEpoch: 1, round: 2 });
  if (on.has('badElection'))
    b.ev('s1', 'vote', { leader: 1, zxid: z(1, 5), electionEpoch: 2, peerEpoch: 1, round: 2 });
  b.ev('s2', 'election.decided', { state: 'LEADING', leader: 2, zxid: last2, peerEpoch: 1, round: 2, votesFrom: [1, 2], via: 'quorum', ms: 0 });
  b.ev('s1', 'election.decided', { state: 'FOLLOWING', leader: 2, zxid: last2, peerEpoch: 1, round: 2, votesFrom: [1, 2], via: 'quorum', ms: 0 });
  if (on.has('truncateCommitted')) {
    // The new leader wrongly tells s1 to TRUNC away a committed txn.
    b.ev('s1', 'log.truncate', { zxid: z(1, 2) });
  }
  b.establish('s2', 2, ['s1'], last2);
  if (on.has('twoLeaders')) b.ev('s1', 'leader.established', { epoch: 2, zxid: z(1, 3), quorum: [1, 3] });

  b.propose('s2', z(2, 1), ['s1'], 'create', { path: '/p', ephemeral: false }, S);
  for (const s of ['s1', 's2']) b.ev(s, 'log.append', { zxid: z(2, 1) }), b.ev(s, 'log.durable', { zxid: z(2, 1) });
  b.ev('s2', 'commit', { zxid: z(2, 1) });
  for (const s of ['s1', 's2']) b.ev(s, 'apply', { zxid: z(2, 1), type: 'create', digest: 0 });
  if (on.has('epochBackwards')) b.ev('s1', 'apply', { zxid: z(1, 3), type: 'setData', digest: 0 });

  // --- s3 restarts: it rebuilds its tree from its log (silently, as the server does), then follows s2.
  b.host('s3', 'restart', { log: 3, snapshots: 0, meta: 2 });
  b.ev('s3', 'election.start', { round: 1, vote: { leader: 3, zxid: on.has('fork1154') ? z(1, 4) : z(1, 3), electionEpoch: 1, peerEpoch: 1 } });
  b.ev('s3', 'vote', { leader: 3, zxid: on.has('fork1154') ? z(1, 4) : z(1, 3), electionEpoch: 1, peerEpoch: 1, round: 1 });
  b.ev('s3', 'election.decided', { state: 'FOLLOWING', leader: 2, zxid: z(2, 1), peerEpoch: 2, round: 1, votesFrom: [1, 2], via: 'quorum', ms: 0 });
  b.ev('s3', 'state', { state: 'FOLLOWING' });
  b.ev('s3', 'epoch.accepted', { epoch: 2 });
  // s3 gets DIFF from 1:3. With `fork1154` it holds the uncommitted 1:4 and should have got TRUNC
  // to 1:3 first; ZOOKEEPER-1154 sent DIFF, so 1:4 stays in its log and tree.
  b.ev('s2', 'sync.send', { peer: 3, mode: 'DIFF', from: z(1, 3), to: z(2, 1) });
  b.ev('s3', 'log.append', { zxid: z(2, 1) });
  b.ev('s3', 'log.durable', { zxid: z(2, 1) });
  b.ev('s3', 'epoch.current', { epoch: 2 });
  if (on.has('learnerDropped')) {
    // ZOOKEEPER-4685's shape: the established leader drops a learner in mid-sync, nothing faulty.
    b.ev('s2', 'zab.learnerDropped', { peer: 3, reason: 'next packet was supposed to be the NEWLEADER ack' });
    b.ev('s3', 'zab.abandon', { reason: 'leader closed the connection' });
    b.ev('s3', 'state', { state: 'LOOKING' });
  } else b.ev('s3', 'serving', { role: 'follower' });
  b.ev('s3', 'apply', { zxid: z(2, 1), type: 'create', digest: 0 });

  // --- c1 closes its session (2:2); everyone applies.
  if (!on.has('clientVanishes')) {
    b.ev('c1', 'client.invoke', { session: S, xid: 5, op: 'closeSession' });
    b.propose('s2', z(2, 2), ['s1', 's3'], 'closeSession', { paths: ['/e'] }, S);
    for (const s of all) b.ev(s, 'log.append', { zxid: z(2, 2) }), b.ev(s, 'log.durable', { zxid: z(2, 2) });
    b.ev('s2', 'commit', { zxid: z(2, 2) });
    for (const s of all) b.ev(s, 'apply', { zxid: z(2, 2), type: 'closeSession', digest: 0 });
    b.ev('s2', 'session.close', { session: S });
    b.ev('c1', 'client.return', { session: S, xid: 5, rc: 0, zxid: z(2, 2) });
  } else {
    b.host('c1', 'crash', { lost: 0, kept: 0 });
  }
  if (on.has('orphanEphemeral')) {
    b.propose('s2', z(2, 3), ['s1', 's3'], 'create', { path: '/late', ephemeral: true }, S);
    for (const s of all) b.ev(s, 'log.append', { zxid: z(2, 3) }), b.ev(s, 'log.durable', { zxid: z(2, 3) });
    b.ev('s2', 'commit', { zxid: z(2, 3) });
    for (const s of all) b.ev(s, 'apply', { zxid: z(2, 3), type: 'create', digest: 0 });
  }
  if (on.has('staleEphemeralRead')) {
    const T = '0x200000001';
    b.ev('c2', 'client.invoke', { session: T, xid: 1, op: 'exists', path: '/e' });
    b.ev('c2', 'client.return', { session: T, xid: 1, rc: 0, zxid: z(2, 2) });
  }
  if (on.has('noLeaderAfterHeal')) {
    b.host('s2', 'crash', { lost: 0, kept: 0 });
    b.ev('s1', 'state', { state: 'LOOKING' });
  }
  // Quiet time: the run goes on for two minutes of virtual time.
  b.at(120_000_000);
  b.ev('s1', 'state', { state: on.has('noLeaderAfterHeal') ? 'LOOKING' : 'FOLLOWING' });
  return b.records;
}
