/**
 * A trivial protocol node for kernel demos, tests and benches — NOT ZooKeeper. It exercises every
 * part of the contract: on each `tick` timer it pings the next peer (round robin) and appends a log
 * record; every few ticks it fsyncs; it answers pings with pongs; it counts boots in a metadata file;
 * it answers `request`s; it traces state changes and lost connections. With `connections` it pings
 * on a connection of its own per peer (reopened at the next ping after it is lost) and answers on
 * the connection a ping came on; without, it sends connectionless messages (which the network may
 * duplicate and reorder).
 *
 * Requests: `{ cmd: 'stats' }` → its counters; `{ cmd: 'write', value }` → appends, fsyncs, and
 * replies `{ ok: true, index }` once the fsync completed (a durable write).
 */
import type { ConnId, Effect, Input, NodeFactory, NodeId, ProtocolNode } from '../protocol/contract.ts';

export interface PingOptions {
  /** Local ms between ticks. */
  readonly periodMs?: number;
  /** fsync after this many ticks. */
  readonly fsyncEvery?: number;
  /** Ping on connections (contract.ts `ConnId`) instead of connectionless messages. */
  readonly connections?: boolean;
}

export interface PingStats {
  readonly boots: number;
  readonly ticks: number;
  readonly pings: number;
  readonly pongs: number;
  readonly logLength: number;
  /** Connections it was told are closed or lost. */
  readonly lost: number;
  readonly now: number;
}

class PingNode implements ProtocolNode {
  private boots = 0;
  private ticks = 0;
  private pings = 0;
  private pongs = 0;
  private lost = 0;
  /** My open connection per peer (connections mode), and the peer of every connection I hold. */
  private readonly outConn = new Map<NodeId, ConnId>();
  private readonly peerOf = new Map<ConnId, NodeId>();
  private connCount = 0;
  private logLength = 0;
  private next = 0;
  private diskId = 0;
  /** Writes waiting for their fsync: disk op id → request id and log index. */
  private readonly waiting = new Map<number, { req: number; index: number }>();
  private lastNow = 0;

  constructor(
    readonly id: NodeId,
    private readonly peers: readonly NodeId[],
    private readonly periodMs: number,
    private readonly fsyncEvery: number,
    /** The process's seed (unique per incarnation): connection ids are built from it. */
    private readonly seed: string,
    private readonly connections: boolean,
  ) {}

  step(input: Input, now: number): Effect[] {
    this.lastNow = now;
    switch (input.kind) {
      case 'start': {
        this.boots = ((input.durable.meta['boots'] as number | undefined) ?? 0) + 1;
        this.logLength = input.durable.log.length;
        return [
          ...(this.connections ? [{ kind: 'listen', port: 'election' } as const] : []),
          { kind: 'disk', id: ++this.diskId, op: { op: 'writeMeta', key: 'boots', value: this.boots } },
          { kind: 'setTimer', timer: 'tick', afterMs: this.periodMs },
          { kind: 'trace', event: 'ping.up', data: { boots: this.boots, log: this.logLength } },
        ];
      }
      case 'timer': {
        this.ticks++;
        const out: Effect[] = [{ kind: 'setTimer', timer: 'tick', afterMs: this.periodMs }];
        if (this.peers.length > 0) {
          const to = this.peers[this.next++ % this.peers.length] as NodeId;
          const msg = { type: 'ping', n: this.ticks, at: now };
          if (!this.connections) out.push({ kind: 'send', to, msg });
          else {
            let conn = this.outConn.get(to);
            if (conn === undefined) {
              conn = `${this.seed}>${to}#${++this.connCount}`;
              this.outConn.set(to, conn);
              this.peerOf.set(conn, to);
              out.push({ kind: 'connect', conn, to, port: 'election' });
            }
            out.push({ kind: 'send', conn, msg });
          }
        }
        out.push({ kind: 'disk', id: ++this.diskId, op: { op: 'append', records: [{ from: this.id, tick: this.ticks }] } });
        this.logLength++;
        if (this.ticks % this.fsyncEvery === 0) out.push({ kind: 'disk', id: ++this.diskId, op: { op: 'fsync' } });
        return out;
      }
      case 'message': {
        if (input.msg.type === 'ping') {
          this.pings++;
          const msg = { type: 'pong', n: input.msg['n'] };
          return [input.conn === undefined ? { kind: 'send', to: input.from, msg } : { kind: 'send', conn: input.conn, msg }];
        }
        if (input.msg.type === 'pong') this.pongs++;
        return [];
      }
      case 'accepted':
        this.peerOf.set(input.conn, input.from);
        return [];
      case 'closed':
      case 'lost': {
        this.lost++;
        const peer = this.peerOf.get(input.conn) ?? '?';
        this.peerOf.delete(input.conn);
        if (this.outConn.get(peer) === input.conn) this.outConn.delete(peer);
        const reason = input.kind === 'closed' ? 'closed' : input.reason;
        return [{ kind: 'trace', event: 'ping.lost', data: { peer, reason } }];
      }
      case 'request': {
        const op = input.op as { cmd?: string; value?: unknown };
        if (op.cmd === 'write') {
          const fs = ++this.diskId;
          this.waiting.set(fs, { req: input.id, index: this.logLength });
          this.logLength++;
          return [
            { kind: 'disk', id: ++this.diskId, op: { op: 'append', records: [{ from: this.id, value: op.value }] } },
            { kind: 'disk', id: fs, op: { op: 'fsync' } },
          ];
        }
        return [{ kind: 'reply', id: input.id, result: this.stats() }];
      }
      case 'disk': {
        const w = this.waiting.get(input.id);
        if (w === undefined) return [];
        this.waiting.delete(input.id);
        return [{ kind: 'reply', id: w.req, result: { ok: true, index: w.index } }];
      }
      default:
        return []; // ping nodes use no connections
    }
  }

  stats(): PingStats {
    return {
      boots: this.boots,
      ticks: this.ticks,
      pings: this.pings,
      pongs: this.pongs,
      logLength: this.logLength,
      lost: this.lost,
      now: this.lastNow,
    };
  }
}

/** A factory for ping nodes that ping each other (every node in `nodes` pings the others). */
export function pingNodes(nodes: readonly NodeId[], opts: PingOptions = {}): NodeFactory {
  const periodMs = opts.periodMs ?? 10;
  const fsyncEvery = opts.fsyncEvery ?? 3;
  return (id, seed) => new PingNode(id, nodes.filter((n) => n !== id), periodMs, fsyncEvery, seed, opts.connections === true);
}
