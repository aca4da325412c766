/**
 * Targeted crash/restart sequences around elections: an episode of kind `crashAfter` arms a trigger
 * at `atMs`; the first trace record after it that matches (a server sends a NEWLEADER ack, an
 * ACKEPOCH, a proposal ack, a DIFF/TRUNC/SNAP or a NEWLEADER, or a leader is established) crashes the
 * server that emitted it — and, by `x`, the peer it spoke to and one more server ("crash the quorum
 * after a NEWLEADER ack") — a fixed small delay later (0–5 ms: inside an fsync, so un-fsynced records
 * are lost), then restarts them `forMs` apart, in the same or the reverse order. An ACKEPOCH trigger
 * is how a server restarts with acceptedEpoch > currentEpoch.
 *
 * Time-driven schedules hit these instants by luck (one crash in 400 runs landed in
 * discovery/sync); a trigger hits them every time the protocol gets there. Deterministic: triggers
 * react to trace records, which are part of the run's deterministic history.
 */
import type { NodeId } from '../protocol/contract.ts';
import { counterOf } from '../protocol/zxid.ts';
import type { Simulation, TraceRecord } from '../sim/index.ts';
import type { Episode } from './case.ts';

export const TRIGGERS = ['newLeaderAck', 'ackEpoch', 'proposalAck', 'syncStart', 'newLeader', 'established'] as const;
export type TriggerName = (typeof TRIGGERS)[number];

const DELAYS_US = [0, 0, 200, 1_000, 5_000] as const;
const MS = 1000;

export interface Trigger {
  readonly on: TriggerName;
  readonly afterUs: number;
  /** How many servers to crash: the emitter, + its peer, + one more. */
  readonly crash: 1 | 2 | 3;
  readonly delayUs: number;
  /** Restart gap (µs): the i-th crashed server (in restart order) comes back i+1 gaps later. */
  readonly gapUs: number;
  readonly reverse: boolean;
  /** Which other server is the third (index into the servers, modulo). */
  readonly third: number;
}

export function triggerOf(ep: Episode): Trigger {
  return {
    on: TRIGGERS[ep.b % TRIGGERS.length]!,
    afterUs: ep.atMs * MS,
    crash: ep.x < 1 / 3 ? 1 : ep.x < 2 / 3 ? 2 : 3,
    delayUs: DELAYS_US[Math.floor(ep.b / TRIGGERS.length) % DELAYS_US.length]!,
    gapUs: Math.max(1, Math.min(ep.forMs, 10_000)) * MS,
    reverse: Math.floor(ep.b / (TRIGGERS.length * DELAYS_US.length)) % 2 === 1,
    third: ep.a,
  };
}

export function describeTrigger(t: Trigger): string {
  const who = t.crash === 1 ? 'it' : t.crash === 2 ? 'it and its peer' : 'it, its peer and one more';
  return `after ${(t.afterUs / 1e6).toFixed(3)}s, on the first ${t.on}: crash ${who} +${t.delayUs / 1000} ms, restart ${t.gapUs / 1000} ms apart${t.reverse ? ' in reverse order' : ''}`;
}

/** The (emitter, peer) of a record that fires the trigger, or null. */
function match(on: TriggerName, r: TraceRecord, servers: ReadonlySet<string>): [string, string | null] | null {
  if (!servers.has(r.node)) return null;
  if (on === 'established') return r.ev === 'trace' && r['event'] === 'leader.established' ? [r.node, null] : null;
  if (r.ev !== 'send') return null;
  const to = r['to'] as string;
  if (!servers.has(to)) return null;
  const type = r['type'];
  const msg = r['msg'] as { zxid?: number } | undefined;
  switch (on) {
    case 'newLeaderAck':
      return type === 'ACK' && msg?.zxid !== undefined && counterOf(msg.zxid) === 0 ? [r.node, to] : null;
    case 'proposalAck':
      return type === 'ACK' && msg?.zxid !== undefined && counterOf(msg.zxid) !== 0 ? [r.node, to] : null;
    case 'ackEpoch':
      return type === 'ACKEPOCH' ? [r.node, to] : null;
    case 'syncStart':
      return type === 'DIFF' || type === 'TRUNC' || type === 'SNAP' ? [r.node, to] : null;
    case 'newLeader':
      return type === 'NEWLEADER' ? [r.node, to] : null;
  }
  return null;
}

/**
 * Arms the triggers of a run; returns the trace sink that watches for them. `untilUs`: triggers not
 * fired by then are dropped (the liveness phase is fault-free).
 */
export function armTriggers(triggers: readonly Trigger[], servers: readonly NodeId[], untilUs: number, sim: () => Simulation): ((r: TraceRecord) => void) | undefined {
  if (triggers.length === 0) return undefined;
  const set = new Set(servers);
  const armed = [...triggers];
  return (r) => {
    if (armed.length === 0 || r.t >= untilUs) return;
    for (let i = 0; i < armed.length; i++) {
      const t = armed[i]!;
      if (r.t < t.afterUs) continue;
      const m = match(t.on, r, set);
      if (m === null) continue;
      armed.splice(i--, 1);
      const victims = [m[0]];
      if (t.crash >= 2) {
        const peer = m[1] ?? servers.find((s) => s !== m[0]);
        if (peer !== undefined && !victims.includes(peer)) victims.push(peer);
      }
      if (t.crash === 3) {
        const rest = servers.filter((s) => !victims.includes(s));
        if (rest.length > 0) victims.push(rest[t.third % rest.length]!);
      }
      const s = sim();
      const at = r.t + t.delayUs;
      s.at(at, (k) => {
        for (const v of victims) if (k.isUp(v)) k.crash(v);
      });
      const order = t.reverse ? [...victims].reverse() : victims;
      order.forEach((v, j) =>
        s.at(Math.min(at + (j + 1) * t.gapUs, untilUs), (k) => {
          if (!k.isUp(v)) k.restart(v);
        }),
      );
    }
  };
}
