/**
 * A minimal host for the gateway's tests (until the Node host lands): one protocol server — a
 * standalone server (`cfg.standalone`, as a real standalone 3.8), or one member of an in-memory
 * ensemble (`memoryEnsemble.ts`) — driven by real timers and an in-memory disk whose operations
 * complete at once, with the client port of `gateway.ts`.
 *
 * Inputs are queued and stepped one at a time (a message the gateway sends while the node's
 * effects are being carried out waits for the next turn), so the node is never re-entered.
 *
 * Connections (contract.ts `ConnId`) are simple pipes here, with no faults: a connect to another
 * server of the ensemble is accepted (or refused, when it does not listen on the port) on the next
 * turn of the event loop, messages and closes follow in order; a client connection from the
 * gateway is accepted at once. Nothing is ever lost, reset or broken.
 */
import { DISK_OK, EMPTY_DURABLE, type ConnId, type Effect, type Input, type Message, type NodeId, type Port, type ServerStatus } from '../../../../protocol/contract.ts';
import { quorumConfig, type QuorumConfig } from '../../../../protocol/config.ts';
import { newServer } from '../../../../protocol/server/ensemble.ts';
import { dataBackend, TreeState, type DataBackendOptions } from '../../../../protocol/server/dataBackend.ts';
import type { QuorumPeer } from '../../../../protocol/server/peer.ts';
import { listenClients, type ClientListener, type ListenOptions, type ServerPort } from '../gateway.ts';

export interface SingleServerOptions {
  readonly quorum?: Partial<QuorumConfig>;
  readonly backend?: DataBackendOptions;
  readonly listen?: Partial<ListenOptions>;
  /** Keep the trace effects (event name and data) in `trace`. */
  readonly keepTrace?: boolean;
  /** Put something between the gateway and the server (tests plant defects this way). */
  readonly wrap?: (port: ServerPort) => ServerPort;
}

/** The other end of a connection, as this server sees it. */
interface End {
  readonly from: NodeId;
  send(msg: Message): void;
  close(): void;
}

export class SingleServer implements ServerPort {
  readonly serverId: NodeId;
  readonly node: QuorumPeer;
  /** The other servers of the ensemble (an in-memory ensemble sets them; alone, there are none). */
  peers = new Map<NodeId, SingleServer>();
  readonly trace: { event: string; data: unknown }[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Connections with an open end here. */
  private readonly ends = new Map<ConnId, End>();
  private readonly listening = new Set<Port>();
  private readonly queue: Input[] = [];
  private stepping = false;
  private stopped = false;

  constructor(
    private readonly opts: SingleServerOptions = {},
    myid = 1,
    participants: readonly number[] = [1],
  ) {
    this.serverId = `s${myid}`;
    const cfg = quorumConfig(participants, { containerCheckIntervalMs: 500, extendedTypesEnabled: true, standalone: participants.length === 1, ...opts.quorum });
    this.node = newServer(this.serverId, { cfg, backend: dataBackend(opts.backend ?? {}) });
  }

  /** Server `from` connects to my `port` (next turn after its `connect`). */
  private onConnect(from: SingleServer, conn: ConnId, port: Port): void {
    if (this.stopped) return;
    if (!this.listening.has(port)) return void setImmediate(() => from.onGone(conn, 'refused'));
    this.ends.set(conn, {
      from: from.serverId,
      send: (msg) => setImmediate(() => from.onMessage(conn, msg)),
      close: () => setImmediate(() => from.onGone(conn, 'closed')),
    });
    this.input({ kind: 'accepted', conn, from: from.serverId, port });
  }

  private onMessage(conn: ConnId, msg: Message): void {
    const e = this.ends.get(conn);
    if (e !== undefined) this.input({ kind: 'message', conn, from: e.from, msg });
  }

  private onGone(conn: ConnId, how: 'closed' | 'refused'): void {
    if (!this.ends.delete(conn)) return;
    this.input(how === 'closed' ? { kind: 'closed', conn } : { kind: 'lost', conn, reason: 'refused' });
  }

  start(): void {
    this.input({ kind: 'start', durable: EMPTY_DURABLE, restart: false });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  // ------------------------------------------------------------------ ServerPort

  connect(from: NodeId, conn: ConnId, onMsg: (msg: Message) => void, onClose: () => void): void {
    if (this.stopped) return;
    this.ends.set(conn, { from, send: onMsg, close: onClose });
    this.input({ kind: 'accepted', conn, from, port: 'client' });
  }
  deliver(conn: ConnId, msg: Message): void {
    this.onMessage(conn, msg);
  }
  disconnected(conn: ConnId): void {
    this.onGone(conn, 'closed');
  }
  status(): ServerStatus {
    return this.node.status();
  }
  nodeCount(): number {
    return (this.node.db.sm as TreeState).tree.size;
  }

  // ------------------------------------------------------------------ the loop

  private input(i: Input): void {
    if (this.stopped) return;
    this.queue.push(i);
    if (this.stepping) return;
    this.stepping = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const next = this.queue.shift()!;
        for (const e of this.node.step(next, Math.floor(performance.timeOrigin + performance.now()), Date.now())) this.effect(e);
      }
    } finally {
      this.stepping = false;
    }
  }

  private effect(e: Effect): void {
    switch (e.kind) {
      case 'send':
        if (e.to === undefined) this.ends.get(e.conn)?.send(e.msg);
        return;
      case 'connect': {
        const target = this.peers.get(e.to);
        const end: End = target === undefined
          ? { from: e.to, send: () => undefined, close: () => undefined }
          : { from: e.to, send: (msg) => setImmediate(() => target.onMessage(e.conn, msg)), close: () => setImmediate(() => target.onGone(e.conn, 'closed')) };
        this.ends.set(e.conn, end);
        if (target !== undefined) setImmediate(() => target.onConnect(this, e.conn, e.port));
        else setImmediate(() => this.onGone(e.conn, 'refused'));
        return;
      }
      case 'close': {
        const end = this.ends.get(e.conn);
        this.ends.delete(e.conn);
        end?.close();
        return;
      }
      case 'listen':
        this.listening.add(e.port);
        return;
      case 'unlisten':
        this.listening.delete(e.port);
        return;
      case 'setTimer': {
        const old = this.timers.get(e.timer);
        if (old !== undefined) clearTimeout(old);
        const t = setTimeout(() => {
          this.timers.delete(e.timer);
          this.input({ kind: 'timer', timer: e.timer });
        }, e.afterMs);
        t.unref();
        this.timers.set(e.timer, t);
        return;
      }
      case 'cancelTimer': {
        const old = this.timers.get(e.timer);
        if (old !== undefined) clearTimeout(old);
        this.timers.delete(e.timer);
        return;
      }
      case 'disk':
        if (e.op.op !== 'append') this.queue.push({ kind: 'disk', id: e.id, op: e.op.op, status: DISK_OK });
        return;
      case 'trace':
        if (this.opts.keepTrace) this.trace.push({ event: e.event, data: e.data });
        return;
      default:
        return;
    }
  }
}

export interface StartedServer {
  readonly server: SingleServer;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  stop(): Promise<void>;
}

/** Starts the server, waits until it serves, and opens its client port on 127.0.0.1. */
export async function startSingleServer(opts: SingleServerOptions = {}): Promise<StartedServer> {
  const server = new SingleServer(opts);
  server.start();
  const deadline = Date.now() + 10_000;
  while (!server.status().serving) {
    if (Date.now() > deadline) throw new Error('single server: not serving after 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  const host = '127.0.0.1';
  const port = opts.wrap ? opts.wrap(server) : server;
  const listener: ClientListener = await listenClients(port, { host, port: 0, standalone: true, fourLetterWords: '*', ...opts.listen });
  return {
    server,
    host,
    port: listener.port,
    address: `${host}:${listener.port}`,
    async stop() {
      await listener.close();
      server.stop();
    },
  };
}
