/**
 * SPLIT BRAIN — teaches: a leader cut off with a minority cannot commit anything (a write needs a
 * quorum of acks), notices within syncLimit ticks that it lost its quorum and steps down; the
 * majority side elects a leader of a higher epoch and keeps serving. The client c1 is cut off on
 * the old leader's side: its write reaches the old leader, which logs it and proposes it but never
 * gathers a quorum of acks. After the heal the old leader rejoins as a follower and that logged,
 * never-committed write is discarded everywhere (the trace shows it: `loggedThenDiscarded`).
 */
import { acked, allServing, goneEverywhere, leaderOfEpochAbove, loggedThenDiscarded, notAcked, notLeading, presentEverywhere } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';
import type { ZkScenario } from './lib/define.ts';

let oldLeader = '';
let oldEpoch = 0;

/** `clientWithOldLeader: false` leaves c1 on the majority side (the scenario's old, wrong form:
 *  its write is dropped at the partition and never reaches the old leader). */
export function splitBrainScenario(opts: { readonly clientWithOldLeader?: boolean } = {}): ZkScenario {
  const withOld = opts.clientWithOldLeader ?? true;
  return zkScenario({
  name: 'split-brain',
  description: '5 servers; the leader and one follower are cut off from the other three, then the partition heals',
  seed: 1,
  servers: 5,
  clients: 2,
  durationMs: 40_000,
  script(z) {
    z.at(1_000, (z) => {
      oldLeader = z.leader() ?? 's5';
      oldEpoch = z.leaders()[0]?.epoch ?? 0;
      // c1 talks to the leader (it will fail over), c2 to a server that ends up on the majority side.
      z.connect('c1', oldLeader);
      z.connect('c2', z.followers()[1] ?? 's2');
    });
    z.at(1_500, (z) => z.call('c1', { op: 'create', path: '/before', data: 'x' }, undefined, 'write before the partition'));
    z.at(2_000, (z) => {
      const buddy = z.followers()[0] ?? 's1';
      z.note(`partition: ${oldLeader}, ${buddy}${withOld ? ' and c1' : ''} cut off from the rest`);
      z.partition([withOld ? [oldLeader, buddy, 'c1'] : [oldLeader, buddy]]);
    });
    // Sent to the cut-off leader by a client on its side: it logs it but never gathers a quorum of acks.
    z.at(2_100, (z) => z.call('c1', { op: 'create', path: '/doomed', data: 'x' }, undefined, 'write to the cut-off leader'));
    z.expectAt(15_000, 'the cut-off leader stepped down', (z) => ({ ok: z.stateOf(oldLeader) !== 'LEADING', detail: z.stateOf(oldLeader) }));
    z.expectAt(20_000, 'the majority elected a leader of a higher epoch', (z) => leaderOfEpochAbove(z, oldEpoch));
    z.at(20_000, (z) => z.call('c2', { op: 'create', path: '/after', data: 'y' }, undefined, 'write on the majority side'));
    z.at(25_000, (z) => z.heal());
    // c1's session expired while it was cut off (the majority's leader expired it); c2 writes.
    z.at(33_000, (z) => z.call('c2', { op: 'create', path: '/late', data: 'z' }, undefined, 'write after the heal'));
  },
  expect: (z) => [
    notLeading(z, oldLeader),
    leaderOfEpochAbove(z, oldEpoch),
    acked(z, 'write before the partition'),
    notAcked(z, 'write to the cut-off leader'),
    acked(z, 'write on the majority side'),
    acked(z, 'write after the heal'),
    loggedThenDiscarded(z, oldLeader, '/doomed'),
    goneEverywhere(z, '/doomed'),
    presentEverywhere(z, '/after'),
    allServing(z),
  ],
});
}

export default splitBrainScenario();
