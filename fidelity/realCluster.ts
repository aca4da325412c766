/**
 * `Cluster` on a real 3.8 ensemble (`realEnsemble.ts`). Instants the servers log (a NEWLEADER
 * quorum, a learner's sync mode, the start of the first election) are read from their logs with the
 * log's millisecond timestamps; the rest is polled with `srvr`.
 */
import zookeeper from 'node-zookeeper-client';
import { JuteWriter } from '../conformance/real/jute.ts';
import { ZkSession } from '../conformance/real/client.ts';
import { OPEN_ACL } from '../conformance/real/encode.ts';
import { OpCode, writeCreate } from '../conformance/real/wire.ts';
import type { Cluster, SyncMode } from './cluster.ts';
import { logLineTimeMs, RealEnsemble, type RealEnsembleConfig } from './realEnsemble.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CONNECTION_LOSS = -4;
const NODE_EXISTS = -110;
export const SESSION_TIMEOUT_MS = 10_000;

interface ZkClient {
  connect(): void;
  close(): void;
  once(ev: string, fn: (...a: unknown[]) => void): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
  create(path: string, data: Buffer, mode: number, cb: (err: { code?: number; getCode?: () => number } | null) => void): void;
  getChildren(path: string, cb: (err: unknown, children: string[]) => void): void;
  exists(path: string, cb: (err: unknown, stat: unknown) => void): void;
}

export class RealCluster implements Cluster {
  readonly kind = 'real' as const;
  private markMs = Date.now();
  private readonly paused = new Set<number>();
  /** Every `start` call: the servers and when each JVM was spawned. */
  private readonly starts: { ids: number[]; spawnedAt: Map<number, number> }[] = [];

  private constructor(readonly ens: RealEnsemble) {}

  static async create(cfg: RealEnsembleConfig): Promise<RealCluster> {
    return new RealCluster(await RealEnsemble.create(cfg));
  }

  private ids(): number[] {
    return this.ens.members.map((m) => m.myid);
  }

  async start(ids: readonly number[] = this.ids()): Promise<void> {
    const spawnedAt = new Map<number, number>();
    for (const id of ids) {
      this.ens.start(id);
      spawnedAt.set(id, this.ens.member(id).spawnedAtMs);
    }
    this.starts.push({ ids: [...ids], spawnedAt });
  }

  /**
   * The start-up skew of every `start` call so far, in order: per server (index myid-1), when it
   * began its first election after that start (its log's `QuorumPeer - LOOKING`), minus the
   * earliest of the call; 0 for servers the call did not start.
   */
  startSkewsMs(): (number[] | undefined)[] {
    const lines = new Map(this.ids().map((id) => [id, this.lines(id)]));
    return this.starts.map(({ ids, spawnedAt }) => {
      const at = this.ids().map((id) => {
        if (!ids.includes(id)) return null;
        const since = spawnedAt.get(id)! - 50;
        const line = lines.get(id)!.find((l) => /QuorumPeer - LOOKING\s*$/.test(l) && (logLineTimeMs(l) ?? 0) >= since);
        return line ? logLineTimeMs(line) : null;
      });
      const known = at.filter((t): t is number => t !== null);
      if (known.length === 0) return undefined;
      const t0 = Math.min(...known);
      return at.map((t) => (t === null ? 0 : t - t0));
    });
  }

  async waitServing(timeoutMs = 60_000): Promise<number> {
    const all = await this.ens.waitFor(
      (m) => {
        const live = [...m].filter(([id]) => !this.paused.has(id)).map(([, s]) => s);
        return live.every((s) => s.mode !== null) && live.filter((s) => s.mode === 'leader').length === 1;
      },
      timeoutMs,
      'one leader, every running server serving',
      this.paused,
    );
    return [...all].find(([id, s]) => !this.paused.has(id) && s.mode === 'leader')![0];
  }

  async kill(id: number): Promise<void> {
    this.paused.delete(id);
    await this.ens.kill(id);
  }

  async pause(id: number): Promise<void> {
    this.ens.pause(id);
    this.paused.add(id);
  }

  async resume(id: number): Promise<void> {
    this.ens.resume(id);
    this.paused.delete(id);
  }

  async mark(): Promise<number> {
    this.markMs = Date.now();
    return 0;
  }

  async since(): Promise<number> {
    return Date.now() - this.markMs;
  }

  private client(): Promise<{ zk: ZkClient; expired: () => boolean }> {
    const zk = zookeeper.createClient(this.ens.connectString, { sessionTimeout: SESSION_TIMEOUT_MS, spinDelay: 100, retries: 0 }) as unknown as ZkClient;
    let expired = false;
    zk.on('state', (s: unknown) => {
      if (String(s).startsWith('EXPIRED')) expired = true;
    });
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('real client: no connection within 20 s')), 20_000);
      zk.once('connected', () => {
        clearTimeout(t);
        resolve({ zk, expired: () => expired });
      });
      zk.connect();
    });
  }

  async writes(prefix: string, n: number, opts: { killLeaderAfter?: number } = {}): Promise<{ acked: string[]; sessionKept: boolean; killed?: number }> {
    const { zk, expired } = await this.client();
    const acked: string[] = [];
    let killed: number | undefined;
    try {
      for (let i = 0; i < n; i++) {
        if (opts.killLeaderAfter !== undefined && acked.length === opts.killLeaderAfter && killed === undefined) {
          killed = await this.waitServing();
          await this.mark();
          await this.kill(killed);
        }
        const path = `/${prefix}-${i}`;
        for (let attempt = 0; ; attempt++) {
          const rc = await new Promise<number>((res) =>
            zk.create(path, Buffer.from(String(i)), zookeeper.CreateMode.PERSISTENT, (err) => res(err ? (err.getCode ? err.getCode() : (err.code ?? -1)) : 0)),
          );
          if (rc === 0 || (rc === NODE_EXISTS && attempt > 0)) {
            acked.push(path);
            break;
          }
          if (rc !== CONNECTION_LOSS || attempt > 200) throw new Error(`real client: create ${path} failed with ${rc}`);
          await sleep(50);
        }
      }
      return { acked, sessionKept: !expired(), killed };
    } finally {
      zk.close();
    }
  }

  async children(): Promise<string[]> {
    const { zk } = await this.client();
    try {
      const kids = await new Promise<string[]>((res, rej) => zk.getChildren('/', (err, c) => (err ? rej(err) : res(c))));
      return kids.filter((k) => k !== 'zookeeper').map((k) => `/${k}`).sort();
    } finally {
      zk.close();
    }
  }

  async zxid(id: number): Promise<number> {
    return (await this.ens.srvr(id)).zxid ?? -1;
  }

  private lines(id: number): string[] {
    return this.ens.log(id).split('\n');
  }

  async syncModes(): Promise<Map<number, SyncMode>> {
    const out = new Map<number, SyncMode>();
    for (const id of this.ids()) {
      for (const l of this.lines(id)) {
        const m = / - synchronization - (diff|snap|trunc)\s*$/.exec(l);
        const t = logLineTimeMs(l);
        if (m && t !== null && t >= this.markMs) out.set(id, m[1]!.toUpperCase() as SyncMode);
      }
    }
    return out;
  }

  async establishedAtMs(): Promise<number | null> {
    let best: number | null = null;
    for (const id of this.ids()) {
      for (const l of this.lines(id)) {
        if (!l.includes('Have quorum of supporters')) continue;
        const t = logLineTimeMs(l);
        if (t !== null && t >= this.markMs && (best === null || t > best)) best = t;
      }
    }
    return best === null ? null : best - this.markMs;
  }

  async frozenClientExpiryMs(timeoutMs: number): Promise<number> {
    const port = this.ens.member(1).clientPort;
    const s = await ZkSession.connect({ host: '127.0.0.1', port, timeoutMs });
    const w = writeCreate(new JuteWriter(), '/frozen', Buffer.from('x'), OPEN_ACL, 1 /* EPHEMERAL */);
    const r = await s.request(OpCode.create, w);
    if (r.err !== 0) throw new Error(`real client: create /frozen failed with ${r.err}`);
    // Let the create's reply be the last packet, then go silent.
    s.freeze();
    const frozeAt = Date.now();
    const { zk } = await this.client();
    try {
      for (;;) {
        const gone = await new Promise<boolean>((res) => zk.exists('/frozen', (err, stat) => res(!err && !stat)));
        if (gone) return Date.now() - frozeAt;
        if (Date.now() - frozeAt > 30_000) return -1;
        await sleep(20);
      }
    } finally {
      zk.close();
    }
  }

  async leaderLogsAlone(): Promise<number> {
    const leader = await this.waitServing();
    const followers = this.ids().filter((id) => id !== leader);
    // The session first: creating one is itself a txn the followers must ack.
    const s = await ZkSession.connect({ host: '127.0.0.1', port: this.ens.member(leader).clientPort, timeoutMs: SESSION_TIMEOUT_MS, requestTimeoutMs: 60_000 });
    for (const f of followers) await this.pause(f);
    void s.request(OpCode.create, writeCreate(new JuteWriter(), '/uncommitted', Buffer.from('x'), OPEN_ACL, 0)).catch(() => {});
    // forceSync is on: give the leader time to log (and fsync) the proposal.
    await sleep(500);
    await this.kill(leader);
    for (const f of followers) await this.kill(f);
    return leader;
  }

  async close(): Promise<void> {
    for (const id of [...this.paused]) {
      try {
        this.ens.resume(id);
      } catch {
        /* gone */
      }
    }
    await this.ens.close();
  }
}
