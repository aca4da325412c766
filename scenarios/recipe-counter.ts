/**
 * RECIPE: A COUNTER WITH VERSIONED setData — teaches (scenarios/lib/recipes/counter.ts):
 * optimistic concurrency. Three clients each add 1 to /counter ten times, all at once, by
 * read-(value, version) → setData(value+1, version). Racing writers get BadVersion and retry, so
 * the final value is exactly 30 — no lost update. One client sits behind a slow link (20 ms each
 * way) and finishes last. (`counterScenario({ plantedBug: 'blindWrite' })` writes without the
 * version — the classic lost-update bug; scenarios/planted.test.ts shows the expectation catch it.) Faults that cause ConnectionLoss are left out on
 * purpose: after a ConnectionLoss on setData the client cannot tell whether its increment
 * happened, and this plain recipe would then count wrong (a real one stores a request id in the
 * value to find out).
 */
import { acked, allServing, converged, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import { increment } from './lib/recipes/counter.ts';
import type { CounterStats } from './lib/recipes/counter.ts';

const CLIENTS = ['c1', 'c2', 'c3'];
const TIMES = 10;
let stats = new Map<string, CounterStats>();

export function counterScenario(opts: { readonly plantedBug?: 'blindWrite' } = {}) {
  return zkScenario({
    name: 'recipe-counter',
    description: '3 clients increment /counter 10 times each with versioned setData; c3 is behind a slow link',
    seed: 1,
    servers: 3,
    clients: 3,
    durationMs: 8_000,
    script(z) {
      stats = new Map(CLIENTS.map((c) => [c, { done: 0, conflicts: 0 }]));
      z.at(500, (z) => {
        for (const c of CLIENTS) z.connect(c);
        z.call('c1', { op: 'create', path: '/counter', data: '0' }, undefined, 'create /counter');
      });
      z.at(900, (z) => {
        const s = z.servers;
        for (const server of s) {
          z.delay('c3', server, 20);
          z.delay(server, 'c3', 20);
        }
      });
      z.at(1_000, (z) => {
        for (const c of CLIENTS) increment(z, c, '/counter', TIMES, stats.get(c)!, undefined, opts.plantedBug === 'blindWrite');
      });
      z.at(6_000, (z) => z.call('c2', { op: 'sync', path: '/counter' }));
      z.at(6_010, (z) => z.call('c2', { op: 'getData', path: '/counter' }, undefined, 'read the final value'));
    },
    expect(z) {
      const final = z.labelled('read the final value')?.reply;
      const conflicts = [...stats.values()].reduce((a, s) => a + s.conflicts, 0);
      return [
        acked(z, 'create /counter'),
        that(`every client did its ${TIMES} increments`, CLIENTS.every((c) => stats.get(c)?.done === TIMES), CLIENTS.map((c) => `${c}:${stats.get(c)?.done}`).join(' ')),
        that(`the counter reads ${TIMES * CLIENTS.length}: no update lost`, final?.data === String(TIMES * CLIENTS.length), `data=${final?.data} version=${final?.stat?.version}`),
        that('racing writers met BadVersion and retried', conflicts > 0, `${conflicts} conflicts; c3 (slow link) ${stats.get('c3')?.conflicts}`),
        allServing(z),
        converged(z),
      ];
    },
  });
}

export default counterScenario();
