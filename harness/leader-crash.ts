/**
 * Leader crashes (`Case.leaderCrash`): at each given time, crash whichever server leads then (the
 * one established leader, if there is exactly one) and restart it `forMs` later. Time-driven
 * episodes pick their node blindly, so most generated runs kept their first leader to the end; a
 * leader change with live sessions, pipelined clients and logged-but-uncommitted proposals is where
 * session state, epochs and TRUNC are exercised. Deterministic: the leader is read from the
 * simulated servers' state at that virtual instant.
 */
import type { Ensemble } from '../ensemble/ensemble.ts';
import type { Case } from './case.ts';

const MS = 1000;

/** Schedules the case's leader crashes (all before the heal, which restarts anything still down). */
export function scheduleLeaderCrashes(ens: Ensemble, c: Case): void {
  for (const k of c.leaderCrash ?? []) {
    if (k.atMs >= c.windowMs) continue;
    ens.sim.at(k.atMs * MS, () => {
      const l = ens.leader();
      if (l === null || !ens.sim.isUp(l.node)) return;
      ens.sim.crash(l.node);
      const back = Math.min(c.windowMs, k.atMs + Math.max(1, k.forMs)) * MS;
      ens.sim.at(back, () => {
        if (!ens.sim.isUp(l.node)) ens.sim.restart(l.node);
      });
    });
  }
}
