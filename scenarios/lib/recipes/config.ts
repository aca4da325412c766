/**
 * A configuration centre: an admin writes versions of a config znode; every reader reads it with
 * a data watch and, when the watch fires (NodeDataChanged), reads it again with a new watch.
 * Watches are one-shot and delivered in order, so a reader may skip versions written in quick
 * succession but never sees them go backwards, and always ends on the latest.
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Zk } from '../world.ts';
import { OK, retrying } from './retry.ts';

/** Keep `client`'s view of `path` current; `seen` gets every value it reads (in order). */
export function followConfig(z: Zk, client: NodeId, path: string, seen: (value: string, version: number) => void): void {
  const read = (): void => {
    retrying(z, client, { op: 'getData', path, watch: true }, (r) => {
      if (r.rc === OK) seen(String(r.data ?? ''), r.stat?.version ?? -1);
    });
  };
  z.onWatch(client, (w) => {
    if (w.path === path && w.type === 'NodeDataChanged') read();
  });
  read();
}
