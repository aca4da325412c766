/** LESSON: sessions and ephemerals — a pause long enough expires a session; its ephemerals go. */
import scenario from '../session-expiry.ts';
import { frame } from './lesson.ts';
import type { Lesson } from './lesson.ts';

const lesson: Lesson = {
  name: 'session-expiry',
  title: 'Session expiry: ephemerals live as long as their session',
  intro: 'The leader expires a session it has not heard from for the session timeout, and deletes its ephemeral znodes; the client learns it only when it talks to a server again.',
  scenario,
  steps(f) {
    const pause = f.node('pause', 'c1');
    const crash = f.node('crash', 'c3');
    const expiring = f.events('session.expiring', () => true, pause.t);
    const first = expiring[0] ?? f.event('session.expiring');
    const applied = f.event('session.expire', () => true, first.t);
    const watch = f.notify('c2', (r) => r.type === 'NodeDeleted', first.t);
    const resume = f.node('resume', 'c1');
    const told = f.event('client.expired', (h) => h.node === 'c1', resume.t);
    return [
      frame(0, pause.t - 100_000, 'Four clients open sessions (4 s timeout); c1, c3 and c4 each create an ephemeral znode; c2 watches /worker, the ephemeral of c1.', { focus: 'client', padMs: 0 }),
      frame(pause.t, crash.t, 'c1 freezes (a long GC pause: alive but silent) and c3 crashes: neither sends pings any more. c4 closes its session: its ephemeral goes at once.', { focus: 'c1', padMs: 200 }),
      frame(first.t, applied.t, `About 4 s later the leader ${first.node} finds their sessions expired and proposes closeSession; once committed, every server deletes their ephemerals.`, { focus: first.node, padMs: 20 }),
      frame(applied.t, watch.t, 'c2 is told NodeDeleted by its watch: the ephemeral is gone while c1 still believes it holds it.', { focus: 'c2', padMs: 20 }),
      frame(resume.t, told.t, 'c1 wakes up and talks to a server: only now does it learn its session expired (SessionExpired).', { focus: 'c1', padMs: 50 }),
    ];
  },
};
export default lesson;
