/**
 * A targeted network fault fired by protocol steps: the *deaf leader*. An episode of kind
 * `deafLeader` arms at `atMs`; the leader established then (by the first server record after it),
 * or else the next server to send `leader.established`, has every link from another server into it
 * cut (one-way: the leader still reaches them, its pings keep its
 * followers FOLLOWING). Starved of acks, the leader gives up after syncLimit ticks; when it leaves
 * LEADING (its `state` record, after its teardown) the cuts are undone at once, so the followers'
 * answers to its first notification of a new round can reach it — FOLLOWING, it, the old round,
 * from servers whose own teardown after its connection close still runs, or whom that close has not
 * reached yet (PCT's separate lanes, `sim/pct.ts`, let the notification outrun it).
 * ZOOKEEPER-1514's window.
 *
 * Deterministic (it reacts to trace records). Not fired at or after `untilUs` (the liveness phase
 * is fault-free; `healAll` clears any cut left).
 */
import type { NodeId } from '../protocol/contract.ts';
import type { Simulation, TraceRecord } from '../sim/index.ts';
import type { Episode } from './case.ts';

const MS = 1000;

export function describeDeafLeader(ep: Episode): string {
  return `after ${(ep.atMs / 1000).toFixed(3)}s, on the established leader (or the next one): cut every server → leader link until it leaves LEADING`;
}

/** Arms the `deafLeader` episodes of a run; returns the trace sink that drives them. */
export function armDeafLeaders(episodes: readonly Episode[], servers: readonly NodeId[], untilUs: number, sim: () => Simulation): ((r: TraceRecord) => void) | undefined {
  const armed = episodes.filter((e) => e.kind === 'deafLeader' && e.atMs * MS < untilUs).map((e) => e.atMs * MS).sort((a, b) => a - b);
  if (armed.length === 0) return undefined;
  const set = new Set(servers);
  /** The established leader now (by the trace), or null. */
  let leading: NodeId | null = null;
  /** The leader currently deaf, or null. */
  let deaf: NodeId | null = null;
  const deafen = (leader: NodeId, t: number): void => {
    armed.shift();
    deaf = leader;
    sim().at(t, (k) => {
      for (const s of servers) if (s !== leader) k.cut(s, leader);
    });
  };
  return (r) => {
    if (r.t >= untilUs || !set.has(r.node)) return;
    const established = r.ev === 'trace' && r.event === 'leader.established';
    const left = r.ev === 'crash' || (r.ev === 'trace' && r.event === 'state' && r.data.state !== 'LEADING');
    if (established) leading = r.node;
    else if (left && r.node === leading) leading = null;
    if (deaf === null) {
      // Armed: deafen the leader established now, or else the next one to establish.
      if (armed.length > 0 && r.t >= armed[0]! && leading !== null) deafen(leading, r.t);
      return;
    }
    if (r.node !== deaf || !left) return;
    const leader = deaf;
    deaf = null;
    sim().at(r.t, (k) => {
      for (const s of servers) if (s !== leader) k.uncut(s, leader);
    });
  };
}
