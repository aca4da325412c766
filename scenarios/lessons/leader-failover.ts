/** LESSON: a leader crash — detection, re-election, client failover, the old leader's return. */
import scenario from '../leader-crash.ts';
import { frame } from './lesson.ts';
import type { Lesson } from './lesson.ts';

const lesson: Lesson = {
  name: 'leader-failover',
  title: 'Leader failover: a crash, a new leader, clients keep their sessions',
  intro: 'When the leader dies its followers notice at once, elect the best remaining server and the clients reconnect elsewhere with the same session.',
  scenario,
  steps(f) {
    const est1 = f.event('leader.established');
    const old = est1.node;
    const crash = f.node('crash', old);
    const looking = f.event('state', (h) => h.data.state === 'LOOKING', crash.t);
    const win = f.event('election.decided', (h) => h.data.state === 'LEADING', crash.t);
    const est2 = f.event('leader.established', (h) => h.node === win.node, win.t);
    const reconnect = f.event('client.connected', (h) => h.node === 'c1', crash.t);
    const restart = f.node('restart', old, crash.t);
    const sync = f.event('sync.send', (h) => `s${h.data.peer}` === old, restart.t);
    return [
      frame(0, est1.t, `${old} wins the first election and leads epoch ${est1.data.epoch}; c1 connects to it, c2 to a follower.`, { focus: 'election', padMs: 50 }),
      frame(crash.t, looking.t, `${old} crashes: its followers see the connection break (no timeout needed) and go LOOKING.`, { focus: old, padMs: 5 }),
      frame(looking.t, est2.t, `${win.node} wins: ${f.credential(win.node, crash.t)}; it establishes epoch ${est2.data.epoch} about ${Math.round((est2.t - crash.t) / 1000)} ms after the crash.`, { focus: 'election' }),
      frame(crash.t, reconnect.t, `c1 lost its server; it reconnects to ${reconnect.data.server ?? '?'} with the same session ${reconnect.data.session}, and its retried write succeeds.`, { focus: 'c1', padMs: 100 }),
      frame(restart.t, sync.t, `${old} restarts from its disk, finds the leader ${win.node} and is synced by ${sync.data.mode}: it already held most of the history.`, { focus: 'sync', padMs: 10 }),
    ];
  },
};
export default lesson;
