/**
 * Master (leader) election for applications: every candidate tries to create the EPHEMERAL node
 * `/master` holding its id; the one that succeeds is master, the others get NodeExists, set an
 * exists-watch on `/master` and try again when it is deleted. The master's session is its
 * mandate: when the session ends (close, crash, expiry), `/master` vanishes and a new election
 * follows. A master that was paused learns it was replaced only when it hears from the ensemble.
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Zk } from '../world.ts';
import { CONNECTION_LOSS, EPHEMERAL, NO_NODE, NODE_EXISTS, OK, retrying, SESSION_EXPIRED } from './retry.ts';

export interface MasterEvents {
  readonly elected: (client: NodeId, atMs: number) => void;
  /** The client found out it is no longer master (its session expired). */
  readonly deposed: (client: NodeId, atMs: number) => void;
}

export function runForMaster(z: Zk, client: NodeId, ev: MasterEvents): void {
  let watching = false;
  const attempt = (): void => {
    z.call(client, { op: 'create', path: '/master', data: client, flags: EPHEMERAL }, (r) => {
      if (r.rc === OK) ev.elected(client, z.nowMs);
      else if (r.rc === NODE_EXISTS) watch();
      else if (r.rc === CONNECTION_LOSS) z.after(100, verify);
      else if (r.rc === SESSION_EXPIRED) ev.deposed(client, z.nowMs);
    });
  };
  // After ConnectionLoss: did our create happen? Read /master and compare the owner.
  const verify = (): void => {
    retrying(z, client, { op: 'getData', path: '/master' }, (r) => {
      if (r.rc === OK && r.data === client) ev.elected(client, z.nowMs);
      else if (r.rc === OK) watch();
      else if (r.rc === NO_NODE) attempt();
    });
  };
  const watch = (): void => {
    retrying(z, client, { op: 'exists', path: '/master', watch: true }, (r) => {
      if (r.rc === NO_NODE) attempt();
    });
    if (!watching) {
      watching = true;
      z.onWatch(client, (w) => {
        if (w.path === '/master' && w.type === 'NodeDeleted') attempt();
      });
    }
  };
  attempt();
}
