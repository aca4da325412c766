/**
 * Workloads drawn from the recipes people build on ZooKeeper, each written as a generator of client
 * calls (one round per call of the generator): the driver (actor.ts) issues each yielded call and
 * resumes the generator with the reply. Recipes react to replies (sequence numbers, versions,
 * NODEEXISTS), so the history is the one a real application would produce.
 *
 * Waiting on a watch (`awaitWatch(ms)`) resumes the recipe when the client tells its application of
 * a watch event (a `notify` effect) or after `ms`, whichever comes first. Shortcut: any watch event
 * of the client wakes the wait (the recipe re-reads what it waits on), and a wait gives up after a
 * short bound rather than waiting for ever, so a lost notification costs a round, not the run.
 */
import { Err } from '../protocol/request/errors.ts';
import { CreateFlag } from '../protocol/request/types.ts';
import type { Recipe } from './case.ts';

export interface Reply {
  readonly op: string;
  readonly rc: number;
  readonly zxid: number;
  readonly path?: string;
  readonly data?: unknown;
  readonly stat?: { readonly version: number } | null;
  readonly children?: readonly string[];
  readonly state?: string;
}

/** A client call, a pause of the application, or a wait for a watch event (at most `awaitWatchMs`). */
export type Step = { readonly op: Record<string, unknown> } | { readonly sleepMs: number } | { readonly awaitWatchMs: number };
export type Round = Generator<Step, void, Reply>;

export interface RecipeContext {
  /** Client node id (`c3`). */
  readonly me: string;
  readonly round: number;
  readonly lastRound: boolean;
}

const OK = Err.OK;
const call = (op: Record<string, unknown>): Step => ({ op });
const sleep = (sleepMs: number): Step => ({ sleepMs });
const awaitWatch = (awaitWatchMs: number): Step => ({ awaitWatchMs });

/** Creates a persistent parent; true if it exists afterwards. */
function* ensure(path: string): Generator<Step, boolean, Reply> {
  const r = yield call({ op: 'create', path, data: '' });
  return r.rc === OK || r.rc === Err.NODEEXISTS;
}

/** Lock: ephemeral-sequential child, lowest holds; others watch their predecessor. */
function* lock(ctx: RecipeContext): Round {
  if (!(yield* ensure('/lock'))) return;
  const mine = yield call({ op: 'create', path: '/lock/n-', data: ctx.me, flags: CreateFlag.EPHEMERAL_SEQUENTIAL });
  if (mine.rc !== OK || mine.path === undefined) return;
  const name = mine.path.slice('/lock/'.length);
  for (let tries = 0; ; tries++) {
    const ch = yield call({ op: 'getChildren', path: '/lock' });
    if (ch.rc !== OK || ch.children === undefined) return;
    const sorted = [...ch.children].sort();
    const at = sorted.indexOf(name);
    if (at < 0) return; // our node is gone (the session ended)
    if (at === 0) break;
    if (tries >= 30) {
      yield call({ op: 'delete', path: mine.path });
      return;
    }
    yield call({ op: 'exists', path: `/lock/${sorted[at - 1]}`, watch: true });
    yield awaitWatch(30);
  }
  // Critical section: a read-modify-write of a shared record, guarded by the lock.
  const d = yield call({ op: 'getData', path: '/lock-data' });
  if (d.rc === Err.NONODE) yield call({ op: 'create', path: '/lock-data', data: '0' });
  else if (d.rc === OK && d.stat) yield call({ op: 'setData', path: '/lock-data', data: `${Number(d.data) + 1}`, version: d.stat.version });
  yield call({ op: 'delete', path: mine.path });
}

/** Leader election: whoever creates the ephemeral /leader leads for a while, then resigns. */
function* leader(ctx: RecipeContext): Round {
  const r = yield call({ op: 'create', path: '/leader', data: ctx.me, flags: CreateFlag.EPHEMERAL });
  if (r.rc === OK) {
    yield call({ op: 'setData', path: '/leader-term', data: `${ctx.me}-${ctx.round}` });
    yield sleep(50);
    const g = yield call({ op: 'getData', path: '/leader' });
    if (g.rc === OK && g.stat) yield call({ op: 'delete', path: '/leader', version: g.stat.version });
  } else if (r.rc === Err.NODEEXISTS) {
    yield call({ op: 'getData', path: '/leader', watch: true });
    yield awaitWatch(40);
  }
}

/** Counter: read, then conditional setData on the version read; retry on BADVERSION. */
function* counter(): Round {
  for (let attempt = 0; attempt < 5; attempt++) {
    const g = yield call({ op: 'getData', path: '/counter' });
    if (g.rc === Err.NONODE) {
      const c = yield call({ op: 'create', path: '/counter', data: '1' });
      if (c.rc === OK) return;
      continue;
    }
    if (g.rc !== OK || !g.stat) return;
    const s = yield call({ op: 'setData', path: '/counter', data: `${Number(g.data) + 1}`, version: g.stat.version });
    if (s.rc !== Err.BADVERSION) return;
  }
}

/** Configuration: publish a value, watch it, sync then read (a reader that must see the latest). */
function* config(ctx: RecipeContext): Round {
  const value = `${ctx.me}-${ctx.round}`;
  const s = yield call({ op: 'setData', path: '/config', data: value });
  if (s.rc === Err.NONODE) yield call({ op: 'create', path: '/config', data: value });
  yield call({ op: 'getData', path: '/config', watch: true });
  yield awaitWatch(20);
  yield call({ op: 'sync', path: '/config' });
  yield call({ op: 'getData', path: '/config' });
}

/** Group membership: join with an ephemeral node, list the group; leave by closing the session. */
function* group(ctx: RecipeContext): Round {
  if (!(yield* ensure('/group'))) return;
  yield call({ op: 'create', path: `/group/${ctx.me}`, data: '', flags: CreateFlag.EPHEMERAL });
  yield call({ op: 'getChildren', path: '/group', watch: true });
  yield awaitWatch(30);
  if (ctx.lastRound) yield call({ op: 'closeSession' });
}

export const ROUNDS: Readonly<Record<Recipe, (ctx: RecipeContext) => Round>> = { lock, leader, counter, config, group };
