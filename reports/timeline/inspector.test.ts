import { describe, expect, it } from 'vitest';
import { history } from './inspector.ts';
import { toHappenings } from './records.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { hexZxid, sid } from './names.ts';
import { tripleText } from '../elections.ts';

/** A real run ending in a quiet, settled ensemble, with a crash, a restart, a new epoch and writes. */
function settledRun(seed: number): Ensemble {
  const c = Ensemble.simulate({ servers: 5, clients: 2, seed });
  if (!c.runUntil(() => c.settled(), 5_000)) throw new Error('did not settle');
  c.call('c1', { op: 'connect', server: 's1' });
  c.call('c1', { op: 'create', path: '/a', data: 'x' });
  c.sim.crash('s2');
  const old = c.leader()?.id ?? 's5';
  c.sim.crash(old);
  c.call('c2', { op: 'connect', server: 's3' });
  c.runUntil(() => c.settled(), 30_000);
  c.call('c2', { op: 'create', path: '/b', data: 'y' });
  c.sim.restart('s2');
  c.runUntil(() => c.settled(), 30_000);
  c.runFor(500);
  return c;
}

describe('the inspector history', () => {
  for (const seed of [1, 2]) {
    it(`matches every live server's own status() at the end of a real run (seed ${seed})`, () => {
      const c = settledRun(seed);
      const h = history(toHappenings(c.sim.trace.records), c.serverIds);
      let compared = 0;
      for (const id of c.serverIds) {
        if (!c.isUp(id)) continue;
        const st = c.server(id).status();
        const mine = h.last[id]!;
        expect({ node: id, role: mine.role, acceptedEpoch: mine.acceptedEpoch, currentEpoch: mine.currentEpoch, leader: mine.leader,
          lastLogged: hexZxid(mine.lastLogged), lastCommitted: hexZxid(mine.lastCommitted), outstanding: mine.outstanding, sessions: [...mine.sessions].sort(),
          vote: mine.vote === null ? '–' : tripleText(mine.vote),
        }).toEqual({ node: id, role: st.role, acceptedEpoch: st.acceptedEpoch, currentEpoch: st.currentEpoch, leader: st.leader === null ? '–' : sid(st.leader),
          lastLogged: hexZxid(st.lastLoggedZxid), lastCommitted: hexZxid(st.lastProcessedZxid), outstanding: st.outstandingProposals, sessions: [...st.sessions].sort(),
          vote: st.vote === null ? '–' : tripleText({ epoch: st.vote.peerEpoch, zxid: st.vote.zxid, myid: st.vote.leader }),
        });
        compared++;
      }
      expect(compared).toBe(4);
    });
  }

  it('records what each step changed, before and after', () => {
    const c = settledRun(1);
    const h = history(toHappenings(c.sim.trace.records), c.serverIds);
    const crash = h.changes.find((x) => x.node === 's2' && x.field === 'role' && x.after === 'down');
    expect(crash?.before).toBe('FOLLOWING');
    // A NOTIFICATION delivered to a LOOKING server lands in its recvset.
    expect(h.changes.some((x) => x.field === 'recvset' && /s\d→s\d/.test(x.after))).toBe(true);
    // The changes are in trace order.
    const is = h.changes.map((x) => x.i);
    expect(is).toEqual([...is].sort((a, b) => a - b));
  });
});
