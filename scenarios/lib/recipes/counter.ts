/**
 * A shared counter with optimistic concurrency: read the value and its version, write value+1
 * conditioned on that version (setData with `version`); BadVersion means someone else won the
 * race — read again and retry. No lock needed, and no increment is ever lost or doubled.
 * (A ConnectionLoss on the setData would leave it unknown whether the increment happened; the
 * counter scenario has no fault that causes one, see its comment.)
 */
import type { NodeId } from '../../../protocol/contract.ts';
import type { Zk } from '../world.ts';
import { BAD_VERSION, OK, retrying } from './retry.ts';

export interface CounterStats {
  done: number;
  conflicts: number;
}

/** Increment the counter at `path` `times` times, one after another (`blind`: a planted bug, no version check). */
export function increment(z: Zk, client: NodeId, path: string, times: number, stats: CounterStats, finished?: () => void, blind = false): void {
  if (times === 0) return finished?.();
  retrying(z, client, { op: 'getData', path }, (r) => {
    if (r.rc !== OK) return z.note(`${client}: counter read failed rc=${r.rc}`);
    const next = Number(r.data ?? '0') + 1;
    z.call(client, { op: 'setData', path, data: String(next), version: blind ? -1 : (r.stat?.version ?? -1) }, (w) => {
      if (w.rc === OK) {
        stats.done++;
        increment(z, client, path, times - 1, stats, finished, blind);
      } else if (w.rc === BAD_VERSION) {
        stats.conflicts++;
        increment(z, client, path, times, stats, finished, blind);
      } else z.note(`${client}: counter write failed rc=${w.rc}`);
    });
  });
}
