/**
 * SESSION EXPIRY — teaches: an ephemeral znode lives exactly as long as its session. A session
 * ends when its client closes it, or when the leader hears nothing from it for the session timeout
 * (here 4 s). A client does not have to crash for that: a long GC-like pause is enough. The paused
 * client c1 loses its ephemeral /worker while it is frozen; the watcher c2 is told (NodeDeleted).
 * When c1 wakes up it learns its session is gone only from the server (SessionExpired) — until
 * then it wrongly believes it still holds /worker. A crashed client (c3) loses its ephemeral the same
 * way; a client that closes its session (c4) loses it at once.
 */
import { acked, allServing, goneEverywhere, presentEverywhere, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

const EPHEMERAL = 1;
let deletedSeenAtMs: number | undefined;
let closedGoneAtMs: number | undefined;

export default zkScenario({
  name: 'session-expiry',
  description: '3 servers; c1 (4 s sessions) is paused 10 s, c3 crashes, c4 closes: their ephemerals vanish',
  seed: 1,
  servers: 3,
  clients: 4,
  client: { sessionTimeoutMs: 4_000 },
  durationMs: 20_000,
  script(z) {
    deletedSeenAtMs = undefined;
    closedGoneAtMs = undefined;
    z.at(500, (z) => {
      for (const c of ['c1', 'c2', 'c3', 'c4']) z.connect(c);
    });
    z.at(1_000, (z) => {
      z.call('c1', { op: 'create', path: '/worker', data: 'c1', flags: EPHEMERAL }, undefined, 'ephemeral create');
      z.call('c3', { op: 'create', path: '/worker3', data: 'c3', flags: EPHEMERAL }, undefined, 'ephemeral create (c3)');
      z.call('c4', { op: 'create', path: '/worker4', data: 'c4', flags: EPHEMERAL }, undefined, 'ephemeral create (c4)');
    });
    z.at(1_200, (z) => z.call('c2', { op: 'exists', path: '/worker', watch: true }, undefined, 'exists watch on /worker'));
    z.onWatch('c2', (e) => {
      if (e.type === 'NodeDeleted' && e.path === '/worker') deletedSeenAtMs ??= z.nowMs;
    });
    z.expectAt(2_000, 'the ephemerals exist while their sessions live', (z) => presentEverywhere(z, '/worker'));
    z.at(3_000, (z) => {
      z.pause('c1'); // a stop-the-world GC pause: no pings go out
      z.crash('c3');
      // The server c4 talks to answers the close once it has applied it (others follow shortly).
      const server = (z.procs.get('c4') as unknown as { currentServer: string | null }).currentServer ?? 's1';
      z.call('c4', { op: 'closeSession' }, () => {
        closedGoneAtMs = z.has(server, '/worker4') ? undefined : z.nowMs;
      });
    });
    z.expectAt(9_500, "c1's ephemeral is gone while c1 is still paused", (z) => goneEverywhere(z, '/worker'));
    z.at(13_000, (z) => z.resume('c1'));
    z.at(13_500, (z) => z.call('c1', { op: 'getData', path: '/worker' }, undefined, 'read after waking up'));
    z.at(16_000, (z) => z.call('c2', { op: 'create', path: '/done', data: '' }, undefined, 'final write'));
  },
  expect(z) {
    const woke = z.labelled('read after waking up');
    return [
      acked(z, 'ephemeral create'),
      acked(z, 'exists watch on /worker'),
      goneEverywhere(z, '/worker'),
      goneEverywhere(z, '/worker3'),
      goneEverywhere(z, '/worker4'),
      that('the watcher c2 was told /worker was deleted, 4–6 s after the pause began', deletedSeenAtMs !== undefined && deletedSeenAtMs >= 7_000 && deletedSeenAtMs <= 9_000, `at ${deletedSeenAtMs} ms`),
      that("a closed session's ephemeral is gone from its server when the close is acknowledged", closedGoneAtMs !== undefined, `at ${closedGoneAtMs} ms`),
      that('c1 learns its session expired when it wakes up', woke?.reply?.rc === -112, `rc=${woke?.reply?.rc}`),
      acked(z, 'final write'),
      allServing(z),
    ];
  },
});
