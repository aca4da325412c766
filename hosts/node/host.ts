/**
 * `NodeHost`: the unchanged protocol nodes (`protocol/server` QuorumPeers built by
 * `protocol/server/ensemble.ts`'s factory, and optionally in-process `ZooKeeperClient`s) on real
 * Node I/O, in one process:
 *
 * - one serial input queue per node: one `step` at a time, inputs in arrival order;
 * - real timers (`setTimeout`); a node's monotonic clock (`now`) is `performance.timeOrigin +
 *   performance.now()` (ms, aligned with the epoch at process start), its wall clock `Date.now()`;
 * - connections (`conns.ts`, the contract's `ConnId` rules, as the simulator's kernel keeps them):
 *   between servers as frames on per-pair sockets (`peer-net.ts`; a socket that dies resets every
 *   connection of that peer process), between in-process clients and servers through the host on
 *   the next turn of the event loop, and real clients' through the gateway;
 * - the disk on real files with fsync (`store.ts`), completions in issue order; an I/O error is
 *   logged (one line) and handed to the node as the completion's status (the node decides, as
 *   ZooKeeper 3.8 does: give up its role, or exit); a `halt` effect ends that server as a process
 *   exit would (one line with the exit code; buffered records written out; no restart);
 * - client connections through the gateway (`wire/gateway.ts` `ServerPort`): each real client
 *   socket is one connection to the server's `client` port;
 * - the trace in the simulator's format (`trace-sink.ts`).
 *
 * Faults: `kill` (crash: un-fsynced records lost, sockets reset), `stop` (graceful: issued disk ops
 * finish, sockets closed with FIN), `restart` (a new process from the files), `partition` / `heal`
 * (segments between servers in different groups are dropped when sent or when they arrive, which
 * breaks their connection, as the simulator does; sockets stay up; clients are never cut).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DiskOp, DurableState, Effect, Input, Message, NodeId, Port, ProtocolNode, ServerStatus, WatchedEvent } from '../../protocol/contract.ts';
import { DISK_OK, EMPTY_DURABLE } from '../../protocol/contract.ts';
import type { QuorumConfig } from '../../protocol/config.ts';
import { quorumConfig } from '../../protocol/config.ts';
import type { ClientConfig } from '../../protocol/client/client.ts';
import type { BackendFactory } from '../../protocol/server/backend.ts';
import { dataBackend, TreeState } from '../../protocol/server/dataBackend.ts';
import { QuorumPeer } from '../../protocol/server/peer.ts';
import { ensembleFactory, serverNodes } from '../../protocol/server/ensemble.ts';
import type { TraceRecord } from '../../trace/records.ts';
import { ConnTable, type HostConn, type Seg } from './conns.ts';
import { PeerEndpoint, type AddressBook, type PeerFrame } from './peer-net.ts';
import { FileStore } from './store.ts';
import { headerRecord, type TraceSink } from './trace-sink.ts';
import { listenClients, type ServerPort } from './wire/gateway.ts';

/** The gateway's entry point (`wire/gateway.ts` `listenClients`): serves client connections of one server. */
export type ListenClients = typeof listenClients;

export interface NodeHostOptions {
  /** Voting servers s1..sN. */
  readonly servers: number;
  /** Observers s(N+1)... */
  readonly observers?: number;
  /** In-process protocol clients c1..cK (tests). */
  readonly clients?: number;
  readonly client?: Partial<ClientConfig>;
  /** zoo.cfg knobs (protocol/config.ts). */
  readonly cfg?: Partial<QuorumConfig>;
  readonly backend?: BackendFactory;
  /** One sub-directory per server (`s1/`, ...). */
  readonly dataDir: string;
  /** Bind address of every socket (default 127.0.0.1). */
  readonly bind?: string;
  /** Client port of server i is basePort + i; 0 or absent: any free port (kept across restarts). */
  readonly basePort?: number;
  readonly trace?: TraceSink;
  /** Seed of the nodes' own randomness (client back-off and host shuffle, the snapshot roll, the
   *  3.8 step latencies): process seeds are `<seed>/<id>/<incarnation>`, as in the simulator.
   *  Default: random, written in the trace's header. It does not make a real run repeatable. */
  readonly seed?: string;
  /** One line per host problem (an I/O error, a node that threw); default stderr. */
  readonly log?: (line: string) => void;
  /** A server's process exited on its own (a `halt` effect: 3.8 calls System.exit), after its files
   *  are closed. `npm run serve` ends with that code when its one standalone server halts. */
  readonly onHalt?: (id: NodeId, code: number, reason: string) => void;
  /** The client gateway (default `wire/gateway.ts`; tests plug in their own). */
  readonly listenClients?: ListenClients;
}

type Rec = Record<string, unknown> & { readonly ev: string };

interface Queued {
  readonly input: Input;
  readonly rec?: Rec;
}

class Slot {
  proc: ProtocolNode | null = null;
  inc = 0;
  queue: Queued[] = [];
  running = false;
  readonly timers = new Map<string, NodeJS.Timeout>();
  store: FileStore | null = null;
  peer: PeerEndpoint | null = null;
  gateway: { port: number; close(): Promise<void> } | null = null;
  clientPort = 0;
  /** Ports the current process listens on. */
  readonly listening = new Set<Port>();
  readonly replies = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  /** Resolves when the last process's files are released (after a kill or stop). */
  released: Promise<void> = Promise.resolve();
  constructor(
    readonly id: NodeId,
    readonly server: boolean,
  ) {}
}

export class NodeDownError extends Error {}

export class NodeHost {
  readonly cfg: QuorumConfig;
  readonly serverIds: readonly NodeId[];
  readonly clientIds: readonly NodeId[];
  readonly bind: string;
  private readonly slots = new Map<NodeId, Slot>();
  private readonly factory: (id: NodeId, seed: string) => ProtocolNode;
  readonly seed: string;
  private readonly book: AddressBook = new Map();
  private readonly t0 = performance.now();
  private m = 0;
  private rid = 0;
  private groups: Map<NodeId, number> | null = null;
  private closed = false;
  private readonly log: (line: string) => void;
  private readonly onHalt: ((id: NodeId, code: number, reason: string) => void) | undefined;
  private readonly notifyListeners: ((node: NodeId, event: WatchedEvent) => void)[] = [];
  private readonly conns: ConnTable;

  private constructor(private readonly opts: NodeHostOptions) {
    const participants = Array.from({ length: opts.servers }, (_, i) => i + 1);
    const observers = Array.from({ length: opts.observers ?? 0 }, (_, i) => opts.servers + i + 1);
    this.cfg = quorumConfig(participants, { observers, ...opts.cfg });
    this.serverIds = serverNodes(this.cfg);
    this.clientIds = Array.from({ length: opts.clients ?? 0 }, (_, i) => `c${i + 1}`);
    this.bind = opts.bind ?? '127.0.0.1';
    this.seed = opts.seed ?? randomBytes(8).toString('hex');
    this.conns = new ConnTable({
      incOf: (node) => {
        const s = this.slots.get(node);
        return s !== undefined && s.proc !== null ? s.inc : null;
      },
      listening: (node, port) => this.slots.get(node)?.listening.has(port) === true,
      deliver: (node, inc, input, rec) => {
        const s = this.slots.get(node);
        if (s !== undefined) this.enqueue(s, input, rec, inc);
      },
      carry: (c, fromEnd, seg, msg, m) => this.carry(c, fromEnd, seg, msg, m),
      rec: (node, r) => this.rec(node, r),
    });
    this.log = opts.log ?? ((line) => process.stderr.write(line + '\n'));
    this.onHalt = opts.onHalt;
    this.factory = ensembleFactory({
      cfg: this.cfg,
      backend: opts.backend ?? dataBackend(),
      ...(opts.client === undefined ? {} : { client: opts.client }),
    });
    for (const a of this.cfg.servers) {
      const id = a.node;
      const s = new Slot(id, true);
      const myid = a.myid;
      s.clientPort = opts.basePort ? opts.basePort + myid : 0;
      this.slots.set(id, s);
    }
    for (const id of this.clientIds) this.slots.set(id, new Slot(id, false));
  }

  /** Boots every node (servers first); resolves when every socket listens. */
  static async start(opts: NodeHostOptions): Promise<NodeHost> {
    const h = new NodeHost(opts);
    h.opts.trace?.write(headerRecord([...h.serverIds, ...h.clientIds], h.seed, h.cfg.servers));
    try {
      for (const s of h.slots.values()) await h.boot(s);
    } catch (e) {
      await h.close();
      throw e;
    }
    return h;
  }

  // ------------------------------------------------------------------ reading

  /** The node's monotonic clock (the contract's `now`): whole ms (ZooKeeper's times are longs),
   *  aligned with the epoch at process start. The wall clock (`wall`) is `Date.now()`. */
  clock(): number {
    return Math.floor(performance.timeOrigin + performance.now());
  }

  isUp(id: NodeId): boolean {
    return this.slot(id).proc !== null;
  }

  /** The client port of a server (its current one; kept across restarts). */
  clientPort(id: NodeId): number {
    return this.slot(id).clientPort;
  }

  /** The server's `status()`, or null while it is down. */
  status(id: NodeId): ServerStatus | null {
    const p = this.slot(id).proc;
    return p?.status?.() ?? null;
  }

  /** The live process object of a node (tests: read-only use). */
  proc(id: NodeId): ProtocolNode | null {
    return this.slot(id).proc;
  }

  /** The one live server that leads with its leadership established (null if none or several). */
  leader(): NodeId | null {
    const l = this.serverIds.filter((id) => {
      const st = this.status(id);
      return st !== null && st.role === 'LEADING' && st.serving;
    });
    return l.length === 1 ? l[0]! : null;
  }

  /** One established leader, and every live server serving. */
  settled(): boolean {
    if (this.leader() === null) return false;
    return this.serverIds.every((id) => {
      const st = this.status(id);
      return st === null || st.serving;
    });
  }

  /** Polls `pred` every 10 ms until it holds (true) or `timeoutMs` passes (false). */
  async waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (!pred()) {
      if (performance.now() > end || this.closed) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  // ------------------------------------------------------------------ requests

  /** A `request` input to a node; resolves with its `reply`. Rejects if the node is down or dies. */
  request(id: NodeId, op: unknown): Promise<unknown> {
    const s = this.slot(id);
    const rid = ++this.rid;
    if (s.proc === null) {
      this.rec(id, { ev: 'drop', from: 'app', m: rid, type: 'request', reason: 'down' });
      return Promise.reject(new NodeDownError(`${id} is down`));
    }
    return new Promise((resolve, reject) => {
      s.replies.set(rid, { resolve, reject });
      this.enqueue(s, { kind: 'request', id: rid, op }, { ev: 'request', id: rid, op });
    });
  }

  /** Hears the in-process clients' `notify` effects (watch events, connection-state changes: the
   *  application's Watcher), in the order each client emits them; returns an unsubscribe. */
  onNotify(fn: (node: NodeId, event: WatchedEvent) => void): () => void {
    this.notifyListeners.push(fn);
    return () => {
      const i = this.notifyListeners.indexOf(fn);
      if (i >= 0) this.notifyListeners.splice(i, 1);
    };
  }

  // ------------------------------------------------------------------ faults

  /** Crash: the process dies now; records appended but not fsynced are lost; sockets are reset. */
  async kill(id: NodeId): Promise<void> {
    const s = this.slot(id);
    if (s.proc === null) return s.released;
    const store = s.store;
    const lost = store?.dropBuffered() ?? 0;
    this.rec(id, { ev: 'crash', lost, kept: 0 });
    this.down(s);
    s.peer?.destroy();
    s.peer = null;
    const gw = s.gateway;
    s.gateway = null;
    s.released = Promise.all([store?.crash(), gw?.close()]).then(() => undefined);
    this.resetEnds(s);
    return s.released;
  }

  /** An I/O error for tests: the server's next `op` fails with `error` (`FileStore.failNext`). */
  failDisk(id: NodeId, op: Exclude<DiskOp, { op: 'append' }>['op'], error = 'EIO'): void {
    const s = this.slot(id);
    if (s.store === null) throw new Error(`failDisk: ${id} has no disk`);
    s.store.failNext(op, error);
  }

  /** Graceful stop: no more steps; disk ops already issued complete (durable); sockets closed. */
  async stop(id: NodeId): Promise<void> {
    return this.exit(this.slot(id));
  }

  /** The process exits (a stop, or a `halt` with its code): see `stop`. */
  private exit(s: Slot, halt?: { readonly code: number; readonly reason: string }): Promise<void> {
    const id = s.id;
    if (s.proc === null) return s.released;
    // Every appended record survives a stop (the host writes them out): un-fsynced ones are `kept`.
    const h = halt === undefined ? {} : { halt: halt.code, reason: halt.reason };
    this.rec(id, { ev: 'crash', lost: 0, kept: s.store?.unsynced ?? 0, graceful: true, ...h });
    this.down(s);
    const store = s.store;
    const peer = s.peer;
    const gw = s.gateway;
    s.peer = null;
    s.gateway = null;
    s.released = (async () => {
      await store?.close();
      await peer?.close();
      await gw?.close();
    })();
    this.resetEnds(s);
    return s.released;
  }

  /** A new process for a node that is down, from what its files hold. */
  async restart(id: NodeId): Promise<void> {
    const s = this.slot(id);
    if (s.proc !== null) throw new Error(`restart ${id}: it is running (kill or stop it first)`);
    await s.released;
    await this.boot(s);
  }

  /** Splits the servers into groups (servers not listed form one more group). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const g = new Map<NodeId, number>();
    groups.forEach((grp, i) => grp.forEach((id) => g.set(this.slot(id).id, i)));
    for (const id of this.serverIds) if (!g.has(id)) g.set(id, groups.length);
    this.groups = g;
    this.rec('*', { ev: 'fault', fault: 'partition', groups: groups.map((x) => [...x]) });
  }

  heal(): void {
    this.groups = null;
    this.rec('*', { ev: 'fault', fault: 'heal' });
  }

  /** Stops every node gracefully and closes the trace. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const id of this.slots.keys()) await this.stop(id);
    for (const s of this.slots.values()) await s.released;
    this.closed = true;
    this.opts.trace?.close();
  }

  // ------------------------------------------------------------------ internals

  private slot(id: NodeId): Slot {
    const s = this.slots.get(id);
    if (s === undefined) throw new Error(`no node ${id} (nodes: ${[...this.slots.keys()].join(', ')})`);
    return s;
  }

  private now(): number {
    return Math.round((performance.now() - this.t0) * 1000);
  }

  private rec(node: NodeId, r: Rec): void {
    this.opts.trace?.write({ t: this.now(), node, ...r } as unknown as TraceRecord);
  }

  private cut(a: NodeId, b: NodeId): boolean {
    const g = this.groups;
    if (g === null) return false;
    const ga = g.get(a);
    const gb = g.get(b);
    return ga !== undefined && gb !== undefined && ga !== gb;
  }

  private async boot(s: Slot): Promise<void> {
    s.inc++;
    s.queue = [];
    let durable: DurableState = EMPTY_DURABLE;
    if (s.server) {
      const store = new FileStore(join(this.opts.dataDir, s.id));
      const loaded = store.load();
      if (loaded.torn !== undefined) this.log(`${s.id}: txn log: dropped a torn last record (${loaded.tornBytes} bytes: ${loaded.torn})`);
      durable = loaded.durable;
      s.store = store;
      const inc = s.inc;
      const peer = new PeerEndpoint(s.id, inc, this.book, {
        frame: (from, f) => this.frameArrive(s, inc, from, f),
        lost: (peerId, peerInc) => {
          if (s.inc === inc && s.proc !== null) this.conns.resetPeer(s.id, inc, peerId, peerInc);
        },
        dropped: (to, f) => {
          const c = this.conns.get(f.conn);
          if (c !== undefined) this.conns.lostOnTheWay(c, c.ends[0].node === to ? 0 : 1, f.seg as Seg, f.msg ?? null, f.m ?? 0, 'down');
        },
      });
      s.peer = peer;
      await peer.listen(this.bind, 0);
      const gw = await (this.opts.listenClients ?? listenClients)(this.serverPort(s, inc), { host: this.bind, port: s.clientPort, standalone: this.cfg.standalone });
      s.gateway = gw;
      s.clientPort = gw.port;
    }
    const restart = durable.log.length + durable.snapshots.length + Object.keys(durable.meta).length > 0;
    s.proc = this.factory(s.id, `${this.seed}/${s.id}/${s.inc}`);
    if (restart) this.rec(s.id, { ev: 'restart', log: durable.log.length, snapshots: durable.snapshots.length, meta: Object.keys(durable.meta).length });
    else this.rec(s.id, { ev: 'boot' });
    this.enqueue(s, { kind: 'start', durable, restart });
  }

  /** Ends the process (no more steps, timers, replies). */
  private down(s: Slot): void {
    s.proc = null;
    s.queue = [];
    for (const t of s.timers.values()) clearTimeout(t);
    s.timers.clear();
    for (const r of s.replies.values()) r.reject(new NodeDownError(`${s.id} went down`));
    s.replies.clear();
    s.listening.clear();
  }

  /**
   * The process of `s` died: its connections' other ends are reset — by the death of the socket
   * when both are servers (`peer-net.ts` reports it: `resetPeer`), else (an in-process client, a
   * real client behind the gateway) by the host on the next turn.
   */
  private resetEnds(s: Slot): void {
    for (const c of this.conns.died(s.id, s.inc)) {
      const other = c.ends[0].node === s.id ? 1 : 0;
      const o = this.slots.get(c.ends[other].node);
      if (s.server && o !== undefined && o.server) continue;
      setImmediate(() => this.conns.arrive(c, other, 'rst', null, 0));
    }
  }

  private serverPort(s: Slot, inc: number): ServerPort {
    let last: ServerStatus | undefined;
    return {
      serverId: s.id,
      connect: (from, conn, onMsg, onClose) => {
        if (s.inc !== inc || s.proc === null) return onClose();
        this.conns.open(from, 0, conn, s.id, 'client', { onMsg, onClose });
      },
      deliver: (conn, msg) => {
        const c = this.conns.get(conn);
        if (c === undefined || c.gateway === null) return;
        this.conns.send(c.ends[0].node, 0, conn, msg, ++this.m);
      },
      disconnected: (conn) => {
        const c = this.conns.get(conn);
        if (c !== undefined && c.gateway !== null) this.conns.close(c.ends[0].node, 0, conn);
      },
      status: () => {
        const st = s.inc === inc ? s.proc?.status?.() : undefined;
        if (st !== undefined) return (last = st);
        // The process died (its gateway is closing): not serving, as a ZooKeeperServer that stopped.
        const myid = this.cfg.servers.find((a) => a.node === s.id)?.myid ?? NaN;
        const base: ServerStatus = last ?? {
          kind: 'server', myid, role: 'LOOKING', standalone: this.cfg.standalone === true, acceptedEpoch: 0, currentEpoch: 0, vote: null, leader: null,
          lastLoggedZxid: 0, lastProcessedZxid: 0, serving: false, outstandingProposals: 0, learnerPhase: null, sessions: [],
        };
        return { ...base, role: 'LOOKING', leader: null, serving: false, outstandingProposals: 0, learnerPhase: null };
      },
      nodeCount: () => {
        const sm = s.inc === inc && s.proc instanceof QuorumPeer ? s.proc.db.sm : undefined;
        return sm instanceof TreeState ? sm.tree.size : undefined;
      },
    };
  }

  /** A frame from server `from` reaches `s` (incarnation `inc` when its socket was read). */
  private frameArrive(s: Slot, inc: number, from: NodeId, f: PeerFrame): void {
    const c = this.conns.get(f.conn);
    if (c === undefined || s.inc !== inc) return; // a forgotten connection; a socket of a dead process
    const toEnd = c.ends[0].node === s.id ? 0 : 1;
    const msg = f.msg ?? null;
    const m = f.m ?? 0;
    if (this.cut(from, s.id)) return this.conns.lostOnTheWay(c, toEnd, f.seg as Seg, msg, m, 'cut');
    this.conns.arrive(c, toEnd, f.seg as Seg, msg, m);
  }

  /** Carries a segment of `c` from end `fromEnd` toward the other end (see `conns.ts`). */
  private carry(c: HostConn, fromEnd: number, seg: Seg, msg: Message | null, m: number): void {
    const toEnd = 1 - fromEnd;
    const from = c.ends[fromEnd].node;
    const to = c.ends[toEnd].node;
    if (c.gateway !== null) {
      // A real client's connection: at once, never cut (clients are never partitioned).
      if (toEnd === 1) return this.conns.arrive(c, 1, seg, msg, m);
      try {
        this.conns.arrive(c, 0, seg, msg, m);
      } catch (e) {
        // A gateway problem is that connection's, not the server's: the connection is reset.
        this.log(`zabsim host: ${from}: client ${to}: the gateway failed on ${msg?.type ?? seg}: ${(e as Error).message}`);
        c.ends[0].open = false;
        setImmediate(() => this.conns.arrive(c, 1, 'rst', null, 0));
      }
      return;
    }
    const src = this.slots.get(from);
    const dst = this.slots.get(to);
    if (dst === undefined) return this.conns.lostOnTheWay(c, toEnd, seg, msg, m, 'down');
    if (this.cut(from, to)) return this.conns.lostOnTheWay(c, toEnd, seg, msg, m, 'cut');
    if (src?.server === true && dst.server) {
      if (src.peer === null) return;
      const f: PeerFrame = { seg, conn: c.id, ...(seg === 'syn' ? { port: c.port } : {}), ...(msg === null ? {} : { m, msg }) };
      return src.peer.send(to, f);
    }
    // A client and a server in this process: handed over after the current step, in order.
    setImmediate(() => {
      if (this.cut(from, to)) return this.conns.lostOnTheWay(c, toEnd, seg, msg, m, 'cut');
      this.conns.arrive(c, toEnd, seg, msg, m);
    });
  }

  private enqueue(s: Slot, input: Input, rec?: Rec, inc = s.inc): void {
    if (s.proc === null || s.inc !== inc) return;
    s.queue.push(rec === undefined ? { input } : { input, rec });
    this.drain(s);
  }

  private drain(s: Slot): void {
    if (s.running) return;
    s.running = true;
    let current: Input | undefined;
    try {
      while (s.proc !== null && s.queue.length > 0) {
        const q = s.queue.shift()!;
        current = q.input;
        if (q.rec !== undefined) this.rec(s.id, q.rec);
        const effects = s.proc.step(q.input, this.clock(), Date.now());
        this.effects(s, effects);
      }
    } catch (e) {
      this.failStop(s, `step(${current?.kind ?? '?'}) threw: ${(e as Error).message}`);
    } finally {
      s.running = false;
    }
  }

  private failStop(s: Slot, why: string): void {
    if (s.proc === null) return;
    this.log(`zabsim host: ${s.id} stopped: ${why}`);
    void this.kill(s.id);
  }

  private effects(s: Slot, effects: readonly Effect[]): void {
    const inc = s.inc;
    for (const e of effects) {
      if (s.proc === null || s.inc !== inc) return;
      switch (e.kind) {
        case 'send':
          if (e.to !== undefined) throw new Error(`node ${s.id}: a connectionless send (to ${e.to}); ZooKeeper nodes send on connections`);
          this.conns.send(s.id, inc, e.conn, e.msg, ++this.m);
          break;
        case 'connect':
          this.conns.open(s.id, inc, e.conn, e.to, e.port);
          break;
        case 'close':
          this.conns.close(s.id, inc, e.conn);
          break;
        case 'listen':
        case 'unlisten':
          if (e.kind === 'listen') s.listening.add(e.port);
          else s.listening.delete(e.port);
          this.rec(s.id, { ev: e.kind, port: e.port });
          break;
        case 'setTimer': {
          const old = s.timers.get(e.timer);
          if (old !== undefined) clearTimeout(old);
          const name = e.timer;
          const h = setTimeout(() => {
            if (s.timers.get(name) !== h) return;
            s.timers.delete(name);
            this.enqueue(s, { kind: 'timer', timer: name }, { ev: 'timer', timer: name }, inc);
          }, Math.max(0, e.afterMs));
          s.timers.set(name, h);
          break;
        }
        case 'cancelTimer': {
          const h = s.timers.get(e.timer);
          if (h !== undefined) clearTimeout(h);
          s.timers.delete(e.timer);
          break;
        }
        case 'disk':
          this.disk(s, inc, e.id, e.op);
          break;
        case 'reply': {
          this.rec(s.id, { ev: 'reply', id: e.id, result: e.result });
          const r = s.replies.get(e.id);
          s.replies.delete(e.id);
          r?.resolve(e.result);
          break;
        }
        case 'trace':
          this.rec(s.id, { ev: 'trace', event: e.event, data: e.data });
          break;
        case 'notify': {
          const ev = e.event;
          this.rec(s.id, { ev: 'notify', type: ev.type, state: ev.state, path: ev.path, zxid: ev.zxid });
          for (const fn of this.notifyListeners.slice()) fn(s.id, ev);
          break;
        }
        case 'point':
          break;
        case 'halt':
          this.halt(s, e.code, e.reason);
          return;
      }
    }
  }

  private disk(s: Slot, inc: number, id: number, op: DiskOp): void {
    const store = s.store;
    if (store === null) return this.failStop(s, `disk ${op.op}: this node has no disk`);
    if (op.op === 'append') return store.append(op.records);
    void store.issue(op).then((st) => {
      if (s.inc !== inc || s.proc === null) return;
      if (st.ok) return this.enqueue(s, { kind: 'disk', id, op: op.op, status: DISK_OK }, { ev: 'disk', id, op: op.op }, inc);
      this.log(`zabsim host: ${s.id}: disk ${st.detail} (${store.dir})`);
      const status = { ok: false as const, error: st.error };
      this.enqueue(s, { kind: 'disk', id, op: op.op, status }, { ev: 'disk', id, op: op.op, error: st.error }, inc);
    });
  }

  /** A `halt` effect: the server's process exits with `code` (the page cache keeps every appended
   *  record, so buffered ones are written out, as `stop` does); it is not restarted. */
  private halt(s: Slot, code: number, reason: string): void {
    if (s.proc === null) return;
    this.log(`zabsim host: ${s.id} exits with code ${code}: ${reason}`);
    void this.exit(s, { code, reason }).then(() => this.onHalt?.(s.id, code, reason));
  }
}
