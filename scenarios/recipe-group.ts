/**
 * RECIPE: GROUP MEMBERSHIP — teaches (scenarios/lib/recipes/group.ts): members register ephemeral
 * children of /group; a monitor keeps the member list with a child watch. A member that leaves
 * cleanly (closes its session) disappears at once; a member whose process crashes disappears only
 * when its session expires (4 s here) — failure detection in ZooKeeper is the session timeout. A
 * member cut off by a partition for less than its session timeout comes back without ever leaving.
 */
import { acked, allServing, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { join, monitor } from './lib/recipes/group.ts';

const MEMBERS = ['c2', 'c3', 'c4', 'c5'];
let views: { members: string[]; atMs: number }[] = [];

function viewAt(ms: number): string[] | undefined {
  let last: string[] | undefined;
  for (const v of views) if (v.atMs <= ms) last = v.members;
  return last;
}

export default zkScenario({
  name: 'recipe-group',
  description: '4 members join /group; c3 leaves, c4 crashes, c5 is cut off for 2 s; c1 monitors',
  seed: 1,
  servers: 3,
  clients: 5,
  client: { sessionTimeoutMs: 4_000 },
  durationMs: 16_000,
  script(z) {
    views = [];
    z.at(500, (z) => {
      for (const c of ['c1', ...MEMBERS]) z.connect(c);
      z.call('c1', { op: 'create', path: '/group', data: '' }, undefined, 'create /group');
    });
    z.at(800, (z) => monitor(z, 'c1', '/group', (members, atMs) => views.push({ members, atMs })));
    MEMBERS.forEach((c, i) => z.at(1_000 + i * 100, (z) => join(z, c, '/group')));
    z.at(3_000, (z) => z.call('c3', { op: 'closeSession' }, undefined, 'c3 leaves'));
    z.at(4_000, (z) => z.crash('c4'));
    z.at(5_000, (z) => z.isolate('c5'));
    z.at(7_000, (z) => z.heal());
    z.at(14_000, (z) => z.call('c2', { op: 'setData', path: '/group', data: 'still alive' }, undefined, 'member writes'));
  },
  expect(z) {
    const gone4 = views.find((v) => v.atMs > 4_000 && !v.members.includes('c4'));
    return [
      acked(z, 'create /group'),
      that('the monitor saw all 4 members', viewAt(2_900)?.join(',') === MEMBERS.join(','), viewAt(2_900)?.join(',') ?? 'nothing'),
      that('a member that closes its session leaves at once', viewAt(3_100)?.includes('c3') === false, viewAt(3_100)?.join(',') ?? ''),
      that('a crashed member stays listed until its session expires (timeout 4 s, rounded up to the 2 s tick buckets)', gone4 !== undefined && gone4.atMs >= 8_000 && gone4.atMs <= 11_000, gone4 === undefined ? 'never removed' : `removed at ${gone4.atMs} ms`),
      that('a member cut off for less than its session timeout never left', views.every((v) => v.atMs < 1_400 || v.members.includes('c5')), views.map((v) => v.members.join('+')).join(' | ')),
      that('the final view is the live members', viewAt(16_000)?.join(',') === 'c2,c5', viewAt(16_000)?.join(',') ?? ''),
      acked(z, 'member writes'),
      allServing(z),
    ];
  },
});
