/**
 * `Cluster` on the simulator: the same situations on an `Ensemble` in virtual time. Servers begin
 * down (crashed before their first step) so that `start` can start them at the offsets the real
 * ensemble's start-up skew gave. Clients: c1 writes, c2 reads, c3 is the client that freezes.
 */
import { Ensemble } from '../ensemble/ensemble.ts';
import { Err } from '../protocol/request/errors.ts';
import type { QuorumConfig } from '../protocol/config.ts';
import type { Cluster, SyncMode } from './cluster.ts';
import { SESSION_TIMEOUT_MS } from './realCluster.ts';

type Reply = { rc: number; children?: string[] } | undefined;

export class SimCluster implements Cluster {
  readonly kind = 'sim' as const;
  readonly c: Ensemble;
  private markT = 0;
  private readonly paused = new Set<number>();

  private startCall = 0;
  /** Servers whose (skew-delayed) start has not happened yet: on the real side their JVMs run
   *  already, so nothing counts as serving until they are up too. */
  private readonly pending = new Set<number>();

  /** `skews`: the real side's start-up skew per `start` call, replayed in order. */
  constructor(seed: number, cfg: Partial<QuorumConfig> = {}, private readonly skews: readonly (readonly number[] | undefined)[] = []) {
    this.c = Ensemble.simulate({ servers: 3, clients: 3, seed, cfg, client: { sessionTimeoutMs: SESSION_TIMEOUT_MS } });
    for (const s of this.c.serverIds) this.c.sim.crash(s);
  }

  private nowMs(): number {
    return this.c.sim.now / 1000;
  }

  async start(ids: readonly number[] = [1, 2, 3]): Promise<void> {
    const offsetsMs = this.skews[this.startCall++];
    for (const id of ids) {
      const off = offsetsMs?.[id - 1] ?? 0;
      if (off <= 0) this.c.sim.restart(`s${id}`);
      else {
        this.pending.add(id);
        this.c.sim.after(Math.round(off * 1000), (sim) => {
          this.pending.delete(id);
          sim.restart(`s${id}`);
        });
      }
    }
  }

  private serving(): number | null {
    if (this.pending.size > 0) return null;
    const up = this.c.serverIds.filter((s) => this.c.sim.isUp(s) && !this.paused.has(Number(s.slice(1))));
    const leaders = up.filter((s) => this.c.server(s).status().role === 'LEADING' && this.c.server(s).isServing());
    if (leaders.length !== 1 || !up.every((s) => this.c.server(s).isServing())) return null;
    return this.c.server(leaders[0]!).sid;
  }

  async waitServing(timeoutMs = 60_000): Promise<number> {
    if (!this.c.runUntil(() => this.serving() !== null, timeoutMs, 1)) throw new Error(`sim: no serving ensemble within ${timeoutMs} ms`);
    return this.serving()!;
  }

  async kill(id: number): Promise<void> {
    this.paused.delete(id);
    this.c.sim.crash(`s${id}`);
  }

  async pause(id: number): Promise<void> {
    this.c.sim.pause(`s${id}`);
    this.paused.add(id);
  }

  async resume(id: number): Promise<void> {
    this.c.sim.resume(`s${id}`);
    this.paused.delete(id);
  }

  async mark(): Promise<number> {
    this.markT = this.c.sim.now;
    return 0;
  }

  async since(): Promise<number> {
    return (this.c.sim.now - this.markT) / 1000;
  }

  private connect(client: string, op: Record<string, unknown> = {}): void {
    const st = this.c.call(client, { op: 'state' }) as { state: string };
    if (st.state === 'connected') return;
    if (st.state === 'connecting') {
      const up = (): boolean => (this.c.call(client, { op: 'state' }) as { state: string }).state === 'connected';
      if (!this.c.runUntil(up, 60_000, 10)) throw new Error(`sim: ${client} did not reconnect`);
      return;
    }
    if (st.state !== 'idle') throw new Error(`sim: ${client} is ${st.state}`);
    const r = this.c.call(client, { op: 'connect', ...op }) as Reply;
    if (r?.rc !== Err.OK) throw new Error(`sim: ${client} could not connect: ${JSON.stringify(r)}`);
  }

  async writes(prefix: string, n: number, opts: { killLeaderAfter?: number } = {}): Promise<{ acked: string[]; sessionKept: boolean; killed?: number }> {
    this.connect('c1');
    const session = this.c.session('c1');
    const acked: string[] = [];
    let killed: number | undefined;
    for (let i = 0; i < n; i++) {
      if (opts.killLeaderAfter !== undefined && acked.length === opts.killLeaderAfter && killed === undefined) {
        killed = await this.waitServing();
        await this.mark();
        await this.kill(killed);
      }
      const path = `/${prefix}-${i}`;
      for (let attempt = 0; ; attempt++) {
        const r = this.c.call('c1', { op: 'create', path, data: String(i) }, 60_000) as Reply;
        if (r?.rc === Err.OK || (r?.rc === Err.NODEEXISTS && attempt > 0)) {
          acked.push(path);
          break;
        }
        if (r?.rc !== Err.CONNECTIONLOSS || attempt > 200) throw new Error(`sim: create ${path} failed: ${JSON.stringify(r)}`);
        this.c.runFor(50);
      }
    }
    const expired = this.c.events('session.expire').some((e) => e.data['session'] === session);
    return { acked, sessionKept: this.c.session('c1') === session && !expired, killed };
  }

  async children(): Promise<string[]> {
    this.connect('c2');
    const r = this.c.call('c2', { op: 'getChildren', path: '/' }) as Reply;
    if (r?.rc !== Err.OK) throw new Error(`sim: getChildren failed: ${JSON.stringify(r)}`);
    return (r.children ?? []).filter((k) => k !== 'zookeeper').map((k) => `/${k}`).sort();
  }

  async zxid(id: number): Promise<number> {
    return this.c.server(`s${id}`).status().lastProcessedZxid;
  }

  async syncModes(): Promise<Map<number, SyncMode>> {
    const out = new Map<number, SyncMode>();
    for (const e of this.c.events('sync.send')) if (e.t >= this.markT) out.set(e.data['peer'] as number, e.data['mode'] as SyncMode);
    return out;
  }

  async establishedAtMs(): Promise<number | null> {
    const es = this.c.events('leader.established').filter((e) => e.t >= this.markT);
    return es.length ? (es[es.length - 1]!.t - this.markT) / 1000 : null;
  }

  async frozenClientExpiryMs(timeoutMs: number): Promise<number> {
    const r0 = this.c.call('c3', { op: 'connect', server: 's1', timeoutMs }) as Reply;
    if (r0?.rc !== Err.OK) throw new Error(`sim: c3 could not connect: ${JSON.stringify(r0)}`);
    const r = this.c.call('c3', { op: 'create', path: '/frozen', data: 'x', flags: 1 }) as Reply;
    if (r?.rc !== Err.OK) throw new Error(`sim: create /frozen failed: ${JSON.stringify(r)}`);
    this.c.sim.pause('c3');
    const t0 = this.c.sim.now;
    const leader = () => this.c.leader()?.id ?? 's1';
    if (!this.c.runUntil(() => !this.c.has(leader(), '/frozen'), 30_000, 1)) return -1;
    return (this.c.sim.now - t0) / 1000;
  }

  async leaderLogsAlone(): Promise<number> {
    const leader = await this.waitServing();
    const followers = [1, 2, 3].filter((id) => id !== leader);
    // The session first: creating one is itself a txn the followers must ack.
    const r = this.c.call('c3', { op: 'connect', server: `s${leader}` }) as Reply;
    if (r?.rc !== Err.OK) throw new Error(`sim: c3 could not connect: ${JSON.stringify(r)}`);
    for (const f of followers) await this.pause(f);
    this.c.send('c3', { op: 'create', path: '/uncommitted', data: 'x' });
    this.c.runFor(500);
    await this.kill(leader);
    for (const f of followers) await this.kill(f);
    return leader;
  }

  async close(): Promise<void> {}
}
