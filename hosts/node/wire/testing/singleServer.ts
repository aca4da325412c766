/**
 * A minimal host for the gateway's tests (until the Node host lands): one protocol server — a
 * standalone server (`cfg.standalone`, as a real standalone 3.8), or one member of an in-memory
 * ensemble (`memoryEnsemble.ts`) — driven by real timers and an in-memory disk whose operations
 * complete at once, with the client port of `gateway.ts`.
 *
 * Inputs are queued and stepped one at a time (a message the gateway sends while the node's
 * effects are being carried out waits for the next turn), so the node is never re-entered.
 */
import { DISK_OK, EMPTY_DURABLE, type Effect, type Input, type Message, type NodeId, type ServerStatus } from '../../../../protocol/contract.ts';
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

export class SingleServer implements ServerPort {
  readonly serverId: NodeId;
  readonly node: QuorumPeer;
  /** Where messages to other servers go (an in-memory ensemble sets it; alone, there are none). */
  peerSend: (to: NodeId, from: NodeId, msg: Message) => void = () => {};
  readonly trace: { event: string; data: unknown }[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subs = new Map<NodeId, (msg: Message) => void>();
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

  /** A message from another server of the ensemble. */
  fromPeer(from: NodeId, msg: Message): void {
    this.input({ kind: 'message', from, msg });
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

  deliver(from: NodeId, msg: Message): void {
    this.input({ kind: 'message', from, msg });
  }
  disconnected(from: NodeId): void {
    this.input({ kind: 'peerDown', peer: from });
  }
  subscribe(from: NodeId, onMsg: (msg: Message) => void): void {
    this.subs.set(from, onMsg);
  }
  unsubscribe(from: NodeId): void {
    this.subs.delete(from);
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
      case 'send': {
        if (e.to === undefined) throw new Error('singleServer: connections are not carried yet');
        const sub = this.subs.get(e.to);
        if (sub !== undefined) sub(e.msg);
        else if (/^s\d+$/.test(e.to)) this.peerSend(e.to, this.serverId, e.msg);
        return;
      }
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
