/** LESSON: how Fast Leader Election picks a leader — (epoch, zxid, myid), compared in that order. */
import scenario from '../initial-election.ts';
import { frame } from './lesson.ts';
import type { Lesson } from './lesson.ts';
import { hex } from './find.ts';

const lesson: Lesson = {
  name: 'initial-election',
  title: 'Initial election: why the winner won',
  intro: 'Every server votes with a credential (epoch, last logged zxid, myid); votes are compared in that order and a server switches to any better vote it hears.',
  scenario,
  steps(f) {
    const firstWin = f.event('election.decided', (h) => h.data.state === 'LEADING');
    const firstEst = f.event('leader.established', () => true, firstWin.t);
    const crash4 = f.node('crash', 's4');
    const writes = f.events('commit', () => true, crash4.t).filter((h) => h.t < 3_000_000);
    const lastWrite = writes[writes.length - 1] ?? firstEst;
    const crash5 = f.node('crash', 's5', lastWrite.t);
    const win2 = f.event('election.decided', (h) => h.data.state === 'LEADING', crash5.t);
    const est2 = f.event('leader.established', (h) => h.node === win2.node, win2.t);
    const snap = f.event('sync.send', (h) => h.data.mode === 'SNAP', win2.t);
    const late = f.event('commit', () => true, est2.t + 1_000_000);
    return [
      frame(0, firstWin.t - 150_000, `Five fresh servers start together. Each first votes for itself with ${f.credential('s1')} … ${f.credential('s5')}: epoch and zxid are equal, so myid decides, and each server switches to the highest myid it hears of.`, { focus: 'election', padMs: 5 }),
      frame(firstWin.t - 205_000, firstEst.t, `${firstWin.node} has the votes of a majority (${firstWin.data.votesFrom.map((x) => 's' + x).join(' ')}); nothing better arrives during the 200 ms finalize wait, so it decides to lead and establishes epoch ${firstEst.data.epoch} once a quorum acks NEWLEADER.`, { focus: 'election' }),
      frame(crash4.t, lastWrite.t, `s4 crashes. Two writes still commit — 4 of 5 servers are a quorum — so the others' last zxid moves to ${hex(lastWrite.data.zxid)} while s4's stays behind.`, { focus: 'broadcast', padMs: 50 }),
      frame(crash5.t, win2.t, `The leader s5 crashes as s4 comes back. s4 has the highest myid left, but ${win2.node}'s ${f.credential(win2.node, crash5.t)} beats s4's ${f.credential('s4', crash5.t)} on zxid: a leader must hold every committed txn.`, { focus: 'election' }),
      frame(snap.t - 5_000, est2.t, `${win2.node} syncs s4 by SNAP (its log is behind the leader's in-memory committed log) and establishes epoch ${est2.data.epoch}.`, { focus: 'sync' }),
      frame(late.t - 5_000, late.t, `A write under the new leader: PROPOSAL to every follower, ACKs from a quorum, then COMMIT of ${hex(late.data.zxid)}.`, { focus: 'broadcast', padMs: 5 }),
    ];
  },
};
export default lesson;
