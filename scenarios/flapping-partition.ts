/**
 * FLAPPING PARTITION — teaches: a network that keeps breaking and healing is the hardest case for
 * availability but must never hurt safety. Each flap cuts the leader off: a short one (under
 * syncLimit·tickTime, here 5 × 500 ms) only breaks connections — writes in flight get ConnectionLoss
 * and clients reconnect; a long one makes the followers give up on the leader and elect another —
 * yet at most one leader is established per epoch, epochs only go up, and every
 * acknowledged write survives. Also here: a clogged (very slow) link that releases a backlog in
 * order, and a server whose clock runs 5% fast — harmless, since ZooKeeper only times things with
 * each server's own clock and never compares clocks across servers.
 */
import { ackCount, ackedCreatesPresent, allServing, converged, leaderOfEpochAbove, oneLeader, that } from './lib/expect.ts';
import { zkScenario } from './lib/define.ts';

let lastHealMs = 0;

export default zkScenario({
  name: 'flapping-partition',
  description: '3 servers (tickTime 500); the current leader is cut off 8 times for 0.3–3.5 s; a clogged link; a skewed clock',
  cfg: { tickTimeMs: 500 },
  seed: 1,
  servers: 3,
  clients: 2,
  durationMs: 30_000,
  script(z) {
    z.at(300, (z) => {
      z.connect('c1');
      z.connect('c2');
      z.skew('s2', 1.05);
    });
    z.every(100, 1_000, 25_000, (z, i) => {
      z.call('c1', { op: 'create', path: `/f${i}`, data: String(i) }, undefined, 'c1 write');
      z.call('c2', { op: 'getData', path: '/f0' });
    });
    // Flaps: whoever leads at that moment is cut off, for a growing while.
    const lengths = [300, 300, 600, 1_500, 3_500, 300, 3_500, 600];
    let t = 2_000;
    for (const len of lengths) {
      z.at(t, (z) => z.isolate((z) => z.leader()));
      z.at(t + len, (z) => z.heal());
      lastHealMs = t + len;
      t += len + 1_200;
    }
    // A slow link: everything from the leader to one follower is held for 2 s, then released in order.
    z.at(18_000, (z) => z.clog((z) => z.leader(), (z) => z.followers()[0] ?? null));
    z.at(20_000, (z) => {
      for (const a of z.servers) for (const b of z.servers) if (a !== b) z.unclog(a, b);
    });
    z.at(20_001, (z) => z.skew('s2', 1));
  },
  expect(z) {
    const w = ackCount(z, 'c1 write');
    // Once the network is stable again (2 s after the last heal), every write must get through.
    const late = z.calls.filter((c) => c.label === 'c1 write' && c.atUs > (lastHealMs + 2_000) * 1000);
    return [
      oneLeader(z),
      leaderOfEpochAbove(z, 2),
      that('once the network is stable every write is acknowledged', late.length > 0 && late.every((c) => c.reply?.rc === 0), `${late.filter((c) => c.reply?.rc === 0).length}/${late.length}`),
      that('writes were acknowledged while it flapped', w.acked > 0, `${w.acked}/${w.issued} in all`),
      ackedCreatesPresent(z),
      allServing(z),
      converged(z),
    ];
  },
});
