/**
 * A trivial protocol node for kernel demos, tests and benches — NOT ZooKeeper. It exercises every
 * part of the contract: on each `tick` timer it pings the next peer (round robin) and appends a log
 * record; every few ticks it fsyncs; it answers pings with pongs; it counts boots in a metadata file;
 * it answers `request`s; it traces state changes and peerDown notices.
 *
 * Requests: `{ cmd: 'stats' }` → its counters; `{ cmd: 'write', value }` → appends, fsyncs, and
 * replies `{ ok: true, index }` once the fsync completed (a durable write).
 */
import type { Effect, Input, NodeFactory, NodeId, ProtocolNode } from '../protocol/contract.ts';

export interface PingOptions {
  /** Local ms between ticks. */
  readonly periodMs?: number;
  /** fsync after this many ticks. */
  readonly fsyncEvery?: number;
}

export interface PingStats {
  readonly boots: number;
  readonly ticks: number;
  readonly pings: number;
  readonly pongs: number;
  readonly logLength: number;
  readonly peerDowns: number;
  readonly now: number;
}

class PingNode implements ProtocolNode {
  private boots = 0;
  private ticks = 0;
  private pings = 0;
  private pongs = 0;
  private peerDowns = 0;
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
  ) {}

  step(input: Input, now: number): Effect[] {
    this.lastNow = now;
    switch (input.kind) {
      case 'start': {
        this.boots = ((input.durable.meta['boots'] as number | undefined) ?? 0) + 1;
        this.logLength = input.durable.log.length;
        return [
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
          out.push({ kind: 'send', to, msg: { type: 'ping', n: this.ticks, at: now } });
        }
        out.push({ kind: 'disk', id: ++this.diskId, op: { op: 'append', records: [{ from: this.id, tick: this.ticks }] } });
        this.logLength++;
        if (this.ticks % this.fsyncEvery === 0) out.push({ kind: 'disk', id: ++this.diskId, op: { op: 'fsync' } });
        return out;
      }
      case 'message': {
        if (input.msg.type === 'ping') {
          this.pings++;
          return [{ kind: 'send', to: input.from, msg: { type: 'pong', n: input.msg['n'] } }];
        }
        if (input.msg.type === 'pong') this.pongs++;
        return [];
      }
      case 'peerDown':
        this.peerDowns++;
        return [{ kind: 'trace', event: 'ping.peerDown', data: { peer: input.peer } }];
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
      peerDowns: this.peerDowns,
      now: this.lastNow,
    };
  }
}

/** A factory for ping nodes that ping each other (every node in `nodes` pings the others). */
export function pingNodes(nodes: readonly NodeId[], opts: PingOptions = {}): NodeFactory {
  const periodMs = opts.periodMs ?? 10;
  const fsyncEvery = opts.fsyncEvery ?? 3;
  return (id) => new PingNode(id, nodes.filter((n) => n !== id), periodMs, fsyncEvery);
}
