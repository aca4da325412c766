/**
 * Kernel-internal per-node and per-event records. Not part of the public API.
 */
import type { Message, NodeFactory, NodeId, Port, ProtocolNode } from '../protocol/contract.ts';
import type { Conn } from './connections.ts';
import { LocalClock } from './clock.ts';
import { Disk, type DiskConfig } from './disk.ts';
import type { Link } from './network.ts';

/** One queued event. A single class with a fixed shape keeps the hot path monomorphic. */
export class Ev {
  constructor(
    /** One of the EV_* kinds in simulation.ts. */
    public kind: number,
    /** The node it happens at (null for scheduled actions). */
    public target: NodeSlot | null,
    /** The target's incarnation when scheduled; -1 = whatever incarnation is current. */
    public inc: number,
    /** Sender (messages, segments). For a segment (`EV_SEG`), `inc` is the receiving end
     *  (0 opener, 1 acceptor), `name` the segment kind and `payload` the `Conn`. */
    public from: NodeSlot | null,
    public msg: Message | null,
    /** Message number, timer token, disk op id or request id. */
    public num: number,
    /** Timer name. */
    public name: string,
    /** Request op, pending disk op or scheduled action. */
    public payload: unknown,
  ) {}
}

export class NodeSlot {
  proc: ProtocolNode | null = null;
  up = false;
  paused = false;
  booted = false;
  /** Bumped at every crash: events addressed to an older incarnation are stale. */
  inc = 0;
  /** Pending timers: name → token of the live arming. */
  readonly timers = new Map<string, number>();
  /** Events that arrived while paused, in arrival order. */
  deferred: Ev[] = [];
  readonly clock = new LocalClock();
  readonly disk: Disk;
  /** Outgoing links by destination slot index (created lazily). */
  readonly out: (Link | undefined)[] = [];
  /** Connections with an open end in the current process (insertion order: reset in that order). */
  readonly conns = new Set<Conn>();
  /** Ports the current process listens on. */
  readonly listening = new Set<Port>();
  /** The node id's name number in the trace (`Trace.intern`): the kernel emits records by numbers. */
  tname = -1;

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly factory: NodeFactory,
    disk: DiskConfig,
  ) {
    this.disk = new Disk(disk);
  }
}
