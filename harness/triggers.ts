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
import { META_CURRENT } from '../protocol/server/peer.ts';
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
 * Arms the triggers of a run; returns the trace sink that watches for them and the list of what
 * fired (`on:fired`, and `on:inFsync` when the emitter had un-fsynced log records as it crashed: the
 * crash landed inside an fsync). `untilUs`: triggers not fired by then are dropped (the liveness
 * phase is fault-free).
 */
export function armTriggers(triggers: readonly Trigger[], servers: readonly NodeId[], untilUs: number, sim: () => Simulation): Armed | undefined {
  if (triggers.length === 0) return undefined;
  const set = new Set(servers);
  const armed = [...triggers];
  const fired: string[] = [];
  const sink = (r: TraceRecord): void => {
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
      fired.push(`${t.on}:fired`);
      s.at(at, (k) => {
        if (k.isUp(victims[0]!) && k.disk(victims[0]!).durableLen < k.disk(victims[0]!).log.length) fired.push(`${t.on}:inFsync`);
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
  return { sink, fired };
}

// ---------------------------------------------------------------- durability windows

/**
 * Durability windows (episode kind `window`): a short reactive story that puts servers inside the
 * window where an acknowledgement or an epoch is durable but the txns it vouches for are not yet,
 * crashes them there (the kernel keeps only a torn prefix of un-fsynced records), and restarts
 * things so that a server with the lost txns can lead or be counted. Each window is one step of the
 * protocol that a model checker schedules on its own; a crash at a uniform random time almost never
 * lands in one.
 *
 * Both stories start alike, at the first commit after `atMs` (while the workload writes): cut off
 * n−q voters (`lagging`, picked by `victim`) so the q others commit `lag` txns without them. One
 * story runs at a time (two would cut off too many voters for a quorum).
 * - `syncEpoch` (the NEWLEADER window; ZOOKEEPER-3911, -4643, -4646): D = n−q of the up-to-date
 *   voters crash and the lagging ones reconnect, so they and the q−(n−q) voters left form the next
 *   epoch and F (the first lagging voter) is synced by DIFF with committed txns it lacks. F is
 *   crashed at its fault point `learner.afterCurrentEpoch` (its new currentEpoch is durable; in
 *   3.8's order its synced txns already are, with the bugs they are not, or only in the page
 *   cache), and at that instant every other up voter whose durable currentEpoch is as new as F's
 *   (they hold the txns and would win the election); F and D restart `gap` later (F's newer
 *   currentEpoch wins), the others 5 s after that.
 * - `commit` (the proposal window; ackBeforeFsync): wait for a follower's ACK of a proposal z that
 *   is still un-fsynced on it when the step ends (3.8 acks only after the fsync, so with 3.8's
 *   order this never happens), crash that follower at once; at the leader's commit of z, crash the
 *   leader and any other voter holding z un-fsynced, reconnect the lagging voters (they lack z);
 *   restart the crashed followers `gap` later, the leader 5 s after that. With no early ACK within
 *   FALLBACK_COMMITS commits (always so with 3.8's order) the story ends at that commit the same
 *   way (`commit:fallback`), so the cut-off voters come back and 3.8's answer is checked too.
 *
 * Every step is a kernel fault (isolate, uncut, crash, restart, a scripted fault point) after a
 * `note` record naming the window, so the trace tells the story; `fired` lists the steps a run
 * reached (the zoo prints how many runs reached each window).
 */
export const WINDOWS = ['syncEpoch', 'commit'] as const;
export type WindowName = (typeof WINDOWS)[number];

export interface WindowStory {
  readonly on: WindowName;
  readonly afterUs: number;
  /** Which voters lag (rotation start, modulo the voters); `syncEpoch` crashes the first of them. */
  readonly victim: number;
  /** Commits by the connected voters before the window (1–3). */
  readonly lag: number;
  /** Restart gap (µs) after the window crash. */
  readonly gapUs: number;
}

/** `commit`: commits without an early ACK after which the story ends anyway (see armWindows). */
const FALLBACK_COMMITS = 4;

/** The holders of what the crashed servers lost restart this long after them. */
const HOLDER_DELAY_US = 5_000_000;

export function windowOf(ep: Episode): WindowStory {
  return {
    on: WINDOWS[ep.b % WINDOWS.length]!,
    afterUs: ep.atMs * MS,
    victim: ep.a,
    lag: 1 + (Math.floor(ep.b / WINDOWS.length) % 3),
    gapUs: (1 + (ep.forMs % 500)) * MS,
  };
}

export function describeWindow(w: WindowStory): string {
  const start = `after ${(w.afterUs / 1e6).toFixed(3)}s: n−q voters from #${w.victim} miss ${w.lag} commits`;
  return w.on === 'syncEpoch'
    ? `${start}; the first is synced into the next epoch and crashed at learner.afterCurrentEpoch with its quorum; it restarts ${w.gapUs / 1000} ms later`
    : `${start}; at that commit crash the leader and the voters holding it un-fsynced; they restart ${w.gapUs / 1000} ms later, the leader 5 s after`;
}

type Stage =
  | { readonly s: 'armed' }
  | { readonly s: 'lagging'; readonly lagging: readonly string[]; commits: number }
  /** commit: waiting for a follower's ACK of a proposal it has not fsynced (then it is crashed). */
  | { readonly s: 'acking'; readonly lagging: readonly string[]; commits: number }
  /** commit: the early acker crashed; waiting for the leader to commit that zxid. */
  | { readonly s: 'committing'; readonly lagging: readonly string[]; readonly acker: string; readonly zxid: number }
  | { readonly s: 'done' };

export interface Armed {
  readonly sink: (r: TraceRecord) => void;
  /** `name:step` for every window step the run reached (`…:crash` = it crashed inside the window). */
  readonly fired: string[];
}

function reconnect(k: Simulation, node: NodeId): void {
  for (const o of k.nodeIds()) {
    if (o === node) continue;
    k.uncut(node, o);
    k.uncut(o, node);
  }
}

function currentEpochOf(k: Simulation, node: NodeId): number {
  const e = k.disk(node).meta[META_CURRENT];
  return typeof e === 'number' ? e : 0;
}

/** Whether `node`'s log holds `zxid` appended but not yet fsynced. */
function unsynced(k: Simulation, node: NodeId, zxid: number): boolean {
  const d = k.disk(node);
  for (let j = d.durableLen; j < d.log.length; j++) if ((d.log[j] as { zxid?: number }).zxid === zxid) return true;
  return false;
}

/**
 * Arms the durability windows of a run over its voters (participants; observers are left alone).
 * `untilUs`: nothing starts from then on, and restarts are capped there (the heal restarts anyway).
 */
export function armWindows(stories: readonly WindowStory[], voters: readonly NodeId[], untilUs: number, sim: () => Simulation | undefined): Armed | undefined {
  if (stories.length === 0) return undefined;
  const n = voters.length;
  const q = Math.floor(n / 2) + 1;
  const fired: string[] = [];
  // One story at a time, in time order (two at once would cut off too many voters for a quorum).
  const order = stories.map((_, i) => i).sort((x, y) => stories[x]!.afterUs - stories[y]!.afterUs || x - y);
  const stages: Stage[] = stories.map(() => ({ s: 'armed' }));
  let cur = 0;
  const cap = (t: number): number => Math.min(t, untilUs);
  const isCommit = (r: TraceRecord): boolean => r.ev === 'trace' && r['event'] === 'commit' && voters.includes(r.node);
  const sink = (r: TraceRecord): void => {
    if (r.t >= untilUs) return;
    while (cur < order.length && stages[order[cur]!]!.s === 'done') cur++;
    if (cur < order.length) {
      const i = order[cur]!;
      const w = stories[i]!;
      const st = stages[i]!;
      if (st.s === 'done' || r.t < w.afterUs) return;
      const s = sim();
      if (s === undefined) return; // records of the simulation's construction (boot)
      if (st.s === 'armed') {
        // Start while the workload writes: at the first commit after atMs.
        if (!isCommit(r)) return;
        const start = w.victim % n;
        const lagging = [...voters.slice(start), ...voters.slice(0, start)].slice(0, n - q);
        stages[i] = { s: 'lagging', lagging, commits: 0 };
        fired.push(`${w.on}:isolate`);
        s.at(r.t, (k) => {
          k.note(`window ${w.on}: cut off ${lagging.join(', ')} until ${w.lag} commits`);
          for (const v of lagging) k.isolate(v);
        });
        return;
      }
      if (st.s === 'acking' && r.ev === 'send') {
        // An ACK of a proposal: when the step is over, is that zxid still un-fsynced on the sender?
        if (!(r['type'] === 'ACK' && voters.includes(r.node) && voters.includes(r['to'] as string))) return;
        const zxid = (r['msg'] as { zxid?: number } | undefined)?.zxid;
        if (zxid === undefined || counterOf(zxid) === 0) return;
        const acker = r.node;
        s.at(r.t, (k) => {
          if (stages[i] !== st || !k.isUp(acker) || !unsynced(k, acker, zxid)) return;
          stages[i] = { s: 'committing', lagging: st.lagging, acker, zxid };
          fired.push('commit:ackBeforeFsync');
          k.note(`window commit: ${acker} acked ${zxid.toString(16)} before its fsync; crash it`);
          k.crash(acker);
        });
        return;
      }
      if (!(r.ev === 'trace' && r['event'] === 'commit' && voters.includes(r.node) && !st.lagging.includes(r.node))) return;
      if (st.s === 'committing' || st.s === 'acking') {
        const zxid = (r['data'] as { zxid: number }).zxid;
        if (st.s === 'committing' && zxid !== st.zxid) return;
        // No early ACK within FALLBACK_COMMITS commits (always so with 3.8's order): end the story
        // at this commit all the same (leader and un-fsynced holders crash), so the cut-off voters
        // are not left out until the heal.
        if (st.s === 'acking' && ++st.commits < FALLBACK_COMMITS) return;
        stages[i] = { s: 'done' };
        const { lagging } = st;
        const acker = st.s === 'committing' ? [st.acker] : [];
        const leader = r.node;
        fired.push(st.s === 'committing' ? 'commit:crash' : 'commit:fallback');
        s.at(r.t, (k) => {
          const holders = voters.filter((v) => v !== leader && k.isUp(v) && unsynced(k, v, zxid));
          k.note(`window commit: ${leader} committed ${zxid.toString(16)}; crash it${holders.length ? ` and ${holders.join(', ')} (not fsynced)` : ''}; reconnect ${lagging.join(', ')}`);
          k.crash(leader);
          for (const v of holders) k.crash(v);
          for (const v of lagging) reconnect(k, v);
          k.at(cap(r.t + w.gapUs), (k2) => {
            for (const v of [...acker, ...holders]) if (!k2.isUp(v)) k2.restart(v);
          });
          k.at(cap(r.t + w.gapUs + HOLDER_DELAY_US), (k2) => {
            if (!k2.isUp(leader)) k2.restart(leader);
          });
        });
        return;
      }
      if (++st.commits < w.lag) return;
      stages[i] = { s: 'done' };
      const { lagging } = st;
      const leader = r.node;
      if (w.on === 'commit') {
        stages[i] = { s: 'acking', lagging, commits: 0 };
        fired.push('commit:lagged');
        return;
      }
      // syncEpoch: F = the first lagging voter; the others come back, D = n−q up-to-date voters crash.
      const f = lagging[0]!;
      const upToDate = voters.filter((v) => !lagging.includes(v));
      const down = upToDate.slice(0, n - q);
      fired.push('syncEpoch:lagged');
      s.at(r.t, (k) => {
        k.note(`window syncEpoch: crash ${down.join(', ')}; reconnect ${lagging.join(', ')}; crash ${f} at learner.afterCurrentEpoch`);
        for (const d of down) k.crash(d);
        for (const v of lagging) reconnect(k, v);
        k.crashAtPoint({
          point: 'learner.afterCurrentEpoch',
          node: f,
          onFire: () => {
            fired.push('syncEpoch:crash');
            const t = k.now;
            // Those whose durable currentEpoch is as new as F's would win the next election (they
            // hold the txns): crash them too. The others (still syncing) stay up and vote for F.
            const epoch = currentEpochOf(k, f);
            const holders = voters.filter((v) => v !== f && !down.includes(v) && k.isUp(v) && currentEpochOf(k, v) >= epoch);
            k.note(`window syncEpoch: ${f} crashed at its new epoch ${epoch}; crash ${holders.join(', ') || 'nobody'}`);
            for (const h of holders) k.crash(h);
            k.at(cap(t + w.gapUs), (k2) => {
              for (const v of [f, ...down]) if (!k2.isUp(v)) k2.restart(v);
            });
            k.at(cap(t + w.gapUs + HOLDER_DELAY_US), (k2) => {
              for (const h of holders) if (!k2.isUp(h)) k2.restart(h);
            });
          },
        });
      });
    }
  };
  return { sink, fired };
}
