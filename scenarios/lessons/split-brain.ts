/** LESSON: a partitioned leader cannot commit; the doomed write it logged is discarded. */
import scenario from '../split-brain.ts';
import { frame } from './lesson.ts';
import type { Lesson } from './lesson.ts';
import { hex } from './find.ts';

const lesson: Lesson = {
  name: 'split-brain',
  title: 'Split brain: two leaders, one of them powerless',
  intro: 'A leader cut off with a minority keeps believing it leads for a while, but it cannot commit anything; the majority elects a leader of a higher epoch.',
  scenario,
  steps(f) {
    const est1 = f.event('leader.established');
    const old = est1.node;
    const part = f.fault('partition');
    const groups = (part.data['groups'] as string[][]).map((g) => g.filter((n) => n.startsWith('s')).join(' '));
    const doomed = f.event('propose', (h) => h.node === old, part.t);
    const win = f.event('election.decided', (h) => h.data.state === 'LEADING', part.t);
    const est2 = f.event('leader.established', (h) => h.node === win.node, win.t);
    const down = f.event('state', (h) => h.node === old && h.data.state === 'LOOKING', part.t);
    const heal = f.fault('heal');
    const sync = f.event('sync.send', (h) => `s${h.data.peer}` === old, heal.t);
    return [
      frame(part.t, part.t, `The network splits: ${groups.join(' and ')} (with the client c1) are cut off from the rest. The leader ${old} is now on the minority side.`, { focus: 'partition', padMs: 100 }),
      frame(doomed.t, doomed.t, `c1 writes to ${old}: the leader logs it as ${hex(doomed.data.zxid)} and sends PROPOSAL, but only one follower can ack — not a quorum. The write can never commit.`, { focus: 'broadcast', padMs: 20 }),
      frame(win.t - 250_000, est2.t, `On the majority side the followers stop hearing from ${old}, elect ${win.node} and establish epoch ${est2.data.epoch}: for a while two servers believe they lead.`, { focus: 'election' }),
      frame(down.t, down.t, `${old} notices it lost its quorum (syncLimit ticks without acks) and steps down; c1's write fails with ConnectionLoss.`, { focus: old, padMs: 50 }),
      frame(heal.t, sync.t, `After the heal ${old} joins ${win.node} as a follower and is synced by ${sync.data.mode}: its logged, never-committed ${hex(doomed.data.zxid)} is discarded.`, { focus: 'sync', padMs: 50 }),
    ];
  },
};
export default lesson;
