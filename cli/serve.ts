/**
 * `npm run serve -- --servers N [--observers M] [--base-port P] [--data-dir D] [--bind HOST]
 *                   [--config tickTime=..,containerCheckIntervalMs=..,superDigest=..] [--trace FILE]
 *                   [--quorum] [--control]`
 *
 * Starts a real ensemble of the project's ZooKeeper servers on the Node host (`hosts/node/`): client
 * port P+i for server i (default P 2180: server 1 on ZooKeeper's 2181), bound to 127.0.0.1 unless
 * `--bind` says otherwise. Prints one line per server (its id, client address and role) and a
 * `ready CONNECTSTRING` line once one leader is established and every server serves; afterwards a
 * line per role change. SIGINT/SIGTERM stop it cleanly (issued disk writes complete, sockets close)
 * with exit 0. `--servers 1` is a standalone server (ZooKeeperServerMain: no election, no Zab, the
 * four-letter words say `Mode: standalone`; its line says `role=STANDALONE`); with `--quorum` it is
 * a one-voter quorum instead (a QuorumPeer that elects itself). Without `--data-dir` the files go
 * to a fresh temporary folder removed at exit.
 *
 * `--control` reads fault commands from stdin, one a line: `kill ID`, `stop ID`, `restart ID`
 * (ID a myid, `s3`, or `leader`), `fail-disk ID OP` (the server's next OP — fsync, writeMeta,
 * snapshot, truncate, purge — fails with EIO; the server then does what 3.8 does: gives up its role,
 * or exits); each done prints `killed s2` / `stopped s2` / `restarted s2` / `armed fail-disk s2 fsync`, a
 * bad one prints one `serve: control: ...` line on stderr and is ignored. (Off by default: a
 * background job reading the terminal would be stopped by the shell.)
 *
 * Exit: 0 stopped by a signal; the server's own exit code when a standalone server exits (a
 * `halt`: 3.8's ZooKeeperServerMain exits, e.g. 10 when a snapshot fails); 1 it could not start (a port in use, not ready in time); 2 bad usage
 * (one line on stderr).
 */
import { parseKnobs, type Knobs } from '../conformance/knobs.ts';
import { startCluster, type Cluster } from '../hosts/node/cluster.ts';
import type { NodeId } from '../protocol/contract.ts';
import { createInterface } from 'node:readline';
import { UsageError, ensureDir, optionValue } from './args.ts';

const USAGE =
  'usage: npm run serve -- --servers N [--observers M] [--base-port P] [--data-dir D] [--bind HOST] [--config tickTime=MS,containerCheckIntervalMs=MS,superDigest=D] [--trace FILE] [--quorum] [--control]';

export interface ServeArgs {
  servers: number;
  observers: number;
  basePort: number;
  dataDir?: string;
  bind: string;
  knobs: Knobs;
  trace?: string;
  readyTimeoutMs: number;
  /** `--servers 1` as a one-voter quorum instead of a standalone server. */
  quorum: boolean;
  /** Read fault commands from stdin. */
  control: boolean;
}

function count(argv: readonly string[], i: number, min: number, max: number): number {
  const v = optionValue(argv, i);
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${argv[i]} must be a whole number in [${min}, ${max}], not "${v}"`);
  return Number(v);
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  let servers: number | undefined;
  const a: Omit<ServeArgs, 'servers'> = { observers: 0, basePort: 2180, bind: '127.0.0.1', knobs: {}, readyTimeoutMs: 30_000, quorum: false, control: false };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    if (f === '--servers') servers = count(argv, i++, 1, 255);
    else if (f === '--observers') a.observers = count(argv, i++, 0, 254);
    else if (f === '--base-port') a.basePort = count(argv, i++, 1, 65_000);
    else if (f === '--data-dir') a.dataDir = optionValue(argv, i++);
    else if (f === '--bind') a.bind = optionValue(argv, i++);
    else if (f === '--trace') a.trace = optionValue(argv, i++);
    else if (f === '--ready-timeout-ms') a.readyTimeoutMs = count(argv, i++, 1, 3_600_000);
    else if (f === '--quorum') a.quorum = true;
    else if (f === '--control') a.control = true;
    else if (f === '--config') {
      const problem = parseKnobs(optionValue(argv, i++), a.knobs);
      if (problem !== undefined) throw new UsageError(problem);
    } else if (f === '--help' || f === '-h') throw new UsageError(USAGE);
    else if (f.startsWith('-')) throw new UsageError(`unknown option ${f}`);
    else throw new UsageError(`unexpected argument "${f}"`);
  }
  if (servers === undefined) throw new UsageError('--servers N is required');
  if (servers + a.observers > 255) throw new UsageError('at most 255 servers and observers in all');
  if (a.basePort + servers + a.observers > 65_535) throw new UsageError(`--base-port ${a.basePort} leaves no room for ${servers + a.observers} client ports`);
  return { servers, ...a };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.dataDir !== undefined) ensureDir(args.dataDir, '--data-dir');
  const problems: string[] = [];
  // Set once the stop machinery exists: a standalone server that halts ends the process with its code.
  let halted: ((id: NodeId, code: number) => void) | null = null;
  let zk: Cluster;
  try {
    zk = await startCluster({
      servers: args.servers,
      observers: args.observers,
      basePort: args.basePort,
      bind: args.bind,
      config: args.knobs,
      standalone: isStandalone(args),
      ...(args.dataDir === undefined ? {} : { dataDir: args.dataDir }),
      ...(args.trace === undefined ? {} : { trace: args.trace }),
      waitReady: false,
      onHalt: (id, code) => halted?.(id, code),
      log: (line) => {
        problems.push(line);
        console.error(`serve: ${line}`);
      },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      console.error(`serve: cannot listen on ${err.address ?? args.bind}:${err.port ?? '?'}: ${err.code}`);
    } else console.error(`serve: ${err.message}`);
    return 1;
  }
  let stopping = false;
  const standalone = isStandalone(args);
  const role = (id: number): string => {
    const st = zk.status(id);
    return st === null ? 'DOWN' : st.standalone && st.role === 'LEADING' ? 'STANDALONE' : st.role;
  };
  const line = (id: number): string => `s${id} myid=${id} client=${args.bind}:${zk.clientPort(id)} role=${role(id)}`;
  const stop = async (why: string, code: number): Promise<number> => {
    if (stopping) return code;
    stopping = true;
    clearInterval(watch);
    await zk.close();
    console.log(`stopped (${why})`);
    return code;
  };
  const last = new Map<number, string>();
  const watch = setInterval(() => {
    if (!ready) return;
    for (const id of zk.servers) {
      const r = role(id);
      if (last.get(id) !== r) {
        last.set(id, r);
        console.log(line(id));
      }
    }
  }, 50);
  let ready = false;
  const done = new Promise<number>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop(sig, 0).then(resolve));
    // ZooKeeperServerMain is the process: when its server exits (a failed snapshot: code 10), so does
    // serve. A halted server of an ensemble only goes DOWN, as one JVM of a real ensemble would.
    if (standalone) halted = (id, code) => void stop(`${id} exited with code ${code}`, code).then(resolve);
  });
  try {
    await zk.ready(args.readyTimeoutMs);
  } catch (e) {
    console.error(`serve: ${(e as Error).message}`);
    return stop('not ready', 1);
  }
  for (const id of zk.servers) {
    last.set(id, role(id));
    console.log(line(id));
  }
  console.log(`ready ${zk.connectString}${args.dataDir === undefined ? '' : ` data=${args.dataDir}`}`);
  ready = true;
  if (args.control) readControl(zk, () => stopping);
  return done;
}

/** A single server without `--quorum` is standalone, as ZooKeeper runs a config without server lines. */
function isStandalone(args: ServeArgs): boolean {
  return args.servers === 1 && args.observers === 0 && !args.quorum;
}

/** Disk ops `fail-disk` can fail (the next one of that kind, on that server). */
const DISK_OPS = ['fsync', 'writeMeta', 'snapshot', 'truncate', 'purge'] as const;

/** `--control`: fault commands on stdin (see the top of this file). */
function readControl(zk: Cluster, stopping: () => boolean): void {
  const lines = createInterface({ input: process.stdin });
  const done = { kill: 'killed', stop: 'stopped', restart: 'restarted' } as const;
  const usage = 'kill|stop|restart ID|leader, fail-disk ID|leader fsync|writeMeta|snapshot|truncate|purge';
  lines.on('line', (line) => {
    const words = line.trim().split(/\s+/);
    if (words[0] === '' || stopping()) return;
    const [cmd, ref] = words;
    const fail = (why: string): void => console.error(`serve: control: ${why}`);
    if (cmd !== 'kill' && cmd !== 'stop' && cmd !== 'restart' && cmd !== 'fail-disk') return fail(`unknown command "${line.trim()}" (${usage})`);
    const id = ref === 'leader' ? zk.leader() : /^s?\d+$/.test(ref ?? '') ? Number(ref!.replace(/^s/, '')) : undefined;
    const arity = cmd === 'fail-disk' ? 3 : 2;
    if (id === undefined || words.length !== arity) return fail(`${cmd} needs one server: a myid, sN or leader${cmd === 'fail-disk' ? ', then a disk op' : ''}`);
    if (id === null) return fail(`${cmd} leader: there is no established leader`);
    if (!zk.servers.includes(id)) return fail(`${cmd} ${ref}: no server ${id}`);
    if (cmd === 'fail-disk') {
      const op = DISK_OPS.find((o) => o === words[2]);
      if (op === undefined) return fail(`fail-disk: unknown disk op "${words[2]}" (${DISK_OPS.join('|')})`);
      try {
        zk.failDisk(id, op);
      } catch (e) {
        return fail(`fail-disk s${id}: ${(e as Error).message}`);
      }
      return console.log(`armed fail-disk s${id} ${op}`);
    }
    zk[cmd](id).then(
      () => console.log(`${done[cmd]} s${id}`),
      (e: Error) => fail(`${cmd} s${id}: ${e.message}`),
    );
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError && e.message === USAGE) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error(`serve: ${(e as Error)?.message ?? String(e)}${e instanceof UsageError && !/^usage/.test(e.message) ? ' (--help for usage)' : ''}`);
    process.exit(2);
  },
);
