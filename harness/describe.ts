/** Human-readable lines for a case and a run (replay output and explore failure files). */
import { formatTime, PCT_DEFAULTS } from '../sim/index.ts';
import type { Case } from './case.ts';
import { caseNodes, type RunResult } from './run.ts';
import { caseFaults } from './schedule.ts';
import { describeTrigger, describeWindow, triggerOf, windowOf } from './triggers.ts';
import { describeDeafLeader } from './deaf-leader.ts';

export function describeCase(c: Case): string[] {
  const e = c.ensemble;
  const { servers, clients, probe } = caseNodes(c);
  const out = [
    `seed      ${c.seed}`,
    `ensemble  ${e.servers} voters + ${e.observers} observers (${servers.join(' ')}), tickTime ${e.tickTime} ms, session timeout ${e.sessionTimeoutMs} ms`,
    `bugs      ${Object.keys(c.bugs ?? {}).filter((k) => (c.bugs as Record<string, boolean>)[k]).join(', ') || 'none'}`,
    `workload  ${c.workload.map((w, i) => `${clients[i]}: ${w.recipe} x${w.rounds} from ${w.startMs} ms every +${w.gapMs} ms`).join('; ') || 'none'}${c.hop ? '; each client moves to the next server after every round' : ''}`,
    `pipeline  ${
      c.pipeline === undefined
        ? 'depth 1 (one request outstanding per client)'
        : `depth ${c.pipeline.depth}: after every round each client issues ${c.pipeline.depth} requests without waiting${c.hop ? ' (its move in the middle of them)' : ''}${c.pipeline.close ? ', the last round\'s ending with a closeSession behind them' : ''}`
    }`,
    `faults    until ${c.windowMs} ms, then heal everything and ${probe} writes /probe (liveness)${c.holdMs ? `; the run goes on to ${c.windowMs + c.holdMs} ms` : ''}`,
    ...(c.lag === undefined ? [] : [`lag       links into ${servers[c.lag.node % servers.length]} +${c.lag.ms} ms until the heal`]),
    ...(c.leaderCrash === undefined ? [] : c.leaderCrash.map((k) => `leader    at ${k.atMs} ms crash whoever leads, restart it ${k.forMs} ms later`)),
    ...(c.diskErrors === undefined ? [] : [`disk      ${servers[c.diskErrors.node % servers.length]}: every disk op fails (EIO) with p=${c.diskErrors.p} until the heal`]),
    ...(c.autopurge === undefined ? [] : [`purge     autopurge every ${c.autopurge.intervalMs} ms keeping 3 snapshots; snapCount ${c.autopurge.snapCount}`]),
    `points    ${
      c.faultPoints === undefined
        ? 'none'
        : `BUGGIFY: each fault point enabled with p=${c.faultPoints.enableP}, fires with p=${c.faultPoints.fireP} (at most 3, before the heal), crashed server restarts after ${c.faultPoints.restartAfterMs} ms`
    }`,
    `order     ${c.pct === undefined ? 'link latencies (FIFO per link)' : `PCT depth ${c.pct.depth}: random lane priorities (election and quorum connections apart), ${c.pct.depth - 1} change point(s) among the first ${PCT_DEFAULTS.horizon} messages`}`,
  ];
  for (const f of caseFaults(c.faults, [...servers, ...clients], c.windowMs)) {
    const { at, kind, ...rest } = f;
    out.push(`  ${formatTime(at)}  ${kind} ${JSON.stringify(rest)}`);
  }
  for (const f of c.faults) if (f.kind === 'crashAfter' && f.atMs < c.windowMs) out.push(`  trigger    ${describeTrigger(triggerOf(f))}`);
  for (const f of c.faults) if (f.kind === 'window' && f.atMs < c.windowMs) out.push(`  window     ${describeWindow(windowOf(f))}`);
  for (const f of c.faults) if (f.kind === 'deafLeader' && f.atMs < c.windowMs) out.push(`  trigger    ${describeDeafLeader(f)}`);
  return out;
}

export function describeRun(r: RunResult): string[] {
  const out = [
    `ran       ${r.records} records to t=${formatTime(r.endUs)}, ${r.clientOps} client calls; probe write ${r.probeAckUs === null ? 'NEVER acknowledged' : `acknowledged at ${formatTime(r.probeAckUs)}`}`,
    `checkers  ${r.checkers - r.failures.length}/${r.checkers} pass${r.failures.length ? `; FAILED: ${r.failures.join(', ')}` : ''}`,
  ];
  for (const f of r.failed) {
    for (const v of f.violations.slice(0, 3)) out.push(`  ${f.name} t=${formatTime(v.t)}${v.node ? ` ${v.node}` : ''}: ${v.message} [records ${v.records.join(',')}]`);
  }
  out.push(`sha256    ${r.hash}`);
  return out;
}
