/**
 * Liveness after healing: once the run's faults are healed (`healedAt`), within `livenessBoundUs`
 * some server is an established leader and a write commits (a `commit`). A trace that ends before
 * the bound without both is a violation too: the run was too short to show progress.
 */
import { decode } from '../trace/view.ts';
import { Verdict } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

export const DEFAULT_LIVENESS_BOUND_US = 60_000_000;

export function liveness(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('Liveness', options);
  const healed = options?.healedAt ?? 0;
  const deadline = healed + (options?.livenessBoundUs ?? DEFAULT_LIVENESS_BOUND_US);
  const needWrite = options?.livenessNeedsWrite !== false;
  const serving = new Map<string, number>();
  let leaderAt: number | undefined;
  let writeAt: number | undefined;
  let end = 0;
  for (const d of decode(records)) {
    const e = d.e;
    if (d.t > deadline) break;
    end = d.t;
    if (leaderAt === undefined && d.t >= healed && serving.size > 0) leaderAt = d.t;
    switch (e.k) {
      case 'established':
        serving.set(d.node, e.epoch);
        if (d.t >= healed) leaderAt ??= d.t;
        break;
      case 'boot':
      case 'crash':
        serving.delete(d.node);
        break;
      case 'state':
        if (e.state !== 'LEADING') serving.delete(d.node);
        break;
      case 'commit':
        if (d.t >= healed && serving.has(d.node)) writeAt ??= d.t;
        break;
      default:
        break;
    }
    if (leaderAt !== undefined && (writeAt !== undefined || !needWrite)) return v.result();
  }
  const why = leaderAt === undefined ? 'no established leader' : 'no committed write';
  const last = records.length - 1;
  if (end < deadline && (records[last]?.t ?? 0) < deadline)
    v.add(end, undefined, `${why} since the heal at ${healed / 1e6}s, and the trace ends at ${end / 1e6}s before the bound`, last >= 0 ? [last] : []);
  else v.add(deadline, undefined, `${why} within ${(deadline - healed) / 1e6}s of the heal at ${healed / 1e6}s`, []);
  return v.result();
}
