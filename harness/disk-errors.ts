/**
 * A server with a failing disk for the fault window (`Case.diskErrors`): each of its disk ops
 * (fsync, epoch and TRUNC-mark writes, snapshots, truncates, purges) fails with EIO with probability
 * `p` (sim/disk.ts `errorP`, drawn from the `disk` stream only while on), switched off at the heal so
 * the liveness phase runs on good disks. What the server does about each failure is ZooKeeper
 * 3.8's (protocol/server/peer.ts `diskFailed`): give up its role, or exit (a halted server stays
 * down until the heal restarts it).
 */
import type { NodeId } from '../protocol/contract.ts';
import type { TimedFault } from '../sim/index.ts';
import type { Case } from './case.ts';

/** The failing disk of a case (none when the case has no `diskErrors`). */
export function diskErrorFaults(c: Case, servers: readonly NodeId[]): TimedFault[] {
  if (c.diskErrors === undefined || servers.length === 0) return [];
  const node = servers[c.diskErrors.node % servers.length]!;
  return [
    { at: 0, kind: 'disk', node, patch: { errorP: c.diskErrors.p } },
    { at: c.windowMs * 1000, kind: 'disk', node, patch: { errorP: 0 } },
  ];
}
