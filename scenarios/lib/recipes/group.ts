/**
 * Group membership: each member announces itself with an EPHEMERAL child `/group/<id>`; a monitor
 * lists the children with a child watch and lists again (re-arming it) on NodeChildrenChanged.
 * A member that dies disappears from the group when its session ends — after the session timeout,
 * not at the moment it dies.
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Zk } from '../world.ts';
import { CONNECTION_LOSS, EPHEMERAL, NODE_EXISTS, OK, retrying } from './retry.ts';

/** Join `/group` as `client` (safe to repeat after ConnectionLoss: NodeExists means we are in). */
export function join(z: Zk, client: NodeId, group: string, done?: () => void): void {
  z.call(client, { op: 'create', path: `${group}/${client}`, data: '', flags: EPHEMERAL }, (r) => {
    if (r.rc === OK || r.rc === NODE_EXISTS) done?.();
    else if (r.rc === CONNECTION_LOSS) z.after(100, () => join(z, client, group, done));
  });
}

/** Keep a view of the members; `view` gets each listing (sorted). */
export function monitor(z: Zk, client: NodeId, group: string, view: (members: string[], atMs: number) => void): void {
  const list = (): void => {
    retrying(z, client, { op: 'getChildren', path: group, watch: true }, (r) => {
      if (r.rc === OK) view([...(r.children ?? [])].sort(), z.nowMs);
    });
  };
  z.onWatch(client, (w) => {
    if (w.path === group && w.type === 'NodeChildrenChanged') list();
  });
  list();
}
