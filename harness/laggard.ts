/**
 * A lagging server for a whole run (`Case.lag`): every link from the other servers into one server
 * is slow (a fixed extra latency with a tail) from the start until the heal, so that server applies
 * commits late while it keeps serving clients. (A slow disk would not do: a 3.8 follower applies a
 * COMMIT without waiting for its own fsync.) Clients that move to it (`Case.hop`, a crash of their
 * server) may arrive with a last-seen zxid it has not reached: ZooKeeper must refuse them, and a
 * session's reads must never go backwards. The lag is drawn below the client's connect timeout (a
 * reconnect is revalidated through the slow link) and so below the sync limit; the heal
 * (`schedule.ts` healAll) resets these links like any link fault.
 */
import type { NodeId } from '../protocol/contract.ts';
import type { TimedFault } from '../sim/index.ts';
import type { Case } from './case.ts';

/** The slow links of a case's laggard (none when the case has no `lag`). */
export function laggardFaults(c: Case, servers: readonly NodeId[]): TimedFault[] {
  if (c.lag === undefined || servers.length === 0) return [];
  const slow = servers[c.lag.node % servers.length]!;
  const minUs = c.lag.ms * 1000;
  const patch = { minUs, tailMeanUs: Math.round(minUs / 8), tailMaxUs: Math.round(minUs / 4) };
  return servers.filter((s) => s !== slow).map((from): TimedFault => ({ at: 0, kind: 'link', from, to: slow, patch }));
}
