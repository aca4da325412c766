/**
 * RECIPE: MASTER ELECTION WITH AN EPHEMERAL /master — teaches (scenarios/lib/recipes/master.ts):
 * three candidates race to create the ephemeral /master; exactly one wins, the others watch it.
 * The master then freezes in a long GC pause: its session expires, /master vanishes, a standby
 * takes over within about a session timeout. When the old master wakes it still believes it is
 * master until the ensemble tells it its session expired — the reason real masters must fence
 * their work (e.g. with the znode's version or zxid), not trust their own belief.
 */
import { acked, allServing, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { runForMaster } from './lib/recipes/master.ts';

const CANDIDATES = ['c1', 'c2', 'c3'];
let masters: { client: string; atMs: number }[] = [];
let deposed: { client: string; atMs: number }[] = [];
let first = '';

export default zkScenario({
  name: 'recipe-master',
  description: '3 candidates for an ephemeral /master; the master is paused 12 s (GC) and replaced',
  seed: 1,
  servers: 3,
  clients: 3,
  client: { sessionTimeoutMs: 4_000 },
  durationMs: 20_000,
  script(z) {
    masters = [];
    deposed = [];
    first = '';
    const ev = {
      elected: (client: string, atMs: number) => {
        masters.push({ client, atMs });
        z.note(`master: ${client} is master`);
      },
      deposed: (client: string, atMs: number) => {
        deposed.push({ client, atMs });
      },
    };
    z.at(500, (z) => CANDIDATES.forEach((c) => z.connect(c)));
    z.at(1_000, (z) => CANDIDATES.forEach((c) => runForMaster(z, c, ev)));
    z.at(3_000, (z) => {
      first = masters[0]?.client ?? 'c1';
      z.pause(first);
    });
    z.at(15_000, (z) => {
      z.resume(first);
      // The old master tries to act as master again: the ensemble answers SessionExpired.
      z.call(first, { op: 'setData', path: '/master', data: `${first} still here` }, (r) => {
        if (r.rc === -112) ev.deposed(first, z.nowMs);
      }, 'old master writes after waking');
    });
    z.at(16_000, (z) => z.call(masters[masters.length - 1]?.client ?? 'c1', { op: 'create', path: '/work', data: 'done by the master' }, undefined, 'new master does its work'));
    z.at(18_000, (z) => z.call(CANDIDATES.find((c) => c !== first)!, { op: 'getData', path: '/master' }, undefined, 'who is master'));
  },
  expect(z) {
    const who = z.labelled('who is master')?.reply?.data;
    const second = masters[1];
    return [
      that('exactly one master at first', masters.filter((m) => m.atMs < 3_000).length === 1, masters.map((m) => `${m.client}@${m.atMs}`).join(' ')),
      that('a standby took over while the old master was paused', second !== undefined && second.client !== first && second.atMs > 3_000 && second.atMs < 15_000, second === undefined ? 'nobody' : `${second.client} at ${second.atMs} ms`),
      that('two masters in all (one per session)', masters.length === 2, `${masters.length}`),
      that('/master names the new master', who === second?.client, String(who)),
      that('the old master learnt it was deposed only after waking', deposed.some((d) => d.client === first && d.atMs >= 15_000), deposed.map((d) => `${d.client}@${d.atMs}`).join(' ') || 'never'),
      acked(z, 'new master does its work'),
      allServing(z),
    ];
  },
});
