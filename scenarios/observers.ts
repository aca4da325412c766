/**
 * OBSERVERS — teaches: observers replicate the data and serve reads (and forward writes) like
 * followers, so adding them scales reads without slowing writes: they never ack proposals and never
 * vote, so the quorum stays a majority of the 3 voters. The flip side: when 2 of the 3 voters are
 * down, the 2 healthy observers cannot make a quorum — nothing can be written until a voter
 * returns. (Observers keep serving reads from their last state only while a leader is there; with
 * no leader they disconnect, as ZooKeeper observers do.)
 */
import { ackCount, acked, allServing, converged, notAcked, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

let observerStates = new Set<string>();
let quorumsWithObserver = 0;

export default zkScenario({
  name: 'observers',
  description: '3 voters + 2 observers; clients read and write through the observers; 2 voters die, then one returns',
  seed: 1,
  servers: 3,
  observers: 2,
  clients: 3,
  durationMs: 14_000,
  script(z) {
    observerStates = new Set();
    quorumsWithObserver = 0;
    z.onEvent('state', (node, d) => {
      if (node === 's4' || node === 's5') observerStates.add(String(d['state']));
    });
    z.onEvent('leader.established', (_n, d) => {
      const q = (d['quorum'] ?? []) as number[];
      if (q.some((sid) => sid > 3)) quorumsWithObserver++;
    });
    z.at(500, (z) => {
      z.connect('c1', 's4');
      z.connect('c2', 's5');
      z.connect('c3', 's4');
    });
    z.at(1_000, (z) => z.call('c1', { op: 'create', path: '/data', data: 'v1' }, undefined, 'write through an observer'));
    // Reads are answered by the observer the client is connected to.
    z.every(20, 1_200, 2_200, (z) => {
      for (const c of ['c1', 'c2', 'c3']) z.call(c, { op: 'getData', path: '/data' }, undefined, 'read from an observer');
    });
    z.at(3_000, (z) => {
      z.crash('s1');
      z.crash('s2');
    });
    z.at(4_000, (z) => z.call('c2', { op: 'setData', path: '/data', data: 'v2' }, undefined, 'write with 2 of 3 voters down'));
    z.expectAt(6_000, 'no leader without a voter quorum (observers do not count)', (z) => that('', z.leader() === null, z.leader() ?? 'none'));
    z.at(7_000, (z) => z.restart('s1'));
    z.at(11_000, (z) => z.call('c3', { op: 'setData', path: '/data', data: 'v3' }, undefined, 'write after a voter returned'));
  },
  expect(z) {
    const reads = ackCount(z, 'read from an observer');
    return [
      acked(z, 'write through an observer'),
      that('every read from an observer was answered', reads.issued > 100 && reads.acked === reads.issued, `${reads.acked}/${reads.issued}`),
      // The observer drops its clients when its leader goes; the write fails with ConnectionLoss.
      notAcked(z, 'write with 2 of 3 voters down'),
      acked(z, 'write after a voter returned'),
      that('observers were only ever OBSERVING or LOOKING', [...observerStates].every((s) => s === 'OBSERVING' || s === 'LOOKING'), [...observerStates].join(' ')),
      that('no leader counted an observer in its quorum', quorumsWithObserver === 0, `${quorumsWithObserver}`),
      allServing(z),
      converged(z),
    ];
  },
});
