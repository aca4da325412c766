/**
 * The distributed lock recipe (ZooKeeper's "Locks" recipe, as Curator's InterProcessMutex does it):
 * each contender creates an EPHEMERAL_SEQUENTIAL child of the lock node, named with its own id
 * (the "protected" prefix, so that after a ConnectionLoss it can find out whether its create
 * happened instead of creating a second child); the lowest sequence number holds the lock; every
 * other contender watches only the child just below its own (no herd effect) and re-checks when
 * that one is deleted. Releasing = deleting one's child; a dead holder's child vanishes with its
 * session.
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Zk } from '../world.ts';
import { basename, CONNECTION_LOSS, EPHEMERAL_SEQUENTIAL, NO_NODE, OK, retrying, seqOf } from './retry.ts';

export interface LockEvents {
  readonly acquired: (client: NodeId, atMs: number) => void;
  readonly released: (client: NodeId, atMs: number) => void;
}

/**
 * Contend once for the lock at `root` (which must exist); hold it `holdMs`, then release.
 * `plantedBug: 'noWait'` takes the lock as soon as the child exists (a broken recipe, for tests).
 */
export function lockOnce(z: Zk, client: NodeId, root: string, holdMs: number, ev: LockEvents, plantedBug?: 'noWait'): void {
  const prefix = `${client}-lock-`;
  let me: string | null = null;

  const create = (): void => {
    z.call(client, { op: 'create', path: `${root}/${prefix}`, data: client, flags: EPHEMERAL_SEQUENTIAL }, (r) => {
      if (r.rc === OK) {
        me = basename(r.path ?? '');
        check();
      } else if (r.rc === CONNECTION_LOSS) {
        z.after(100, findMine);
      } else z.note(`${client}: lock create failed rc=${r.rc}`);
    });
  };
  // After a ConnectionLoss the create may or may not have happened: look for our own child.
  const findMine = (): void => {
    retrying(z, client, { op: 'getChildren', path: root }, (r) => {
      const mine = (r.children ?? []).find((c) => c.startsWith(prefix));
      if (mine === undefined) create();
      else {
        me = mine;
        check();
      }
    });
  };
  const check = (): void => {
    retrying(z, client, { op: 'getChildren', path: root }, (r) => {
      const sorted = [...(r.children ?? [])].sort((a, b) => seqOf(a) - seqOf(b));
      const i = sorted.indexOf(me ?? '');
      if (i < 0) return z.note(`${client}: its lock node vanished (session expired?)`);
      if (i === 0 || plantedBug === 'noWait') return hold();
      const below = `${root}/${sorted[i - 1]!}`;
      // Watch only the contender just below us; re-check when it goes.
      retrying(z, client, { op: 'exists', path: below, watch: true }, (e) => {
        if (e.rc === NO_NODE) check();
      });
      const onGone = (w: { type: string; path: string }): void => {
        if (w.path === below && w.type === 'NodeDeleted' && !done) {
          done = true;
          check();
        }
      };
      let done = false;
      z.onWatch(client, onGone);
    });
  };
  const hold = (): void => {
    ev.acquired(client, z.nowMs);
    z.after(holdMs, () => {
      ev.released(client, z.nowMs);
      retrying(z, client, { op: 'delete', path: `${root}/${me ?? ''}` }, () => undefined);
    });
  };
  create();
}
