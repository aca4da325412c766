/**
 * A generated run as plain data: (seed, ensemble, fault schedule, workload, bug flags). Plain data
 * so it can be shrunk by fast-check, printed, saved to a file and replayed from one command line
 * (`encodeCase` gives a base64url string; `decodeCase` validates it and names what is wrong).
 */
import type { BugFlags } from '../protocol/config.ts';

/** The recipes people build on ZooKeeper (see recipes.ts). */
export const RECIPES = ['lock', 'leader', 'counter', 'config', 'group'] as const;
export type Recipe = (typeof RECIPES)[number];

export interface EnsembleSpec {
  /** Voting members. */
  readonly servers: number;
  readonly observers: number;
  /** zoo.cfg tickTime (ms); the election, sync and session timeouts scale with it. */
  readonly tickTime: number;
  /** Session timeout the clients ask for (ms; the server clamps it to [2, 20] ticks). */
  readonly sessionTimeoutMs: number;
}

/** One client running one recipe, `rounds` times, starting at `startMs`, `gapMs` between rounds. */
export interface WorkloadItem {
  readonly recipe: Recipe;
  readonly startMs: number;
  readonly rounds: number;
  readonly gapMs: number;
}

/** Episode kinds: every fault the kernel has. `undo` time = atMs + forMs (jump has no undo). */
export const EPISODES = [
  'crash', // crash (torn unsynced log tail) then restart
  'pause', // GC-like pause then resume
  'partition', // two groups then heal
  'isolate', // one node cut from all then heal
  'oneWay', // cut a -> b then uncut
  'clog', // hold a -> b then release in order
  'loss', // loss window on a -> b
  'dup', // duplication window on a -> b
  'reorder', // reordering window on a -> b
  'delay', // extra latency window on a -> b
  'skew', // clock drift rate window on a
  'jump', // clock jump on a (no undo)
  'slowDisk', // slow fsync window on a
  'crashAfter', // targeted: crash servers right after a protocol step, restart in order (triggers.ts)
  'window', // targeted: a durability-window story, crash inside it and restart so the loser can lead (triggers.ts)
  'deafLeader', // targeted: cut every link into the next established leader until it steps down (deaf-leader.ts)
] as const;
export type EpisodeKind = (typeof EPISODES)[number];

export interface Episode {
  readonly kind: EpisodeKind;
  readonly atMs: number;
  readonly forMs: number;
  /** Node the episode acts on (index into the node list: servers then clients). */
  readonly a: number;
  /** Second node for link episodes; for `partition`, a bit mask of the nodes in group 1. */
  readonly b: number;
  /** Kind-specific strength in [0, 1] (loss/dup probability, delay, drift, jump size, fsync time). */
  readonly x: number;
}

/**
 * BUGGIFY for one run (sim/faultpoints.ts): each fault point (protocol/faultpoints.ts) is enabled
 * for the run with probability `enableP`; an enabled point crashes the server passing it with
 * probability `fireP` (at most 3 times, only before the heal), which restarts `restartAfterMs` later.
 */
export interface FaultPointsSpec {
  readonly enableP: number;
  readonly fireP: number;
  readonly restartAfterMs: number;
}

/**
 * PCT-style delivery order for one run (sim/pct.ts): random priorities on each lane (a peer pair's
 * election or quorum connection, a client link), `depth − 1` change points among the first 2000
 * messages. Seeded from the run seed (the kernel's `pct` stream).
 */
export interface PctSpec {
  readonly depth: number;
}

export interface Case {
  readonly v: 1;
  readonly seed: number;
  readonly ensemble: EnsembleSpec;
  /** Faults are drawn in [0, windowMs); at windowMs everything is healed (the liveness phase). */
  readonly windowMs: number;
  readonly faults: readonly Episode[];
  readonly workload: readonly WorkloadItem[];
  /** Planted historical bugs (default none: ZooKeeper 3.8 as fixed). */
  readonly bugs?: BugFlags;
  /** Crashes inside protocol steps at fault points (default none). */
  readonly faultPoints?: FaultPointsSpec;
  /** Keep running after the probe's write until `windowMs + holdMs` (default: stop at the probe),
   *  so time-bound properties (TimelyExpiry: a gone client's session ends within its timeout + the
   *  election bound of the heal) can fail. */
  readonly holdMs?: number;
  /** Workload clients move their session to the next server after every round (default no). */
  readonly hop?: boolean;
  /** One lagging server (`laggard.ts`): links from the other servers into server `node` (index,
   *  modulo the servers) carry `ms` of extra latency until the heal (default none). */
  readonly lag?: { readonly node: number; readonly ms: number };
  /** Crash whichever server leads at `atMs`, restart it `forMs` later (`leader-crash.ts`). */
  readonly leaderCrash?: readonly { readonly atMs: number; readonly forMs: number }[];
  /** Message delivery order by PCT priorities (default: plain link latencies). */
  readonly pct?: PctSpec;
  /** Pipelined clients (`actor.ts`): after every round each workload client issues `depth` requests
   *  without waiting (2–8; default: one request outstanding at a time), the hop's reconnect in the
   *  middle of them; with `close`, its last round's burst ends with a closeSession behind them. */
  readonly pipeline?: { readonly depth: number; readonly close: boolean };
  /** I/O errors (sim/disk.ts `errorP`): every disk op of server `node` (index, modulo the servers)
   *  fails with EIO with probability `p` until the heal (default none). */
  readonly diskErrors?: { readonly node: number; readonly p: number };
  /** Autopurge on every server (protocol/server/purge.ts): snapCount lowered to `snapCount` so
   *  snapshots and log rolls happen, a purge every `intervalMs`, 3 snapshots kept (default off). */
  readonly autopurge?: { readonly intervalMs: number; readonly snapCount: number };
}

/** A case from its fields; absent optional fields (bugs, fault points, hold) are left out, so the
 *  encoded case — and so its replay identity — carries only what was drawn. */
export function makeCase(f: Omit<Case, 'v' | 'bugs' | 'faultPoints' | 'holdMs' | 'hop' | 'lag' | 'leaderCrash' | 'pct' | 'pipeline' | 'diskErrors' | 'autopurge'> & {
  readonly bugs?: BugFlags | undefined;
  readonly faultPoints?: FaultPointsSpec | undefined;
  readonly holdMs?: number | undefined;
  readonly hop?: boolean | undefined;
  readonly lag?: { readonly node: number; readonly ms: number } | undefined;
  readonly leaderCrash?: readonly { readonly atMs: number; readonly forMs: number }[] | undefined;
  readonly pct?: PctSpec | undefined;
  readonly pipeline?: { readonly depth: number; readonly close: boolean } | undefined;
  readonly diskErrors?: { readonly node: number; readonly p: number } | undefined;
  readonly autopurge?: { readonly intervalMs: number; readonly snapCount: number } | undefined;
}): Case {
  return {
    v: 1,
    seed: f.seed,
    ensemble: f.ensemble,
    windowMs: f.windowMs,
    faults: f.faults,
    workload: f.workload,
    ...(f.bugs ? { bugs: f.bugs } : {}),
    ...(f.faultPoints ? { faultPoints: f.faultPoints } : {}),
    ...(f.holdMs === undefined ? {} : { holdMs: f.holdMs }),
    ...(f.hop ? { hop: true } : {}),
    ...(f.lag === undefined ? {} : { lag: f.lag }),
    ...(f.leaderCrash === undefined || f.leaderCrash.length === 0 ? {} : { leaderCrash: f.leaderCrash }),
    ...(f.pct === undefined ? {} : { pct: f.pct }),
    ...(f.pipeline === undefined ? {} : { pipeline: f.pipeline }),
    ...(f.diskErrors === undefined ? {} : { diskErrors: f.diskErrors }),
    ...(f.autopurge === undefined ? {} : { autopurge: f.autopurge }),
  };
}

export function encodeCase(c: Case): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function fail(msg: string): never {
  throw new Error(`bad case: ${msg}`);
}

function int(o: Record<string, unknown>, k: string, min: number, max: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`'${k}' must be an integer in [${min}, ${max}]`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Record<string, unknown>;
}

/** Parses and validates a case from base64url or JSON text; throws Error with a one-line message. */
export function decodeCase(text: string): Case {
  const t = text.trim();
  let raw: unknown;
  try {
    raw = JSON.parse(t.startsWith('{') ? t : Buffer.from(t, 'base64url').toString('utf8'));
  } catch {
    fail('not base64url-encoded JSON (nor JSON)');
  }
  const o = obj(raw, 'the case');
  if (o['v'] !== 1) fail("'v' must be 1");
  const e = obj(o['ensemble'], 'ensemble');
  const ensemble: EnsembleSpec = {
    servers: int(e, 'servers', 1, 9),
    observers: int(e, 'observers', 0, 4),
    tickTime: int(e, 'tickTime', 50, 10_000),
    sessionTimeoutMs: int(e, 'sessionTimeoutMs', 100, 200_000),
  };
  const windowMs = int(o, 'windowMs', 0, 600_000);
  if (!Array.isArray(o['faults'])) fail("'faults' must be a list");
  const faults = (o['faults'] as unknown[]).map((f, i): Episode => {
    const r = obj(f, `faults[${i}]`);
    if (!EPISODES.includes(r['kind'] as EpisodeKind)) fail(`faults[${i}].kind must be one of ${EPISODES.join(', ')}`);
    const x = r['x'];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) fail(`faults[${i}].x must be a number in [0, 1]`);
    return {
      kind: r['kind'] as EpisodeKind,
      atMs: int(r, 'atMs', 0, 600_000),
      forMs: int(r, 'forMs', 0, 600_000),
      a: int(r, 'a', 0, 2 ** 20),
      b: int(r, 'b', 0, 2 ** 20),
      x,
    };
  });
  if (!Array.isArray(o['workload'])) fail("'workload' must be a list");
  const workload = (o['workload'] as unknown[]).map((w, i): WorkloadItem => {
    const r = obj(w, `workload[${i}]`);
    if (!RECIPES.includes(r['recipe'] as Recipe)) fail(`workload[${i}].recipe must be one of ${RECIPES.join(', ')}`);
    return { recipe: r['recipe'] as Recipe, startMs: int(r, 'startMs', 0, 600_000), rounds: int(r, 'rounds', 0, 10_000), gapMs: int(r, 'gapMs', 0, 600_000) };
  });
  if (workload.length > 16) fail('at most 16 workload clients');
  let bugs: Record<string, boolean> | undefined;
  if (o['bugs'] !== undefined) {
    const b = obj(o['bugs'], 'bugs');
    bugs = {};
    for (const [k, v] of Object.entries(b)) {
      if (typeof v !== 'boolean') fail(`bugs.${k} must be a boolean`);
      bugs[k] = v;
    }
  }
  let faultPoints: FaultPointsSpec | undefined;
  if (o['faultPoints'] !== undefined) {
    const f = obj(o['faultPoints'], 'faultPoints');
    const p = (k: string): number => {
      const v = f[k];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`faultPoints.${k} must be a number in [0, 1]`);
      return v;
    };
    faultPoints = { enableP: p('enableP'), fireP: p('fireP'), restartAfterMs: int(f, 'restartAfterMs', 0, 600_000) };
  }
  const holdMs = o['holdMs'] === undefined ? undefined : int(o, 'holdMs', 0, 600_000);
  if (o['hop'] !== undefined && typeof o['hop'] !== 'boolean') fail("'hop' must be a boolean");
  const hop = o['hop'] === true;
  let lag: { node: number; ms: number } | undefined;
  if (o['lag'] !== undefined) {
    const l = obj(o['lag'], 'lag');
    lag = { node: int(l, 'node', 0, 64), ms: int(l, 'ms', 0, 60_000) };
  }
  let leaderCrash: { atMs: number; forMs: number }[] | undefined;
  if (o['leaderCrash'] !== undefined) {
    if (!Array.isArray(o['leaderCrash'])) fail("'leaderCrash' must be a list");
    leaderCrash = (o['leaderCrash'] as unknown[]).map((k, i) => {
      const r = obj(k, `leaderCrash[${i}]`);
      return { atMs: int(r, 'atMs', 0, 600_000), forMs: int(r, 'forMs', 0, 600_000) };
    });
  }
  const pct = o['pct'] === undefined ? undefined : { depth: int(obj(o['pct'], 'pct'), 'depth', 1, 10) };
  let pipeline: { depth: number; close: boolean } | undefined;
  if (o['pipeline'] !== undefined) {
    const p = obj(o['pipeline'], 'pipeline');
    if (typeof p['close'] !== 'boolean') fail("'pipeline.close' must be a boolean");
    pipeline = { depth: int(p, 'depth', 1, 64), close: p['close'] as boolean };
  }
  let diskErrors: { node: number; p: number } | undefined;
  if (o['diskErrors'] !== undefined) {
    const d = obj(o['diskErrors'], 'diskErrors');
    const p = d['p'];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail('diskErrors.p must be a number in [0, 1]');
    diskErrors = { node: int(d, 'node', 0, 64), p };
  }
  let autopurge: { intervalMs: number; snapCount: number } | undefined;
  if (o['autopurge'] !== undefined) {
    const a = obj(o['autopurge'], 'autopurge');
    autopurge = { intervalMs: int(a, 'intervalMs', 1, 600_000), snapCount: int(a, 'snapCount', 2, 1_000_000) };
  }
  return makeCase({ seed: int(o, 'seed', 0, 2 ** 31), ensemble, windowMs, faults, workload, bugs, faultPoints, holdMs, hop, lag, leaderCrash, pct, pipeline, diskErrors, autopurge });
}
