import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, createMany } from '../../ensemble/testing/workload.ts';

describe('status(): a pure read of a server', () => {
  it('names roles, epochs, votes, zxids and sessions, and reading it changes nothing', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 4 });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    connectAll(c);
    expect(createMany(c, 'c1', 'st', 3)).toBe(3);
    c.runFor(50);
    const leader = c.leader()!;
    const st = leader.status();
    expect(st).toMatchObject({ kind: 'server', myid: leader.sid, role: 'LEADING', standalone: false, leader: leader.sid, serving: true, learnerPhase: null });
    expect(st.currentEpoch).toBe(st.acceptedEpoch);
    expect(st.vote).toMatchObject({ leader: leader.sid });
    expect(st.lastProcessedZxid).toBe(st.lastLoggedZxid);
    expect(st.lastProcessedZxid).toBeGreaterThan(st.currentEpoch * 2 ** 32);
    expect(st.sessions).toEqual([c.session('c1')]);
    const followers = ['s1', 's2', 's3'].filter((s) => s !== leader.id).map((s) => c.server(s).status());
    for (const f of followers) {
      expect(f).toMatchObject({ role: 'FOLLOWING', leader: leader.sid, serving: true, learnerPhase: 'broadcast', outstandingProposals: 0 });
      expect(f.lastProcessedZxid).toBe(st.lastProcessedZxid);
    }
    // Pure: a second read is equal and the trace did not move.
    const n = c.events().length;
    expect(leader.status()).toEqual(st);
    expect(c.events().length).toBe(n);
    c.sim.crash(leader.id);
    c.runFor(30);
    const looking = c.server(followers[0]!.myid).status();
    expect(looking.role).toBe('LOOKING');
    expect(looking.leader).toBeNull();
    expect(looking.vote).not.toBeNull();
  });
});
