/**
 * Test oracles for elections run by `testnet.ts`: who must win a fresh election, and the reference's
 * "election ordering" guarantee checked on the traces. Written independently of `order.ts` so a
 * bug there cannot hide itself.
 */
import type { TestNetResult, TestServer } from './testnet.ts';

/** The greatest (epoch, zxid, sid) among the given participants: who ZooKeeper must elect. */
export function expectedLeader(servers: readonly TestServer[]): number {
  let best: TestServer | undefined;
  for (const s of servers) {
    if (s.observer) continue;
    if (
      !best ||
      (s.epoch ?? 0) > (best.epoch ?? 0) ||
      ((s.epoch ?? 0) === (best.epoch ?? 0) &&
        ((s.zxid ?? 0) > (best.zxid ?? 0) || ((s.zxid ?? 0) === (best.zxid ?? 0) && s.sid > best.sid)))
    ) {
      best = s;
    }
  }
  if (!best) throw new Error('no participants');
  return best.sid;
}

/** (epoch, zxid, sid) of a server's initial vote, compared lexicographically. */
function beatsOrEquals(a: TestServer, b: TestServer): boolean {
  const ae = a.epoch ?? 0;
  const be = b.epoch ?? 0;
  if (ae !== be) return ae > be;
  const az = a.zxid ?? 0;
  const bz = b.zxid ?? 0;
  if (az !== bz) return az > bz;
  return a.sid >= b.sid;
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
