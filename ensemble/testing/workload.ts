/**
 * Test/bench steps on an `Ensemble`: connect clients, issue numbered creates, wait for
 * convergence, and the old-leader-with-an-uncommitted-txn story.
 */
import { Err } from '../../protocol/request/errors.ts';
import type { Ensemble } from '../ensemble.ts';

export function connectAll(c: Ensemble, clients = c.clientIds): void {
  for (const id of clients) {
    const r = c.call(id, { op: 'connect' }) as { rc: number } | undefined;
    if (r?.rc !== Err.OK) throw new Error(`${id} could not connect: ${JSON.stringify(r)}`);
  }
}

/**
 * Runs until `client` has its session up on a connection again (after losing its server: a refused
 * reconnect to a dead server fails what it had queued, as ClientCnxn's cleanup does). */
export function reconnected(c: Ensemble, client: string, maxMs = 30_000): boolean {
  return c.runUntil(() => c.client(client).connected, maxMs);
}

/** Issue `n` creates `/prefix-i` from `client`, one after another; returns the acked count. */
export function createMany(c: Ensemble, client: string, prefix: string, n: number, maxMs = 30_000): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = c.call(client, { op: 'create', path: `/${prefix}-${i}`, data: String(i) }, maxMs) as { rc: number } | undefined;
    if (r?.rc === Err.OK) ok++;
  }
  return ok;
}

/**
 * The TRUNC story: client c1 writes through the leader, the leader is cut off with c1 and logs one
 * more create durably that nobody else has, then crashes; the others elect a new leader and the old
 * one restarts. Returns the old leader's id and sid and the virtual time just before its restart.
 * Throws when a step does not happen in time.
 */
export function restartOldLeaderWithUncommittedTxn(c: Ensemble): { id: string; sid: number; restartedAfter: number } {
  const step = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`old-leader story: ${what} did not happen in time`);
  };
  step(c.runUntil(() => c.settled(), 5_000), 'the first election');
  const old = c.leader()!;
  const r = c.call('c1', { op: 'connect', server: old.id }) as { rc: number } | undefined;
  step(r?.rc === Err.OK, 'c1 connecting to the leader');
  step(createMany(c, 'c1', 'ok', 3) === 3, 'three acknowledged creates');
  const last = old.leader!.lastProposed;
  c.sim.partition([[old.id, 'c1']]);
  c.send('c1', { op: 'create', path: '/uncommitted', data: 'x' });
  // Wait until the old leader has logged it durably, then kill it.
  const logged = () => c.events('log.durable').some((e) => e.node === old.id && (e.data['zxid'] as number) > last);
  step(c.runUntil(logged, 1_000, 1), 'the cut-off leader logging /uncommitted');
  c.sim.crash(old.id);
  c.sim.heal();
  step(c.runUntil(() => c.leader() !== null, 30_000), 'a new leader');
  const restartedAfter = c.sim.now;
  c.sim.restart(old.id);
  return { id: old.id, sid: old.sid, restartedAfter };
}

/** Pipeline `n` creates without waiting; returns the result keys. */
export function pipelineCreates(c: Ensemble, client: string, prefix: string, n: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(c.send(client, { op: 'create', path: `/${prefix}-${i}`, data: String(i) }));
  return keys;
}

/** Run until every live server is serving the same last zxid. */
export function converge(c: Ensemble, maxMs = 60_000): boolean {
  return c.runUntil(() => {
    if (!c.settled()) return false;
    const up = c.serverIds.filter((s) => c.sim.isUp(s));
    const zs = new Set(up.map((s) => c.server(s).db.lastProcessedZxid));
    // The leader sets (epoch,0) at establishment; followers converge on the last applied txn.
    return zs.size === 1 || (zs.size === 2 && [...zs].some((z) => z % 2 ** 32 === 0));
  }, maxMs);
}
