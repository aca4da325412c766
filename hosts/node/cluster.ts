/**
 * The embedded test cluster: a real ZooKeeper ensemble (the project's protocol nodes on the Node
 * host) inside the test process, on 127.0.0.1, with faults — like Curator's TestingCluster, without
 * Java. See `README.md` for an example test.
 *
 * ```ts
 * const zk = await startCluster({ servers: 3 });
 * zk.connectString;                     // '127.0.0.1:41001,127.0.0.1:41002,127.0.0.1:41003'
 * await zk.kill(zk.leader()!);          // crash: un-fsynced writes lost, sockets reset
 * await zk.restart(id); await zk.stop(id); zk.partition([[1, 2], [3]]); zk.heal();
 * await zk.close();
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeId, ServerStatus } from '../../protocol/contract.ts';
import type { QuorumConfig } from '../../protocol/config.ts';
import { dataBackend } from '../../protocol/server/dataBackend.ts';
import { NodeHost, type ListenClients } from './host.ts';
import { JsonlSink, type TraceSink } from './trace-sink.ts';

/** The zoo.cfg knobs `npm run serve -- --config` and the conformance runner take. */
export interface ServerKnobs {
  readonly tickTime?: number;
  readonly containerCheckIntervalMs?: number;
  /** `user:base64(sha1(user:password))`, the `super` digest identity. */
  readonly superDigest?: string;
}

export interface ClusterOptions {
  /** Voting servers (myid 1..N). */
  readonly servers: number;
  readonly observers?: number;
  /** A standalone server (ZooKeeperServerMain: no election, no Zab, 4lw `Mode: standalone`) instead
   *  of a quorum. Default: true for 1 server and no observers (what ZooKeeper runs for a config
   *  without server lines); false makes that server a one-voter quorum (QuorumPeer). */
  readonly standalone?: boolean;
  /** Where the servers' files go (one folder per server); default a fresh temp dir, removed by `close`. */
  readonly dataDir?: string;
  readonly config?: ServerKnobs;
  /** Any other protocol knob (`protocol/config.ts`). */
  readonly quorum?: Partial<QuorumConfig>;
  /** Client port of server i = basePort + i; default any free ports. */
  readonly basePort?: number;
  /** Bind address (default 127.0.0.1). */
  readonly bind?: string;
  /** Write the trace (the simulator's JSONL format) to this file, or to a sink. */
  readonly trace?: string | TraceSink;
  /** In-process protocol clients c1..cK (`zk.host.request('c1', op)`). */
  readonly clients?: number;
  /** Wait for a leader and every server serving (default true; at most `readyTimeoutMs`, 20 s). */
  readonly waitReady?: boolean;
  readonly readyTimeoutMs?: number;
  /** Host problems (I/O errors); default stderr. */
  readonly log?: (line: string) => void;
  /** A server exited on its own (a `halt`: see `NodeHostOptions.onHalt`). */
  readonly onHalt?: (id: NodeId, code: number, reason: string) => void;
  /** The client gateway (default `wire/gateway.ts`). */
  readonly listenClients?: ListenClients;
}

/** A server by myid (3) or node id ('s3'). */
export type ServerRef = number | NodeId;

export interface Cluster {
  /** `host:port,...` of every server, in myid order: what ZooKeeper clients take. */
  readonly connectString: string;
  /** myids, participants then observers. */
  readonly servers: readonly number[];
  readonly dataDir: string;
  /** The host underneath (status, in-process clients, waitFor). */
  readonly host: NodeHost;
  /** Client port of a server. */
  clientPort(id: ServerRef): number;
  /** myid of the one established leader, or null (none, or an election in progress). */
  leader(): number | null;
  status(id: ServerRef): ServerStatus | null;
  /** Resolves when one leader is established and every live server serves (rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  kill(id: ServerRef): Promise<void>;
  restart(id: ServerRef): Promise<void>;
  stop(id: ServerRef): Promise<void>;
  /** The server's next disk `op` fails with `error` (default EIO): what it does is 3.8's (give up
   *  its role, or exit: a `halt` ends that server, which `restart` brings back). */
  failDisk(id: ServerRef, op: 'fsync' | 'writeMeta' | 'snapshot' | 'truncate' | 'purge', error?: string): void;
  partition(groups: readonly (readonly ServerRef[])[]): void;
  heal(): void;
  close(): Promise<void>;
}

function nodeOf(id: ServerRef): NodeId {
  if (typeof id === 'number') return `s${id}`;
  return id;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(o.servers) || o.servers < 1) throw new Error(`startCluster: servers must be a positive whole number, not ${o.servers}`);
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'zabsim-cluster-'));
  const k = o.config ?? {};
  const trace = typeof o.trace === 'string' ? new JsonlSink(o.trace) : o.trace;
  const standalone = o.standalone ?? (o.servers === 1 && (o.observers ?? 0) === 0);
  if (standalone && (o.servers !== 1 || (o.observers ?? 0) !== 0)) throw new Error('startCluster: a standalone server is 1 server and no observers');
  const host = await NodeHost.start({
    servers: o.servers,
    ...(o.observers === undefined ? {} : { observers: o.observers }),
    ...(o.clients === undefined ? {} : { clients: o.clients }),
    dataDir,
    cfg: {
      ...(k.tickTime === undefined ? {} : { tickTimeMs: k.tickTime }),
      ...(k.containerCheckIntervalMs === undefined ? {} : { containerCheckIntervalMs: k.containerCheckIntervalMs }),
      standalone,
      ...o.quorum,
    },
    backend: dataBackend(k.superDigest === undefined ? {} : { superDigest: k.superDigest }),
    ...(o.basePort === undefined ? {} : { basePort: o.basePort }),
    ...(o.bind === undefined ? {} : { bind: o.bind }),
    ...(trace === undefined ? {} : { trace }),
    ...(o.log === undefined ? {} : { log: o.log }),
    ...(o.onHalt === undefined ? {} : { onHalt: o.onHalt }),
    ...(o.listenClients === undefined ? {} : { listenClients: o.listenClients }),
  });
  const servers = host.serverIds.map((id) => Number(id.slice(1)));
  const ready = async (timeoutMs = o.readyTimeoutMs ?? 20_000): Promise<void> => {
    if (!(await host.waitFor(() => host.settled(), timeoutMs))) {
      const st = host.serverIds.map((id) => `${id} ${host.status(id)?.role ?? 'down'}`).join(', ');
      throw new Error(`cluster not ready after ${timeoutMs} ms (${st})`);
    }
  };
  const zk: Cluster = {
    connectString: host.serverIds.map((id) => `${host.bind}:${host.clientPort(id)}`).join(','),
    servers,
    dataDir,
    host,
    clientPort: (id) => host.clientPort(nodeOf(id)),
    leader: () => {
      const l = host.leader();
      return l === null ? null : Number(l.slice(1));
    },
    status: (id) => host.status(nodeOf(id)),
    ready,
    kill: (id) => host.kill(nodeOf(id)),
    restart: (id) => host.restart(nodeOf(id)),
    stop: (id) => host.stop(nodeOf(id)),
    failDisk: (id, op, error) => host.failDisk(nodeOf(id), op, error),
    partition: (groups) => host.partition(groups.map((g) => g.map(nodeOf))),
    heal: () => host.heal(),
    close: async () => {
      await host.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (o.waitReady !== false) {
    try {
      await ready();
    } catch (e) {
      await zk.close();
      throw e;
    }
  }
  return zk;
}
