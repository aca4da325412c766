/**
 * Test oracles for elections run by `testnet.ts`: who must win a fresh election, and the reference's
 * "election ordering" guarantee checked on the traces. The vote order is the model's own
 * (`../order.ts`, pinned by explicit cases in `order.test.ts`); the one deliberately independent
 * copy of the order is the ElectionOrder checker's (`checkers/election.ts`).
 */
import { totalOrderPredicate } from '../order.ts';
import type { TestNetResult, TestServer } from './testnet.ts';

/** Does a's initial vote (epoch, zxid, sid) beat b's in the vote order? */
function beats(a: TestServer, b: TestServer): boolean {
  return totalOrderPredicate(a.sid, a.zxid ?? 0, a.epoch ?? 0, b.sid, b.zxid ?? 0, b.epoch ?? 0);
}

/** The greatest (epoch, zxid, sid) among the given participants: who ZooKeeper must elect. */
export function expectedLeader(servers: readonly TestServer[]): number {
  let best: TestServer | undefined;
  for (const s of servers) {
    if (s.observer) continue;
    if (!best || beats(s, best)) best = s;
  }
  if (!best) throw new Error('no participants');
  return best.sid;
}

/** a's initial vote is b's or beats it. */
function beatsOrEquals(a: TestServer, b: TestServer): boolean {
  return a.sid === b.sid || beats(a, b);
}

/**
 * The reference's "election ordering" guarantee, checked on the traces:
 *  - a server that decides to LEAD is at least as up to date as every server in the quorum that
 *    elected it (`votesFrom`);
 *  - a server that decides by a quorum of LOOKING votes (not by joining an established ensemble)
 *    never backs a leader less up to date than itself.
 * Returns one line per violation.
 */
export function orderingViolations(servers: readonly TestServer[], result: TestNetResult): string[] {
  const byId = new Map(servers.map((s) => [s.sid, s]));
  const out: string[] = [];
  for (const tr of result.traces) {
    if (tr.event !== 'election.decided' || !tr.data) continue;
    const leaderSid = tr.data['leader'] as number;
    const leader = byId.get(leaderSid)!;
    const self = byId.get(tr.sid)!;
    const when = `at ${tr.t.toFixed(1)} ms`;
    if (tr.data['state'] === 'LEADING') {
      for (const sid of tr.data['votesFrom'] as number[]) {
        if (!beatsOrEquals(leader, byId.get(sid)!)) {
          out.push(`s${tr.sid} leads ${when} but voter s${sid} is more up to date`);
        }
      }
    } else if (tr.data['via'] === 'lookingQuorum' && !self.observer && !beatsOrEquals(leader, self)) {
      out.push(`s${tr.sid} follows s${leaderSid} ${when} but is more up to date`);
    }
  }
  return out;
}
