/**
 * The situations the ensemble differential test runs on a real 3.8 ensemble and on the simulator,
 * each written once against `Cluster` (`cluster.ts`). A situation returns what it observed: exact
 * outcomes (who leads, epochs, sync modes, sessions, writes) and timings; `compare.ts` judges them.
 */
import type { Cluster, SyncMode } from './cluster.ts';

export type Value = string | number | boolean;

export interface Observed {
  /** Outcomes that must be equal on both sides. */
  readonly exact: Record<string, Value>;
  /** Shown in the table, not judged: who played which part, which the first election's start-up
   *  race decides (a loaded machine moves it on the real side in ways the replayed skew does not). */
  readonly info?: Record<string, Value>;
  /** Timings (ms) that must fall in the situation's stated band on both sides. */
  readonly timings: Record<string, number>;
}

export interface Situation {
  readonly name: string;
  readonly what: string;
  /** Bands (ms, inclusive) per timing name. */
  readonly bands: Readonly<Record<string, readonly [number, number]>>;
  /** Outcomes known to differ, with the shortcut that explains it (`FIDELITY.md`). */
  readonly known?: Readonly<Record<string, string>>;
  /** Outcomes decided by a timing race on the real side: each side's value must be one of these. */
  readonly races?: Readonly<Record<string, { readonly values: readonly Value[]; readonly why: string }>>;
  run(c: Cluster): Promise<Observed>;
}

const epochOf = (zxid: number): number => Math.floor(zxid / 2 ** 32);
const modes = (m: Map<number, SyncMode>): string =>
  [...m].sort((a, b) => a[0] - b[0]).map(([id, mode]) => `s${id}:${mode}`).join(' ') || '(none)';

async function serving(c: Cluster): Promise<{ leader: number; epoch: number }> {
  const leader = await c.waitServing();
  return { leader, epoch: epochOf(await c.zxid(leader)) };
}

/** A follower other than `leader` (the highest such myid: the same choice on both sides). */
const followerOf = (leader: number, n = 3): number => [...Array(n).keys()].map((i) => n - i).find((id) => id !== leader)!;

export const SITUATIONS: readonly Situation[] = [
  {
    name: 'fresh-start',
    what: '3 empty servers started together: who leads, the epoch, how each follower syncs',
    bands: {},
    races: {
      leader: {
        values: [2, 3],
        why: 's3 wins unless it starts after s1 and s2 have decided; near that edge a loaded machine tips real 3.8 either way, past what the replayed skew reproduces',
      },
    },
    async run(c) {
      await c.start();
      await c.mark();
      const s = await serving(c);
      const sync = await c.syncModes();
      return {
        // A learner that joins after the leader is established was once sent SNAP by real 3.8 where
        // zabsim sends an empty DIFF (FIDELITY.md): shown, not judged.
        info: { sync: modes(sync) },
        exact: { leader: s.leader, epoch: s.epoch, followersSynced: sync.size },
        timings: {},
      };
    },
  },
  {
    name: 'mixed-histories',
    what: '5 writes, a follower killed, 5 more writes, everything killed, then all restarted together: the most up-to-date server leads',
    bands: {},
    async run(c) {
      await c.start();
      const first = await serving(c);
      const a = await c.writes('a', 5);
      const f = followerOf(first.leader);
      await c.kill(f);
      const b = await c.writes('b', 5);
      for (const id of [1, 2, 3]) await c.kill(id);
      await c.mark();
      await c.start();
      const s = await serving(c);
      const kids = await c.children();
      const sync = await c.syncModes();
      return {
        info: { behind: `s${f}`, leader: s.leader, sync: modes(sync) },
        exact: {
          // The two servers with all 10 txns: the higher myid of them leads.
          leaderIsHighestUpToDate: s.leader === Math.max(...[1, 2, 3].filter((id) => id !== f)),
          epoch: s.epoch,
          behindSync: sync.get(f) ?? '(none)',
          acked: a.acked.length + b.acked.length,
          allAckedPresent: [...a.acked, ...b.acked].every((p) => kids.includes(p)),
        },
        timings: {},
      };
    },
  },
  {
    name: 'leader-kill',
    what: 'a client writing in a loop; the leader is killed after 8 acknowledged writes; 12 more',
    bands: { killToEstablishedMs: [150, 1500] },
    async run(c) {
      await c.start();
      const first = await serving(c);
      const w = await c.writes('c', 20, { killLeaderAfter: 8 });
      const est = await c.establishedAtMs();
      const s = await serving(c);
      const kids = await c.children();
      const killed = w.killed ?? first.leader;
      return {
        info: { killed: `s${killed}`, leader: s.leader },
        exact: {
          // Every acked write is on both survivors: the higher myid leads.
          leaderIsHighestSurvivor: s.leader === Math.max(...[1, 2, 3].filter((id) => id !== killed)),
          epoch: s.epoch,
          sessionKept: w.sessionKept,
          allAckedPresent: w.acked.every((p) => kids.includes(p)),
          ackedAtLeast20: w.acked.length >= 20,
        },
        timings: { killToEstablishedMs: est ?? -1 },
      };
    },
  },
  {
    name: 'follower-behind',
    what: 'a follower down while 50 (then 600) txns commit, then restarted: DIFF or SNAP',
    bands: {},
    known: {
      behind600: 'zabsim syncs only from the in-memory committed log (500 txns) and SNAPs beyond it; 3.8 also DIFFs from the on-disk txn log',
    },
    async run(c) {
      await c.start();
      const first = await serving(c);
      const f = followerOf(first.leader);
      const out: Record<string, Value> = {};
      for (const n of [50, 600]) {
        await c.kill(f);
        await c.writes(`d${n}-`, n);
        await c.mark();
        await c.start([f]);
        await c.waitServing();
        out[`behind${n}`] = (await c.syncModes()).get(f) ?? '(none)';
      }
      return { exact: out, timings: {} };
    },
  },
  {
    name: 'old-leader-uncommitted',
    what: 'the leader logs a proposal no follower has, everything dies, the others elect and write, the old leader returns',
    bands: {},
    async run(c) {
      await c.start();
      await serving(c);
      await c.writes('e', 3);
      const old = await c.leaderLogsAlone();
      const others = [1, 2, 3].filter((id) => id !== old);
      await c.start(others);
      const s = await serving(c);
      await c.writes('f', 3);
      await c.mark();
      await c.start([old]);
      await c.waitServing();
      const kids = await c.children();
      return {
        info: { oldLeader: `s${old}`, leader: s.leader },
        exact: {
          leaderIsHigherSurvivor: s.leader === Math.max(...others),
          epoch: s.epoch,
          oldLeaderSync: (await c.syncModes()).get(old) ?? '(none)',
          uncommittedGone: !kids.includes('/uncommitted'),
        },
        timings: {},
      };
    },
  },
  {
    name: 'frozen-client',
    what: 'a client (session timeout 4000 ms) with an ephemeral stops sending: when the ephemeral goes',
    bands: { freezeToExpiryMs: [3_900, 7_000] },
    async run(c) {
      await c.start();
      await serving(c);
      const ms = await c.frozenClientExpiryMs(4000);
      return { exact: { expired: ms >= 0 }, timings: { freezeToExpiryMs: ms } };
    },
  },
  {
    name: 'paused-leader',
    what: 'the leader is paused (SIGSTOP) until the others elect, then resumed: it steps down and follows',
    bands: { pauseToEstablishedMs: [3_500, 7_000] },
    async run(c) {
      await c.start();
      const first = await serving(c);
      await c.mark();
      await c.pause(first.leader);
      const s = await serving(c);
      const est = await c.establishedAtMs();
      await c.resume(first.leader);
      const again = await c.waitServing();
      return {
        info: { paused: `s${first.leader}`, leader: s.leader },
        exact: { leaderIsSurvivor: s.leader !== first.leader, epoch: s.epoch, stillLeadsAfterResume: again === s.leader },
        timings: { pauseToEstablishedMs: est ?? -1 },
      };
    },
  },
];

