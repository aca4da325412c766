/**
 * RECIPE: CONFIGURATION CENTRE WITH WATCHES — teaches (scenarios/lib/recipes/config.ts): readers
 * hold a one-shot data watch on /config and re-read (re-arming the watch) each time it fires. An
 * admin publishes 12 versions, some in quick bursts. A follower that serves two of the readers
 * crashes mid-way: they reconnect to another server and their watches are re-registered
 * (SetWatches with their last zxid), so a change made while they were moving still fires. Every
 * reader sees versions in increasing order (maybe skipping some) and ends on the last one.
 */
import { acked, allServing, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { followConfig } from './lib/recipes/config.ts';

const READERS = ['c2', 'c3', 'c4'];
const VERSIONS = 12;
let views = new Map<string, number[]>();

export default zkScenario({
  name: 'recipe-config',
  description: 'an admin publishes 12 config versions; 3 readers follow them with watches across a follower crash',
  seed: 1,
  servers: 3,
  clients: 4,
  durationMs: 20_000,
  script(z) {
    views = new Map(READERS.map((c) => [c, []]));
    let follower = '';
    z.at(500, (z) => {
      follower = z.followers()[0] ?? 's1';
      z.connect('c1', z.leader() ?? 's3');
      z.connect('c2', follower);
      z.connect('c3', follower);
      z.connect('c4', z.leader() ?? 's3');
    });
    z.at(800, (z) => z.call('c1', { op: 'create', path: '/config', data: 'v0' }, undefined, 'publish v0'));
    z.at(1_000, (z) => {
      for (const c of READERS) followConfig(z, c, '/config', (value, version) => views.get(c)?.push(version));
    });
    // Versions 1..12: a burst of three pipelined writes every 1.5 s (readers skip inside a burst).
    for (let v = 1; v <= VERSIONS; v++) {
      const at = 2_000 + Math.floor((v - 1) / 3) * 1_500;
      z.at(at, (z) => z.call('c1', { op: 'setData', path: '/config', data: `v${v}` }, undefined, `publish v${v}`));
    }
    z.at(3_600, (z) => z.crash(follower));
    z.at(12_000, (z) => z.restart(follower));
    z.at(14_000, (z) => z.call('c1', { op: 'create', path: '/published', data: '' }, undefined, 'mark published'));
  },
  expect(z) {
    const out = [acked(z, 'publish v0'), acked(z, `publish v${VERSIONS}`)];
    for (const c of READERS) {
      const seen = views.get(c) ?? [];
      const increasing = seen.every((v, i) => i === 0 || v > seen[i - 1]!);
      out.push(that(`${c} saw versions in increasing order and ended on the last`, increasing && seen[seen.length - 1] === VERSIONS, seen.join(',')));
    }
    out.push(allServing(z), acked(z, 'mark published'));
    return out;
  },
});
