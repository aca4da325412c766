/**
 * Starts and stops a private, standalone, real ZooKeeper 3.8 server (Debian's `zookeeper` package)
 * on 127.0.0.1, a free port and a fresh temp dir, configured as `conformance/FORMAT.md`
 * says the goldens were recorded: tickTime 2000, extendedTypesEnabled (TTL nodes), every
 * four-letter word allowed, container manager every 500 ms with maxNeverUsedIntervalMs 0 (JVM
 * properties: ZooKeeper ignores them as zoo.cfg keys).
 *
 * Never touches a system ZooKeeper on 2181. The JVM runs under a tiny `sh` guard that kills it
 * when our stdin pipe closes, so the JVM dies with this Node process even on SIGKILL.
 *
 * Settings that do not change client-visible behaviour are tuned for a fast start and fast
 * writes: no AdminServer (it would also fight over port 8080), forceSync=no (no fsync per txn),
 * a small heap, C1 only, serial GC.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureArchive } from './cds.ts';
import { srvr, type SrvrInfo } from './fourlw.ts';
import { freePort, spawnGuardedJvm } from './jvm.ts';

export const DEFAULT_ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

export interface RealServerConfig {
  /** zoo.cfg tickTime (ms). Session timeouts are negotiated within [2, 20] x tickTime. */
  tickTime?: number;
  /** `user:base64(sha1(user:password))` for the `super` digest identity (a JVM property). */
  superDigest?: string;
  /** -Dznode.container.checkIntervalMs (default 500). */
  containerCheckIntervalMs?: number;
  /** Extra zoo.cfg lines (key -> value). */
  extraCfg?: Readonly<Record<string, string | number | boolean>>;
  /** Extra JVM arguments. */
  jvmArgs?: readonly string[];
  java?: string;
  zookeeperJar?: string;
  /** Extra class path entries, e.g. `/usr/share/java/slf4j-simple.jar` to get a server log. */
  extraClassPath?: readonly string[];
  /** Give up if the server does not answer `srvr` within this long (ms). */
  startTimeoutMs?: number;
  /** Keep the temp dir (config, data, server log) after stop, for debugging. */
  keepDir?: boolean;
  /** Use (and build once, if missing) a class-data-sharing archive for a cheaper start. Default true. */
  cds?: boolean;
}

/** Internal: stop with SIGTERM (a clean JVM exit) instead of SIGKILL. */
interface StartOptions extends RealServerConfig {
  graceful?: boolean;
}

export interface RealServer {
  readonly host: string;
  readonly port: number;
  /** `host:port` */
  readonly address: string;
  readonly dir: string;
  /** Wall time from spawning the JVM to the first good `srvr` answer (ms). */
  readonly startMs: number;
  /** CPU time the JVM used to get there (ms; 0 if unknown). */
  readonly startCpuMs: number;
  /** What `srvr` answered when the server came up. */
  readonly info: SrvrInfo;
  readonly tickTime: number;
  /** Kills the JVM and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Whether a real ZooKeeper can be started here; `reason` says what is missing. */
export function realZookeeperAvailable(cfg: Pick<RealServerConfig, 'java' | 'zookeeperJar'> = {}): {
  ok: boolean;
  reason?: string;
} {
  const jar = cfg.zookeeperJar ?? process.env.ZABSIM_ZOOKEEPER_JAR ?? DEFAULT_ZOOKEEPER_JAR;
  if (!fs.existsSync(jar)) {
    return { ok: false, reason: `no ZooKeeper jar at ${jar} (install the Debian package: scripts/install-system-deps.sh)` };
  }
  const java = cfg.java ?? process.env.ZABSIM_JAVA ?? 'java';
  const found =
    java.includes('/')
      ? fs.existsSync(java)
      : (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, java)));
  if (!found) return { ok: false, reason: `no '${java}' on PATH (ZooKeeper needs a JVM)` };
  return { ok: true };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** JVM flags that shorten start-up for a tiny, short-lived server. */
export const FAST_JVM_ARGS: readonly string[] = [
  '-Xms16m',
  '-Xmx192m',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Xss512k',
];

function zooCfg(dataDir: string, port: number, tickTime: number, extra: RealServerConfig['extraCfg']): string {
  const lines: Record<string, string | number | boolean> = {
    tickTime,
    dataDir,
    clientPort: port,
    clientPortAddress: '127.0.0.1',
    extendedTypesEnabled: true,
    '4lw.commands.whitelist': '*',
    'admin.enableServer': false,
    forceSync: 'no',
    preAllocSize: 1024,
    ...extra,
  };
  return Object.entries(lines)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';
}

export async function startRealServer(cfg: RealServerConfig = {}): Promise<RealServer> {
  const avail = realZookeeperAvailable(cfg);
  if (!avail.ok) throw new Error(avail.reason);
  if (cfg.cds !== false) {
    const args = await cdsJvmArgs(cfg);
    if (args.length) cfg = { ...cfg, jvmArgs: [...args, ...(cfg.jvmArgs ?? [])] };
  }
  return startWithRetries(cfg);
}

/**
 * The JVM arguments that map the class-data-sharing archive for this JVM and class path (the jar
 * plus `extraClassPath`), building the archive first from one standalone start if it is missing.
 * Empty when no archive can be had.
 */
export async function cdsJvmArgs(cfg: Pick<RealServerConfig, 'java' | 'zookeeperJar' | 'extraClassPath' | 'jvmArgs'> = {}): Promise<string[]> {
  const java = cfg.java ?? process.env['ZABSIM_JAVA'] ?? 'java';
  const jar = cfg.zookeeperJar ?? process.env['ZABSIM_ZOOKEEPER_JAR'] ?? DEFAULT_ZOOKEEPER_JAR;
  const archive = await ensureArchive(java, [jar, ...(cfg.extraClassPath ?? [])], async (jvmArgs) => {
    const s = await startWithRetries({ ...cfg, cds: false, graceful: true, jvmArgs: [...(cfg.jvmArgs ?? []), ...jvmArgs] });
    await s.stop();
  });
  return archive ? [`-XX:SharedArchiveFile=${archive}`] : [];
}

async function startWithRetries(cfg: StartOptions): Promise<RealServer> {
  let lastErr: unknown;
  // A port picked as free can be taken before the JVM binds it: retry with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(cfg, await freePort());
    } catch (e) {
      lastErr = e;
    }
  }
  throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
}

async function startOnce(cfg: StartOptions, port: number): Promise<RealServer> {
  const tickTime = cfg.tickTime ?? 2000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zabsim-zk-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dir, 'zoo.cfg'), zooCfg(dataDir, port, tickTime, cfg.extraCfg));
  const jar = cfg.zookeeperJar ?? process.env.ZABSIM_ZOOKEEPER_JAR ?? DEFAULT_ZOOKEEPER_JAR;
  const java = cfg.java ?? process.env.ZABSIM_JAVA ?? 'java';
  const props = [
    `-Dznode.container.checkIntervalMs=${cfg.containerCheckIntervalMs ?? 500}`,
    '-Dznode.container.maxNeverUsedIntervalMs=0',
    '-Dzookeeper.admin.enableServer=false',
    ...(cfg.superDigest ? [`-Dzookeeper.DigestAuthenticationProvider.superDigest=${cfg.superDigest}`] : []),
  ];
  // Debian's jar carries its dependencies in its manifest Class-Path, so the jar is enough. (Debian
  // also puts CONFDIR on the class path, for log4j's config only; a directory there would stop
  // the JVM from using a class-data-sharing archive.)
  const args = [
    ...FAST_JVM_ARGS,
    ...props,
    ...(cfg.jvmArgs ?? []),
    '-cp',
    [jar, ...(cfg.extraClassPath ?? [])].join(':'),
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    path.join(dir, 'zoo.cfg'),
  ];
  const t0 = Date.now();
  const jvm = spawnGuardedJvm({ args, java, logFile: path.join(dir, 'server.log'), stopSignal: cfg.graceful ? 'TERM' : 'KILL' });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await jvm.stop();
    if (!cfg.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = t0 + (cfg.startTimeoutMs ?? 30_000);
  let info: SrvrInfo | undefined;
  while (!info) {
    if (jvm.exited()) {
      const log = readTail(path.join(dir, 'server.log'));
      await stop();
      throw new Error(`real ZooKeeper exited during start-up (port ${port})${log ? `: ${log}` : ''}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`real ZooKeeper did not answer srvr on 127.0.0.1:${port} within ${cfg.startTimeoutMs ?? 30_000} ms`);
    }
    try {
      // Short timeout: a half-started server can accept a connection and never answer it.
      info = await srvr('127.0.0.1', port, 400);
    } catch {
      await sleep(25);
    }
  }
  const startMs = Date.now() - t0;
  const startCpuMs = cpuMs(jvm.pid());
  return {
    startCpuMs,
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    dir,
    startMs,
    info,
    tickTime,
    stop,
  };
}

/** utime + stime of a process from /proc (Linux), in ms. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: 100 Hz on Linux
  } catch {
    return 0;
  }
}

function readTail(file: string): string {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    return t.slice(-600).replace(/\s+/g, ' ');
  } catch {
    return '';
  }
}

/** Starts a server, hands it to `fn`, and always stops it. */
export async function withRealServer<T>(cfg: RealServerConfig, fn: (s: RealServer) => Promise<T>): Promise<T> {
  const s = await startRealServer(cfg);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}
