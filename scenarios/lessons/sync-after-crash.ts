/** LESSON: a follower crashes, loses its unsynced tail, and is synced again. */
import scenario from '../follower-crash-during-sync.ts';
import { frame } from './lesson.ts';
import type { Lesson } from './lesson.ts';
import { hex } from './find.ts';

const lesson: Lesson = {
  name: 'sync-after-crash',
  title: 'Sync after a crash: what a follower keeps, and how it catches up',
  intro: 'A crashed server keeps only what it fsynced; when it returns, the leader brings it up to date by DIFF (the missing txns), TRUNC (cut txns that never committed) or SNAP (the whole tree).',
  scenario,
  steps(f) {
    const crash1 = f.node('crash', 's1');
    const restart1 = f.node('restart', 's1', crash1.t);
    const sync1 = f.event('sync.send', (h) => h.data.peer === 1, restart1.t);
    const crash2 = f.node('crash', 's1', restart1.t);
    const lost = Number(crash2.data['lost'] ?? 0);
    const restart2 = f.node('restart', 's1', crash2.t);
    const load = f.event('db.load', (h) => h.node === 's1', restart2.t);
    const sync2 = f.event('sync.send', (h) => h.data.peer === 1, restart2.t);
    return [
      frame(crash1.t, crash1.t, 's1 crashes while writes keep committing on the other two servers (still a quorum of 3).', { focus: 's1', padMs: 100 }),
      frame(restart1.t, sync1.t, `s1 restarts with a slow disk; the leader sees it holds up to ${hex(sync1.data.from)} and sends a ${sync1.data.mode} up to ${hex(sync1.data.to)}.`, { focus: 'sync', padMs: 5 }),
      frame(crash2.t, crash2.t, `s1 crashes again in the middle of that sync: ${lost} log records it had not fsynced are lost (a torn tail). It had not acked NEWLEADER, so no quorum counted on them.`, { focus: 's1', padMs: 5 }),
      frame(restart2.t, sync2.t, `s1 restarts, rebuilds its tree from disk up to ${hex(load.data.zxid)} and is simply synced again by ${sync2.data.mode}.`, { focus: 'sync', padMs: 5 }),
    ];
  },
};
export default lesson;
