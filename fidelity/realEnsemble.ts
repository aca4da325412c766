/**
 * A private, real ZooKeeper 3.8 ensemble on loopback (Debian's `zookeeper` package): N servers, each
 * a JVM with its own temp dir (zoo.cfg, myid, data), client port and quorum/election ports, all on
 * 127.0.0.1 and free ports. Each server can be killed (SIGKILL: its un-fsynced writes are lost as in
 * a crash), paused (SIGSTOP), resumed (SIGCONT) and started again from its data dir.
 *
 * The servers log through slf4j-simple at INFO with wall-clock timestamps (`server.log` in each
 * dir): the situations read what the leader logged (which sync it sent a learner, when it had its
 * quorum) from there, with millisecond times. forceSync stays on (the default): the situations
 * crash servers, and what survives a crash is the point.
 *
 * JVMs run under the guard shell of `conformance/real/jvm.ts`: they die with this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cdsJvmArgs, DEFAULT_ZOOKEEPER_JAR, FAST_JVM_ARGS, realZookeeperAvailable } from '../conformance/real/server.ts';
import { freePort, spawnGuardedJvm, type GuardedJvm } from '../conformance/real/jvm.ts';
import { fourLetterWord } from '../conformance/real/fourlw.ts';

export const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';

export interface RealEnsembleConfig {
  readonly servers: number;
  readonly tickTime?: number;
  readonly initLimit?: number;
  readonly syncLimit?: number;
  /** zoo.cfg snapCount (3.8 default 100000). */
  readonly snapCount?: number;
  readonly extraCfg?: Readonly<Record<string, string | number | boolean>>;
}

export interface RealMember {
  readonly myid: number;
  readonly clientPort: number;
  readonly dir: string;
  /** Wall time (ms since the epoch) the current JVM was spawned; 0 when down. */
  spawnedAtMs: number;
}

/** What `srvr` says about one server (null fields when it is not serving). */
export interface RealSrvr {
  readonly mode: string | null;
  readonly zxid: number | null;
}

export class RealEnsemble {
  readonly members: readonly RealMember[];
  readonly root: string;
  private readonly jvms = new Map<number, GuardedJvm>();
  private readonly baseArgs: string[];
  private readonly classPath: string[];

  private constructor(root: string, members: RealMember[], classPath: string[], baseArgs: string[]) {
    this.root = root;
    this.members = members;
    this.classPath = classPath;
    this.baseArgs = baseArgs;
  }

  /** Lays out the ensemble's dirs and config (no JVM started yet). */
  static async create(cfg: RealEnsembleConfig): Promise<RealEnsemble> {
    const avail = realZookeeperAvailable();
    if (!avail.ok) throw new Error(avail.reason);
    const jar = process.env['ZABSIM_ZOOKEEPER_JAR'] ?? DEFAULT_ZOOKEEPER_JAR;
    const classPath = [jar, ...(fs.existsSync(SLF4J_SIMPLE_JAR) ? [SLF4J_SIMPLE_JAR] : [])];
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zabsim-ensemble-'));
    const ports: number[] = [];
    while (ports.length < cfg.servers * 3) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const servers: string[] = [];
    for (let i = 1; i <= cfg.servers; i++) {
      servers.push(`server.${i}=127.0.0.1:${ports[3 * (i - 1) + 1]}:${ports[3 * (i - 1) + 2]}`);
    }
    const members: RealMember[] = [];
    for (let i = 1; i <= cfg.servers; i++) {
      const dir = path.join(root, `s${i}`);
      const dataDir = path.join(dir, 'data');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'myid'), `${i}\n`);
      const lines: Record<string, string | number | boolean> = {
        tickTime: cfg.tickTime ?? 2000,
        initLimit: cfg.initLimit ?? 10,
        syncLimit: cfg.syncLimit ?? 5,
        dataDir,
        clientPort: ports[3 * (i - 1)]!,
        clientPortAddress: '127.0.0.1',
        '4lw.commands.whitelist': '*',
        'admin.enableServer': false,
        preAllocSize: 1024,
        ...(cfg.snapCount !== undefined ? { snapCount: cfg.snapCount } : {}),
        ...cfg.extraCfg,
      };
      const text = Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n') + '\n' + servers.join('\n') + '\n';
      fs.writeFileSync(path.join(dir, 'zoo.cfg'), text);
      members.push({ myid: i, clientPort: ports[3 * (i - 1)]!, dir, spawnedAtMs: 0 });
    }
    const cds = await cdsJvmArgs({ extraClassPath: classPath.slice(1) });
    const baseArgs = [
      ...FAST_JVM_ARGS,
      ...cds,
      '-Duser.timezone=UTC',
      '-Dzookeeper.admin.enableServer=false',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
    ];
    return new RealEnsemble(root, members, classPath, baseArgs);
  }

  member(myid: number): RealMember {
    const m = this.members[myid - 1];
    if (!m) throw new Error(`no server ${myid}`);
    return m;
  }

  /** `host:port,...` of every server's client port. */
  get connectString(): string {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`).join(',');
  }

  /** Spawns server `myid`'s JVM from its dir (first start or after a kill). Returns at once. */
  start(myid: number): void {
    if (this.jvms.has(myid)) throw new Error(`server ${myid} is already running`);
    const m = this.member(myid);
    const args = [...this.baseArgs, '-cp', this.classPath.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', path.join(m.dir, 'zoo.cfg')];
    const jvm = spawnGuardedJvm({ args, logFile: path.join(m.dir, 'server.log'), append: true, stopSignal: 'KILL' });
    m.spawnedAtMs = Date.now();
    this.jvms.set(myid, jvm);
  }

  /** SIGKILL: a crash. */
  async kill(myid: number): Promise<void> {
    const jvm = this.jvms.get(myid);
    if (!jvm) return;
    this.jvms.delete(myid);
    this.member(myid).spawnedAtMs = 0;
    await jvm.stop();
  }

  /** SIGSTOP / SIGCONT: the process freezes (its sockets stay open, the kernel keeps buffering). */
  pause(myid: number): void {
    this.signal(myid, 'SIGSTOP');
  }
  resume(myid: number): void {
    this.signal(myid, 'SIGCONT');
  }

  private signal(myid: number, sig: NodeJS.Signals): void {
    const jvm = this.jvms.get(myid);
    if (!jvm || !jvm.pid()) throw new Error(`server ${myid} is not running`);
    process.kill(jvm.pid(), sig);
  }

  isRunning(myid: number): boolean {
    return this.jvms.has(myid);
  }

  /** `srvr` of one server; nulls when it does not answer or is not serving. */
  async srvr(myid: number, timeoutMs = 500): Promise<RealSrvr> {
    try {
      const text = await fourLetterWord('127.0.0.1', this.member(myid).clientPort, 'srvr', timeoutMs);
      const zx = /^Zxid:\s*0x([0-9a-fA-F]+)/m.exec(text);
      const mode = /^Mode:\s*(\S+)/m.exec(text);
      return { mode: mode ? mode[1]! : null, zxid: zx ? parseInt(zx[1]!, 16) : null };
    } catch {
      return { mode: null, zxid: null };
    }
  }

  /** Polls until `pred` holds for the servers' `srvr` answers (running servers only); wall ms waited. */
  async waitFor(
    pred: (s: ReadonlyMap<number, RealSrvr>) => boolean,
    timeoutMs: number,
    what: string,
    skip: ReadonlySet<number> = new Set(),
  ): Promise<Map<number, RealSrvr>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = new Map<number, RealSrvr>();
      for (const m of this.members) if (this.isRunning(m.myid) && !skip.has(m.myid)) all.set(m.myid, await this.srvr(m.myid));
      if (pred(all)) return all;
      if (Date.now() > deadline) {
        const seen = [...all].map(([id, s]) => `s${id}=${s.mode ?? 'down'}`).join(' ');
        throw new Error(`real ensemble: ${what} not reached within ${timeoutMs} ms (${seen})`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until exactly one running server leads and every running server serves; returns the leader. */
  async waitServing(timeoutMs = 60_000): Promise<{ leader: number; modes: Map<number, RealSrvr> }> {
    const modes = await this.waitFor(
      (all) => [...all.values()].every((s) => s.mode !== null) && [...all.values()].filter((s) => s.mode === 'leader').length === 1,
      timeoutMs,
      'one leader, every running server serving',
    );
    const leader = [...modes].find(([, s]) => s.mode === 'leader')![0];
    return { leader, modes };
  }

  /** The server's log so far. */
  log(myid: number): string {
    try {
      return fs.readFileSync(path.join(this.member(myid).dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Kills every JVM and removes the dirs (unless ZABSIM_KEEP_ENSEMBLE is set). */
  async close(): Promise<void> {
    await Promise.all([...this.jvms.keys()].map((id) => this.kill(id)));
    if (!process.env['ZABSIM_KEEP_ENSEMBLE']) fs.rmSync(this.root, { recursive: true, force: true });
    else console.error(`real ensemble kept in ${this.root}`);
  }
}

/** A log line's time: slf4j-simple's `yyyy-MM-ddTHH:mm:ss.SSS` (UTC) prefix, in ms since the epoch. */
export function logLineTimeMs(line: string): number | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? Date.parse(m[1]! + 'Z') : null;
}
