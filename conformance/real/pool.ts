/**
 * Fresh real servers on demand, started ahead of time: while one script runs against a server,
 * the next servers are already booting, which hides most of the JVM start-up.
 * Every server is used for exactly one run and then stopped.
 */
import { startRealServer, type RealServer, type RealServerConfig } from './server.ts';

export class RealServerPool {
  private readonly ready: Array<Promise<RealServer>> = [];
  private readonly all = new Set<Promise<RealServer>>();
  private closed = false;
  /** Start-up times of the servers taken so far (ms). */
  readonly startTimes: number[] = [];

  constructor(
    private readonly config: RealServerConfig,
    private readonly ahead = 2,
  ) {}

  private spawnOne(): void {
    const p = startRealServer(this.config);
    p.catch(() => {});
    this.ready.push(p);
    this.all.add(p);
  }

  /** A fresh server, never used before. The caller must `stop()` it (or use `withServer`). */
  async take(): Promise<RealServer> {
    if (this.closed) throw new Error('server pool is closed');
    if (this.ready.length === 0) this.spawnOne();
    const p = this.ready.shift()!;
    this.all.delete(p);
    while (this.ready.length < this.ahead) this.spawnOne();
    const s = await p;
    this.startTimes.push(s.startMs);
    return s;
  }

  async withServer<T>(fn: (s: RealServer) => Promise<T>): Promise<T> {
    const s = await this.take();
    try {
      return await fn(s);
    } finally {
      await s.stop();
    }
  }

  /** Stops the servers started ahead and not taken. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.all];
    this.all.clear();
    this.ready.length = 0;
    await Promise.all(pending.map((p) => p.then((s) => s.stop(), () => {})));
  }
}
