/**
 * What a run amounted to, read from its trace: the leaders elected (epoch, server, when), and the
 * client writes — acknowledged (the ensemble answered them: a committed txn, success or error
 * result) and lost (acknowledged, yet absent from the log of the leader of the newest epoch).
 */
import type { TraceRecord } from '../../sim/trace.ts';
import { serverNames } from '../../trace/view.ts';

export interface LeaderInfo {
  readonly epoch: number;
  readonly sid: number;
  readonly electedAtMs: number;
}

export interface RunSummary {
  readonly leaders: readonly LeaderInfo[];
  readonly writes: { readonly acknowledged: number; readonly lost: number };
}

const WRITES = new Set(['create', 'delete', 'setData', 'setACL', 'multi']);

export function summarize(records: readonly TraceRecord[]): RunSummary {
  const leaders: LeaderInfo[] = [];
  const invoked = new Map<string, string>();
  const acked: number[] = [];
  // The txn log of each server as the trace shows it (append, truncate, crash-lost tail).
  const logs = new Map<string, number[]>();
  const logOf = (n: string): number[] => {
    let l = logs.get(n);
    if (l === undefined) logs.set(n, (l = []));
    return l;
  };
  const durable = new Map<string, number>();
  const snapBase = new Map<string, number>();
  let newest: { node: string; epoch: number } | undefined;
  for (const r of records) {
    if (r.ev === 'crash') {
      // Whatever was not fsynced may be lost; keep the durable prefix only (conservative).
      const l = logOf(r.node);
      const keep = l.filter((z) => z <= (durable.get(r.node) ?? 0));
      logs.set(r.node, keep);
      continue;
    }
    if (r.ev !== 'trace') continue;
    switch (r.event) {
      case 'leader.established': {
        const epoch = r.data.epoch;
        leaders.push({ epoch, sid: serverNames(records).myidOf(r.node), electedAtMs: r.t / 1000 });
        if (newest === undefined || epoch > newest.epoch) newest = { node: r.node, epoch };
        break;
      }
      case 'log.append':
        logOf(r.node).push(r.data.zxid);
        break;
      case 'log.durable':
        durable.set(r.node, Math.max(durable.get(r.node) ?? 0, r.data.zxid));
        break;
      case 'log.truncate': {
        const z = r.data.zxid;
        logs.set(r.node, logOf(r.node).filter((x) => x <= z));
        break;
      }
      case 'sync.snap':
        // An installed snapshot stands for every txn up to its zxid.
        snapBase.set(r.node, r.data.zxid);
        logs.set(r.node, []);
        break;
      case 'client.invoke':
        if (WRITES.has(r.data.op)) invoked.set(`${r.node}/${r.data.session}/${r.data.xid}`, r.data.op);
        break;
      case 'client.return': {
        const key = `${r.node}/${r.data.session}/${r.data.xid}`;
        const z = r.data.zxid;
        if (invoked.has(key) && z > 0) acked.push(z);
        invoked.delete(key);
        break;
      }
    }
  }
  let lost = 0;
  if (newest !== undefined) {
    const held = new Set(logOf(newest.node));
    const base = snapBase.get(newest.node) ?? 0;
    for (const z of acked) if (!held.has(z) && z > base) lost++;
  }
  return { leaders, writes: { acknowledged: acked.length, lost } };
}
