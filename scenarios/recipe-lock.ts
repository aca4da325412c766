/**
 * RECIPE: DISTRIBUTED LOCK THROUGH A LEADER FAILOVER — teaches the ephemeral-sequential lock
 * (scenarios/lib/recipes/lock.ts): contenders queue up as /lock/<id>-lock-000000000N, the lowest
 * holds the lock, each waits on the one just below it. The leader crashes while the lock is held:
 * sessions survive the failover (clients reconnect to another server within the session timeout),
 * so the queue of ephemeral nodes survives too, watches are re-registered (SetWatches) and the lock
 * keeps being handed over in order — never to two clients at once. A create that got ConnectionLoss
 * is resolved by looking for one's own named child instead of creating a second one.
 * (`lockScenario({ plantedBug: 'noWait' })` skips the waiting; scenarios/planted.test.ts shows the
 * mutual-exclusion expectation catch it.)
 */
import { acked, allServing, leaderOfEpochAbove, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { lockOnce } from './lib/recipes/lock.ts';

const CLIENTS = ['c1', 'c2', 'c3', 'c4'];
const ROUNDS = 2;
let holder: string | null = null;
let overlaps: string[] = [];
let grants: string[] = [];

export function lockScenario(opts: { readonly plantedBug?: 'noWait' } = {}) {
  return zkScenario({
    name: 'recipe-lock',
    description: '4 clients take an ephemeral-sequential lock twice each; the leader crashes while it is held',
    seed: 1,
    servers: 3,
    clients: 4,
    durationMs: 40_000,
    script(z) {
      holder = null;
      overlaps = [];
      grants = [];
      const events = {
        acquired: (c: string, t: number) => {
          if (holder !== null) overlaps.push(`${c} acquired at ${t} ms while ${holder} held it`);
          holder = c;
          grants.push(c);
          z.note(`lock: ${c} holds the lock`);
        },
        released: (c: string) => {
          if (holder === c) holder = null;
          const round = grants.filter((g) => g === c).length;
          // Queue up again for the next round.
          if (round < ROUNDS) z.after(10, (z) => lockOnce(z, c, '/lock', 1_000, events, opts.plantedBug));
        },
      };
      z.at(500, (z) => {
        for (const c of CLIENTS) z.connect(c);
        z.call('c1', { op: 'create', path: '/lock', data: '' }, undefined, 'create /lock');
      });
      CLIENTS.forEach((c, i) => z.at(1_000 + i * 20, (z) => lockOnce(z, c, '/lock', 1_000, events, opts.plantedBug)));
      // The leader dies while someone holds the lock.
      z.at(2_500, (z) => z.crash((z) => z.leader()));
      z.at(35_000, (z) => z.call('c1', { op: 'getChildren', path: '/lock' }, undefined, 'final look at the queue'));
    },
    expect(z) {
      const queue = z.labelled('final look at the queue')?.reply?.children;
      return [
        acked(z, 'create /lock'),
        leaderOfEpochAbove(z, 1),
        that('never two holders at once', overlaps.length === 0, overlaps.join('; ') || `${grants.length} grants`),
        that(`every client got the lock ${ROUNDS} times`, CLIENTS.every((c) => grants.filter((g) => g === c).length === ROUNDS), grants.join(' ')),
        that('the lock queue is empty at the end', queue !== undefined && queue.length === 0, JSON.stringify(queue)),
        allServing(z),
      ];
    },
  });
}

export default lockScenario();
