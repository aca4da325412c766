/**
 * The simulation host: runs protocol nodes (through `protocol/contract.ts` only) on virtual time, a
 * simulated network and simulated disks, and records everything in the trace.
 *
 * Everything happens inside `run()`, one event at a time, in (time, insertion) order. Fault methods
 * (`crash`, `partition`, ...) act at the current virtual time; schedule them for later with `at()`
 * (or as data with `sim/faults.ts`). Randomness comes only from the named streams of the run seed:
 * `network` (latency, loss, duplication), `disk` (disk latency), `faults` (torn writes, random fault
 * schedules), `workload` (for scenarios and tests).
 */
import type { ConnId, DiskOp, DiskStatus, Effect, Input, Message, NodeFactory, NodeId, Port, WatchedEvent } from '../protocol/contract.ts';
import { ACCEPTOR, Conn, OPENER, SEG_DATA, SEG_FIN, SEG_REFUSE, SEG_RST, SEG_SYN, SEG_SYNACK } from './connections.ts';
import { COMPLETING_OPS, DEFAULT_DISK, type DiskConfig, type DiskFailure, type PendingDiskOp } from './disk.ts';
import type { Disk } from './disk.ts';
import { sampleLatency } from './latency.ts';
import { DEFAULT_LINK, Link, linkConfig, type LinkConfig } from './network.ts';
import { Ev, NodeSlot } from './node-slot.ts';
import { FaultPoints, type FaultPointConfig, type PointScript } from './faultpoints.ts';
import { Pct, type PctConfig } from './pct.ts';
import { EventQueue } from './queue.ts';
import { type Rng, RngStreams } from './rng.ts';
import type { Micros } from './time.ts';
import { Trace, type TraceOptions } from './trace.ts';
import { SCHEMA_VERSION } from '../trace/schema.ts';
import type { EventRecord, FaultData, RecordOf } from '../trace/records.ts';

type DropReason = RecordOf<'drop'>['reason'];

/** Event kinds (plain module-local numbers: a switch on small ints is the cheapest dispatch). */
const EV_BOOT = 0;
const EV_MSG = 1;
const EV_TIMER = 3;
const EV_DISK = 4;
/** A disk completion already applied to the disk, waiting for a paused node to see it. */
const EV_DISK_NOTIFY = 5;
const EV_REQUEST = 6;
const EV_ACTION = 7;
/** A segment of a connection (sim/connections.ts). */
const EV_SEG = 8;

export interface SimulationOptions {
  readonly seed: number | string;
  /** Nodes that exist from the start (booted at t = 0 in this order). */
  readonly nodes: readonly NodeId[];
  /** Creates each node's process at first boot and at every restart. */
  readonly factory: NodeFactory;
  /** Default link configuration (patched over DEFAULT_LINK). */
  readonly link?: Partial<LinkConfig>;
  /** Default disk configuration (patched over DEFAULT_DISK). */
  readonly disk?: Partial<DiskConfig>;
  readonly trace?: TraceOptions;
  /** Fault points that crash a node inside a step (sim/faultpoints.ts). Default: none fire. */
  readonly faultPoints?: FaultPointConfig;
  /** PCT-style delivery order (sim/pct.ts): random lane priorities with depth − 1 change points.
   *  Default: off (link latencies only, FIFO per link). */
  readonly pct?: PctConfig;
  /** The ensemble's address book, written in the trace header for its readers (which nodes are
   *  servers, their myids and roles); the kernel itself does not read it. */
  readonly servers?: HeaderServers;
}

type HeaderServers = NonNullable<RecordOf<'header'>['servers']>;

export type ReplyListener = (node: NodeId, id: number, result: unknown, sim: Simulation) => void;
/** Hears a client node's `notify` effects (its application's Watcher). */
export type NotifyListener = (node: NodeId, event: WatchedEvent, sim: Simulation) => void;

export interface RunLimits {
  /** Stop before the first event later than this virtual time (µs); time then reads `until`. */
  readonly until?: Micros;
  /** Stop after this many events. */
  readonly maxEvents?: number;
}

export interface SimStats {
  events: number;
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  timers: number;
  requests: number;
  replies: number;
}

export class Simulation {
  readonly trace: Trace;
  readonly rng: RngStreams;
  readonly stats: SimStats = {
    events: 0,
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    timers: 0,
    requests: 0,
    replies: 0,
  };
  private t: Micros = 0;
  private readonly queue = new EventQueue<Ev>(4096);
  private readonly slots: NodeSlot[] = [];
  private readonly byId = new Map<NodeId, NodeSlot>();
  private defaultLink: LinkConfig;
  private readonly diskConfig: DiskConfig;
  private readonly factory: NodeFactory;
  private readonly net: Rng;
  private readonly diskRng: Rng;
  private readonly faultRng: Rng;
  private readonly seed: string;
  private readonly replyListeners: ReplyListener[] = [];
  private readonly notifyListeners: NotifyListener[] = [];
  private msgSeq = 0;
  private timerSeq = 0;
  private reqSeq = 0;
  private stopped = false;
  /** PCT scheduling, or null (plain latencies). */
  private readonly pct: Pct | null;
  /** Null until a run asks for fault points: plain runs only skip `point` effects. */
  private points: FaultPoints | null = null;
  /** Every connection of the run by id (ids are unique for the whole run: contract.ts `ConnId`). */
  private readonly conns = new Map<ConnId, Conn>();
  /** Timer events still queued but cancelled, replaced or orphaned by a crash (lazy deletion). */
  private staleTimers = 0;

  constructor(opts: SimulationOptions) {
    this.rng = new RngStreams(opts.seed);
    this.seed = String(opts.seed);
    this.net = this.rng.stream('network');
    this.diskRng = this.rng.stream('disk');
    this.faultRng = this.rng.stream('faults');
    this.trace = new Trace(opts.trace);
    this.factory = opts.factory;
    this.defaultLink = linkConfig(DEFAULT_LINK, opts.link);
    this.diskConfig = opts.disk === undefined ? DEFAULT_DISK : Object.freeze({ ...DEFAULT_DISK, ...opts.disk });
    if (this.trace.enabled) {
      // The header: first record of every trace (trace/README.md).
      this.trace.emit({
        t: 0,
        node: '*',
        ev: 'header',
        schema: SCHEMA_VERSION,
        seed: opts.seed,
        nodes: [...opts.nodes],
        ...(opts.servers === undefined ? {} : { servers: opts.servers.map((s) => ({ myid: s.myid, node: s.node, role: s.role })) }),
      });
    }
    if (opts.faultPoints !== undefined) this.points = this.newPoints(opts.faultPoints);
    this.pct = opts.pct === undefined ? null : new Pct(opts.pct, this.rng.stream('pct'));
    for (const id of opts.nodes) this.addNode(id);
  }

  private newPoints(cfg: FaultPointConfig): FaultPoints {
    return new FaultPoints(cfg, () => this.rng.stream('points'));
  }

  /** Crash `script.node` at its `nth` passage of the fault point `script.point` (counted from
   *  now). */
  crashAtPoint(script: PointScript): void {
    this.slot(script.node);
    (this.points ??= this.newPoints({})).add(script);
  }

  /** Fault points BUGGIFY enabled in this run so far (name order). */
  enabledPoints(): string[] {
    return this.points?.enabledPoints() ?? [];
  }

  // ---------------------------------------------------------------- time and running

  /** Current global virtual time (µs). */
  get now(): Micros {
    return this.t;
  }

  /** Runs events until the queue is empty, a limit is reached, or `stop()` is called. Returns the count. */
  run(limits: RunLimits = {}): number {
    const until = limits.until ?? Infinity;
    const max = limits.maxEvents ?? Infinity;
    const q = this.queue;
    this.stopped = false;
    let n = 0;
    while (n < max && !this.stopped) {
      const at = q.peekTime();
      if (at > until || at === Infinity) break;
      const ev = q.pop() as Ev;
      this.t = at;
      n++;
      this.dispatch(ev);
    }
    this.stats.events += n;
    if (until !== Infinity && n < max && !this.stopped && this.t < until) this.t = until;
    return n;
  }

  /** Runs for `d` µs of virtual time from now. */
  runFor(d: Micros, maxEvents?: number): number {
    return this.run({ until: this.t + d, ...(maxEvents === undefined ? {} : { maxEvents }) });
  }

  /** Makes the current `run()` return after the event being processed. */
  stop(): void {
    this.stopped = true;
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Calls `fn(sim)` at virtual time `t` (µs; not before now). */
  at(t: Micros, fn: (sim: Simulation) => void): void {
    if (!Number.isFinite(t)) throw new Error(`at(): time must be a finite number of µs, got ${t}`);
    this.queue.push(t < this.t ? this.t : Math.round(t), new Ev(EV_ACTION, null, -1, null, null, 0, '', fn));
  }

  /** Calls `fn(sim)` after `d` µs. */
  after(d: Micros, fn: (sim: Simulation) => void): void {
    this.at(this.t + d, fn);
  }

  // ---------------------------------------------------------------- nodes and the application

  /** Adds a node (booted at the current time). `factory` defaults to the simulation's. */
  addNode(id: NodeId, factory?: NodeFactory): void {
    if (this.byId.has(id)) throw new Error(`node ${id} already exists`);
    const slot = new NodeSlot(id, this.slots.length, factory ?? this.factory, this.diskConfig);
    slot.tname = this.trace.intern(id);
    this.slots.push(slot);
    this.byId.set(id, slot);
    this.queue.push(this.t, new Ev(EV_BOOT, slot, -1, null, null, 0, '', null));
  }

  /** All node ids in the order they were added. */
  nodeIds(): NodeId[] {
    return this.slots.map((s) => s.id);
  }

  /** Is the node's process running? (False for a node not added yet.) */
  isUp(id: NodeId): boolean {
    return this.byId.get(id)?.up === true;
  }

  isPaused(id: NodeId): boolean {
    return this.slot(id).paused;
  }

  /** The node's monotonic clock reading in ms (the `now` that `step` would get now). */
  localNow(id: NodeId): number {
    return this.slot(id).clock.localUs(this.t) / 1000;
  }

  /** The node's wall clock reading in epoch ms (the `wall` that `step` would get now). */
  wallNow(id: NodeId): number {
    return this.slot(id).clock.wallMs(this.t);
  }

  /** The node's disk (for inspection in tests and checkers; do not mutate). */
  disk(id: NodeId): Disk {
    return this.slot(id).disk;
  }

  /** Sends `op` to node `id` as a `request` input at the current time; returns the request id. */
  request(id: NodeId, op: unknown): number {
    const slot = this.slot(id);
    const rid = ++this.reqSeq;
    this.queue.push(this.t, new Ev(EV_REQUEST, slot, -1, null, null, rid, '', op));
    return rid;
  }

  /** Registers a listener for `reply` effects; returns a function that unregisters it. */
  onReply(fn: ReplyListener): () => void {
    this.replyListeners.push(fn);
    return () => {
      const i = this.replyListeners.indexOf(fn);
      if (i >= 0) this.replyListeners.splice(i, 1);
    };
  }

  /** Registers a listener for `notify` effects (watch events and connection-state changes of
   *  client nodes: the application's Watcher); returns a function that unregisters it. Listeners
   *  run inside the step's effects, like reply listeners. */
  onNotify(fn: NotifyListener): () => void {
    this.notifyListeners.push(fn);
    return () => {
      const i = this.notifyListeners.indexOf(fn);
      if (i >= 0) this.notifyListeners.splice(i, 1);
    };
  }

  /** Adds a free-text note to the trace. */
  note(text: string): void {
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: '*', ev: 'note', text });
  }

  // ---------------------------------------------------------------- node faults

  /**
   * Kills the node's process: volatile state and timers are gone, un-fsynced log records are lost
   * (a random prefix of them may survive: torn write), in-flight disk ops are lost. The OS resets
   * its connections: each open peer end not cut off from it hears `lost {reset}` one link latency
   * later, after what was already sent on it.
   * Returns false (and does nothing) if the node is already down. `graceful`: a stop, not a crash
   * — the process exits but the machine does not, so every appended log record is kept.
   */
  crash(id: NodeId, opts: { readonly graceful?: boolean; readonly halt?: { readonly code: number; readonly reason: string } } = {}): boolean {
    const slot = this.slot(id);
    if (!slot.up) return false;
    const graceful = opts.graceful === true;
    const inc = slot.inc;
    slot.up = false;
    slot.paused = false;
    slot.proc = null;
    slot.inc++;
    this.staleTimers += slot.timers.size;
    slot.timers.clear();
    const outcome = slot.disk.crash(this.faultRng, graceful);
    if (this.trace.enabled) {
      const halt = opts.halt === undefined ? {} : { halt: opts.halt.code, reason: opts.halt.reason };
      this.trace.emit({ t: this.t, node: id, ev: 'crash', lost: outcome.lost, kept: outcome.kept, ...(graceful ? { graceful: true } : {}), ...halt });
    }
    // The OS resets the process's connections: each peer end hears it one link latency later,
    // after everything already sent on it (the reset travels behind it).
    slot.listening.clear();
    const ends = [...slot.conns];
    slot.conns.clear();
    for (const c of ends) {
      const end = c.ends[OPENER] === slot && c.incs[OPENER] === inc ? OPENER : ACCEPTOR;
      c.open[end] = false;
      this.segSend(c, end, SEG_RST, null, 0);
    }
    // What queued at a paused process dies with it (a segment finds no open end: a reset or a refusal).
    const deferred = slot.deferred;
    slot.deferred = [];
    for (const ev of deferred) {
      if (ev.kind === EV_MSG) this.drop(ev, 'down');
      else if (ev.kind === EV_REQUEST) this.dropRequest(slot, ev.num);
      else if (ev.kind === EV_SEG) this.segArrive(ev);
    }
    return true;
  }

  /** Starts a new process for a crashed node from its durable state. False if it is up. */
  restart(id: NodeId): boolean {
    const slot = this.slot(id);
    if (slot.up) return false;
    this.boot(slot, true);
    return true;
  }

  /** Freezes the process: no steps; messages, timers, disk completions queue until `resume`. */
  pause(id: NodeId): boolean {
    const slot = this.slot(id);
    if (!slot.up || slot.paused) return false;
    slot.paused = true;
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: id, ev: 'pause' });
    return true;
  }

  /** Thaws a paused process: everything that queued is handed over now, in arrival order. */
  resume(id: NodeId): boolean {
    const slot = this.slot(id);
    if (!slot.paused) return false;
    slot.paused = false;
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: id, ev: 'resume' });
    const deferred = slot.deferred;
    slot.deferred = [];
    for (const ev of deferred) this.queue.push(this.t, ev);
    return true;
  }

  /** Sets the node's clock drift (both its clocks): `rate` local µs per global µs (1.001 = 0.1%
   *  fast). */
  setClockRate(id: NodeId, rate: number): void {
    const slot = this.slot(id);
    slot.clock.setRate(this.t, rate);
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: id, ev: 'clock', rate, jumpMs: 0 });
  }

  /** Steps the node's wall clock by `ms` (may be negative), as an NTP step does; its monotonic
   *  clock and its timers do not move. */
  jumpClock(id: NodeId, ms: number): void {
    const slot = this.slot(id);
    slot.clock.jump(ms);
    if (this.trace.enabled) {
      this.trace.emit({ t: this.t, node: id, ev: 'clock', rate: slot.clock.rate, jumpMs: ms });
    }
  }

  /** Changes one node's disk latencies (a slow disk) or its I/O error probability (`errorP`). */
  setDisk(id: NodeId, patch: Partial<DiskConfig>): void {
    const disk = this.slot(id).disk;
    for (const [k, d] of Object.entries(patch)) {
      if (k === 'errorP') {
        if (!(typeof d === 'number' && d >= 0 && d <= 1)) throw new Error('disk errorP must be a number in [0, 1]');
        continue;
      }
      const l = d as { minUs: number; tailMeanUs: number; tailMaxUs: number };
      if (!(l.minUs >= 0 && l.tailMeanUs >= 0 && l.tailMaxUs >= 0)) throw new Error(`disk ${k} latency must be >= 0`);
    }
    disk.config = Object.freeze({ ...disk.config, ...patch });
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: id, ev: 'fault', fault: 'disk', ...patch });
  }

  /** Scripted I/O error: the `nth` (default 1: the next) `op` the node issues from now on fails
   *  with `error` (default EIO). Armed on the disk, so it survives a crash of the process. */
  failDisk(id: NodeId, f: { readonly op: DiskFailure['op']; readonly nth?: number; readonly error?: string }): void {
    if (!COMPLETING_OPS.includes(f.op)) throw new Error(`failDisk: op must be one of ${COMPLETING_OPS.join(', ')}`);
    const nth = f.nth ?? 1;
    if (!(Number.isInteger(nth) && nth >= 1)) throw new Error('failDisk: nth must be an integer >= 1');
    const error = f.error ?? 'EIO';
    if (!/^E[A-Z0-9]+$/.test(error)) throw new Error(`failDisk: error must be an errno name (EIO, ENOSPC, ...), not ${JSON.stringify(error)}`);
    this.slot(id).disk.failNext({ op: f.op, nth, error });
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: id, ev: 'fault', fault: 'failDisk', op: f.op, nth, error });
  }

  // ---------------------------------------------------------------- network faults

  /**
   * Splits the nodes into groups that cannot talk to each other (both directions). Nodes not listed
   * form one more group together. Replaces any earlier partition or cut.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const group = new Map<NodeSlot, number>();
    groups.forEach((g, gi) => {
      for (const id of g) group.set(this.slot(id), gi);
    });
    for (const a of this.slots) {
      for (const b of this.slots) {
        if (a === b) continue;
        const ga = group.get(a) ?? -1;
        const gb = group.get(b) ?? -1;
        this.link(a, b).cut = ga !== gb;
      }
    }
    this.fault({ fault: 'partition', groups: groups.map((g) => [...g]) });
  }

  /** Cuts one node off from every other node (both directions). */
  isolate(id: NodeId): void {
    const s = this.slot(id);
    for (const o of this.slots) {
      if (o === s) continue;
      this.link(s, o).cut = true;
      this.link(o, s).cut = true;
    }
    this.fault({ fault: 'isolate', target: id });
  }

  /** One-way cut: `from` can no longer reach `to` (the other direction is untouched). */
  cut(from: NodeId, to: NodeId): void {
    this.link(this.slot(from), this.slot(to)).cut = true;
    this.fault({ fault: 'cut', from, to });
  }

  /** Undoes a one-way cut. */
  uncut(from: NodeId, to: NodeId): void {
    this.link(this.slot(from), this.slot(to)).cut = false;
    this.fault({ fault: 'uncut', from, to });
  }

  /** Removes every partition and cut (clogs stay: they are released by `unclog`). */
  heal(): void {
    for (const a of this.slots) for (const l of a.out) if (l !== undefined) l.cut = false;
    this.fault({ fault: 'heal' });
  }

  /** Holds every message arriving on from → to until `unclog`. */
  clog(from: NodeId, to: NodeId): void {
    this.link(this.slot(from), this.slot(to)).clogged = true;
    this.fault({ fault: 'clog', from, to });
  }

  /** Releases a clogged link: held messages are delivered now, in order. */
  unclog(from: NodeId, to: NodeId): void {
    const link = this.link(this.slot(from), this.slot(to));
    link.clogged = false;
    this.fault({ fault: 'unclog', from, to, released: link.held.length });
    const held = link.held as Ev[];
    link.held = [];
    for (const ev of held) this.queue.push(this.t, ev);
  }

  /** Changes the link from → to (e.g. `{ loss: 0.1 }`, `{ reorder: true }`, `{ minUs: 5000 }`). */
  setLink(from: NodeId, to: NodeId, patch: Partial<LinkConfig>): void {
    const link = this.link(this.slot(from), this.slot(to));
    link.cfg = linkConfig(link.cfg ?? this.defaultLink, patch);
    this.fault({ fault: 'link', from, to, ...patch });
  }

  /** Changes the default for every link without its own configuration. */
  setDefaultLink(patch: Partial<LinkConfig>): void {
    this.defaultLink = linkConfig(this.defaultLink, patch);
    this.fault({ fault: 'link', from: '*', to: '*', ...patch });
  }

  // ---------------------------------------------------------------- internals

  private slot(id: NodeId): NodeSlot {
    const s = this.byId.get(id);
    if (s === undefined) throw new Error(`unknown node ${id}`);
    return s;
  }

  private link(from: NodeSlot, to: NodeSlot): Link {
    let l = from.out[to.index];
    if (l === undefined) {
      l = new Link();
      from.out[to.index] = l;
    }
    return l;
  }

  /** Arrival time of something sent now on `link` (FIFO unless the link reorders). */
  private arrival(link: Link): Micros {
    const cfg = link.cfg ?? this.defaultLink;
    let at = this.t + sampleLatency(cfg, this.net);
    if (!cfg.reorder && at < link.lastArrival) at = link.lastArrival;
    if (at > link.lastArrival) link.lastArrival = at;
    return at;
  }

  /** Arrival of a connectionless message: the link's (FIFO per link), or PCT's (FIFO per lane,
   *  priority delay). */
  private msgArrival(link: Link, from: NodeSlot, to: NodeSlot, msg: Message): Micros {
    if (this.pct === null) return this.arrival(link);
    const cfg = link.cfg ?? this.defaultLink;
    const at = this.pct.arrival(this.t, sampleLatency(cfg, this.net), this.pct.laneOf(from.id, to.id, msg), cfg.reorder);
    if (at > link.lastArrival) link.lastArrival = at;
    return at;
  }

  private fault(data: FaultData): void {
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: '*', ev: 'fault', ...data });
  }

  private boot(slot: NodeSlot, restart: boolean): void {
    const durable = slot.disk.durableState();
    // The process's own seed: run seed, node and incarnation (a restarted process draws anew).
    slot.proc = slot.factory(slot.id, `${this.seed}/${slot.id}/${slot.inc}`);
    slot.up = true;
    slot.paused = false;
    slot.booted = true;
    if (this.trace.enabled) {
      if (restart) {
        this.trace.emit({
          t: this.t,
          node: slot.id,
          ev: 'restart',
          log: durable.log.length,
          snapshots: durable.snapshots.length,
          meta: Object.keys(durable.meta).length,
        });
      } else {
        this.trace.emit({ t: this.t, node: slot.id, ev: 'boot' });
      }
    }
    this.stepNode(slot, { kind: 'start', durable, restart });
  }

  private dispatch(ev: Ev): void {
    switch (ev.kind) {
      case EV_MSG:
        this.deliver(ev);
        return;
      case EV_TIMER: {
        const slot = ev.target as NodeSlot;
        if (ev.inc !== slot.inc || slot.timers.get(ev.name) !== ev.num) {
          if (this.staleTimers > 0) this.staleTimers--; // a cancelled/replaced/orphaned arming
          return;
        }
        if (slot.paused) {
          slot.deferred.push(ev);
          return;
        }
        slot.timers.delete(ev.name);
        this.stats.timers++;
        if (this.trace.enabled) this.trace.timer(this.t, slot.tname, ev.name);
        this.stepNode(slot, { kind: 'timer', timer: ev.name });
        return;
      }
      case EV_DISK: {
        const slot = ev.target as NodeSlot;
        if (ev.inc !== slot.inc) return; // lost in a crash
        const p = ev.payload as PendingDiskOp;
        slot.disk.complete(p);
        if (this.trace.enabled) {
          if (p.error === null) this.trace.disk(this.t, slot.tname, p.id, p.op.op);
          else this.trace.emit({ t: this.t, node: slot.id, ev: 'disk', id: p.id, op: p.op.op, error: p.error });
        }
        if (slot.paused) {
          ev.kind = EV_DISK_NOTIFY;
          slot.deferred.push(ev);
          return;
        }
        this.stepNode(slot, { kind: 'disk', id: p.id, op: p.op.op, status: diskStatus(p) });
        return;
      }
      case EV_DISK_NOTIFY: {
        const slot = ev.target as NodeSlot;
        if (ev.inc !== slot.inc) return;
        const p = ev.payload as PendingDiskOp;
        this.stepNode(slot, { kind: 'disk', id: p.id, op: p.op.op, status: diskStatus(p) });
        return;
      }
      case EV_REQUEST: {
        const slot = ev.target as NodeSlot;
        if (!slot.up) {
          this.dropRequest(slot, ev.num);
          return;
        }
        if (slot.paused) {
          slot.deferred.push(ev);
          return;
        }
        this.stats.requests++;
        if (this.trace.enabled) this.trace.request(this.t, slot.tname, ev.num, ev.payload);
        this.stepNode(slot, { kind: 'request', id: ev.num, op: ev.payload });
        return;
      }
      case EV_BOOT: {
        const slot = ev.target as NodeSlot;
        if (!slot.booted) this.boot(slot, false);
        return;
      }
      case EV_ACTION:
        (ev.payload as (sim: Simulation) => void)(this);
        return;
      case EV_SEG:
        this.segArrive(ev);
        return;
    }
  }

  /** A connectionless message reaches its destination (or is dropped / held / deferred). */
  private deliver(ev: Ev): void {
    const to = ev.target as NodeSlot;
    const from = ev.from as NodeSlot;
    if (ev.inc !== to.inc || !to.up) {
      this.drop(ev, to.up ? 'stale' : 'down');
      return;
    }
    const link = from.out[to.index] as Link;
    if (link.cut) {
      this.drop(ev, 'cut');
      return;
    }
    if (link.clogged) {
      link.held.push(ev);
      if (this.trace.enabled) this.trace.hold(this.t, to.tname, from.tname, ev.num);
      return;
    }
    if (to.paused) {
      to.deferred.push(ev);
      return;
    }
    const msg = ev.msg as Message;
    this.stats.delivered++;
    if (this.trace.enabled) this.trace.recv(this.t, to.tname, from.tname, -1, ev.num, msg.type);
    this.stepNode(to, { kind: 'message', from: from.id, msg });
  }

  private drop(ev: Ev, reason: DropReason): void {
    this.stats.dropped++;
    if (this.trace.enabled) {
      const to = ev.target as NodeSlot;
      const from = ev.from as NodeSlot;
      const c = ev.kind === EV_SEG ? (ev.payload as Conn) : null;
      this.trace.drop(this.t, to.tname, from.tname, c === null ? -1 : this.trace.intern(c.id), ev.num, (ev.msg as Message).type, reason);
    }
  }

  /**
   * Cancelled timers stay in the heap until their time comes (cheap), but a node that re-arms a long
   * timer on every message would fill the heap with dead entries: once they are the majority, sweep
   * them out. Deterministic (it depends only on the event history) and invisible in the trace.
   */
  private timerWentStale(): void {
    if (++this.staleTimers < 4096 || this.staleTimers * 2 < this.queue.size) return;
    this.queue.retain(
      (ev) => ev.kind !== EV_TIMER || (ev.target as NodeSlot).inc === ev.inc && (ev.target as NodeSlot).timers.get(ev.name) === ev.num,
    );
    this.staleTimers = 0;
  }

  private dropRequest(slot: NodeSlot, id: number): void {
    this.stats.dropped++;
    if (this.trace.enabled) {
      this.trace.drop(this.t, slot.tname, this.trace.intern('app'), -1, id, 'request', 'down');
    }
  }

  private stepNode(slot: NodeSlot, input: Input): void {
    const proc = slot.proc;
    if (proc === null) return;
    let effects: Effect[];
    try {
      effects = proc.step(input, slot.clock.localUs(this.t) / 1000, slot.clock.wallMs(this.t));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`node ${slot.id} threw on ${input.kind} at t=${this.t}µs: ${why}`, { cause: e });
    }
    if (effects.length > 0) this.apply(slot, effects);
  }

  private apply(slot: NodeSlot, effects: readonly Effect[]): void {
    const inc = slot.inc;
    for (let i = 0; i < effects.length; i++) {
      // A reply listener may crash this node mid-batch; the rest of its effects then never happen.
      if (slot.inc !== inc) return;
      const e = effects[i] as Effect;
      switch (e.kind) {
        case 'send':
          if (e.to === undefined) this.connSend(slot, e.conn, e.msg);
          else this.send(slot, e.to, e.msg);
          break;
        case 'connect':
          this.connect(slot, e.conn, e.to, e.port);
          break;
        case 'close':
          this.close(slot, e.conn);
          break;
        case 'listen':
        case 'unlisten':
          if (e.kind === 'listen') slot.listening.add(e.port);
          else slot.listening.delete(e.port);
          if (this.trace.enabled) this.trace.emit({ t: this.t, node: slot.id, ev: e.kind, port: e.port });
          break;
        case 'setTimer': {
          const token = ++this.timerSeq;
          if (slot.timers.has(e.timer)) this.timerWentStale();
          slot.timers.set(e.timer, token);
          const at = this.t + slot.clock.globalDelay(e.afterMs);
          this.queue.push(at, new Ev(EV_TIMER, slot, inc, null, null, token, e.timer, null));
          break;
        }
        case 'cancelTimer':
          if (slot.timers.delete(e.timer)) this.timerWentStale();
          break;
        case 'disk':
          this.diskOp(slot, e.id, e.op);
          break;
        case 'reply':
          this.stats.replies++;
          if (this.trace.enabled) this.trace.reply(this.t, slot.tname, e.id, e.result);
          for (const fn of this.replyListeners.slice()) fn(slot.id, e.id, e.result, this);
          break;
        case 'notify': {
          const ev = e.event;
          if (this.trace.enabled) this.trace.emit({ t: this.t, node: slot.id, ev: 'notify', type: ev.type, state: ev.state, path: ev.path, zxid: ev.zxid });
          for (const fn of this.notifyListeners.slice()) fn(slot.id, ev, this);
          break;
        }
        case 'trace':
          if (this.trace.enabled) this.trace.trace(this.t, slot.tname, e.event, e.data ?? null);
          break;
        case 'point':
          if (this.points !== null) this.atPoint(slot, e.name);
          break;
        case 'halt':
          // The process exits: a stop, not a machine crash (the page cache keeps every appended
          // record). The effects after it never happen (the loop sees the new incarnation).
          this.crash(slot.id, { graceful: true, halt: { code: e.code, reason: e.reason } });
          break;
        default:
          throw new Error(`node ${slot.id} returned an unknown effect ${JSON.stringify(e)}`);
      }
    }
  }

  /** A node reached a fault point: maybe crash it right here (the caller then drops the rest). */
  private atPoint(slot: NodeSlot, name: string): void {
    const fire = (this.points as FaultPoints).pass(slot.id, name, this.t);
    if (fire === null) return;
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: slot.id, ev: 'point', point: name, action: 'crash' });
    this.crash(slot.id);
    fire.onFire?.();
    const after = fire.restartAfterMs;
    if (after === undefined) return;
    const inc = slot.inc;
    this.after(Math.max(0, Math.round(after * 1000)), () => {
      if (slot.inc === inc && !slot.up) this.restart(slot.id);
    });
  }

  private send(from: NodeSlot, toId: NodeId, msg: Message): void {
    const m = ++this.msgSeq;
    this.stats.sent++;
    const tracing = this.trace.enabled;
    const to = this.byId.get(toId);
    if (tracing) {
      if (to !== undefined) this.trace.send(this.t, from.tname, to.tname, -1, m, msg.type, msg);
      else this.trace.emit({ t: this.t, node: from.id, ev: 'send', to: toId, m, type: msg.type, msg });
    }
    if (to === undefined) {
      this.stats.dropped++;
      if (tracing) this.trace.emit({ t: this.t, node: toId, ev: 'drop', from: from.id, m, type: msg.type, reason: 'unknown' });
      return;
    }
    const link = this.link(from, to);
    const cfg = link.cfg ?? this.defaultLink;
    let reason: DropReason | null = null;
    if (link.cut) reason = 'cut';
    // A crashed node refuses at once; a node that has not booted yet (all boot at the same instant)
    // may be up by the time the message arrives, which the arrival check decides.
    else if (!to.up && to.booted) reason = 'down';
    else if (cfg.loss > 0 && this.net.chance(cfg.loss)) reason = 'loss';
    if (reason !== null) {
      this.stats.dropped++;
      if (tracing) this.trace.drop(this.t, to.tname, from.tname, -1, m, msg.type, reason);
      return;
    }
    this.queue.push(this.msgArrival(link, from, to, msg), new Ev(EV_MSG, to, to.inc, from, msg, m, '', null));
    if (cfg.dup > 0 && this.net.chance(cfg.dup)) {
      this.stats.duplicated++;
      if (tracing) this.trace.dup(this.t, from.tname, to.tname, m);
      this.queue.push(this.msgArrival(link, from, to, msg), new Ev(EV_MSG, to, to.inc, from, msg, m, '', null));
    }
  }

  // ---------------------------------------------------------------- connections (contract.ts ConnId)

  private connect(from: NodeSlot, id: ConnId, toId: NodeId, port: Port): void {
    const to = this.byId.get(toId);
    if (to === from) throw new Error(`node ${from.id} connects to itself (${id})`);
    if (this.conns.has(id)) throw new Error(`node ${from.id} reuses connection id ${id} (ids are unique for the whole run)`);
    const c = to === undefined ? new Conn(id, [from, from], from.inc, port, toId) : new Conn(id, [from, to], from.inc, port);
    this.conns.set(id, c);
    from.conns.add(c);
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: from.id, ev: 'connect', to: toId, conn: id, port });
    if (to === undefined) {
      // No such node (not added yet): refused at once.
      const inc = from.inc;
      this.after(0, () => {
        if (from.inc === inc && c.open[OPENER]) this.endLost(from, c, OPENER, 'refused');
      });
      return;
    }
    this.segSend(c, OPENER, SEG_SYN, null, 0);
  }

  /** The end of `id` that `slot`'s process holds open, or -1. */
  private openEnd(slot: NodeSlot, id: ConnId): { c: Conn | undefined; end: number } {
    const c = this.conns.get(id);
    if (c === undefined) return { c, end: -1 };
    const end = c.endOf(slot);
    return { c, end: end >= 0 && c.open[end] === true ? end : -1 };
  }

  private close(slot: NodeSlot, id: ConnId): void {
    const { c, end } = this.openEnd(slot, id);
    if (c === undefined || end < 0) return; // already closed or lost: a no-op
    c.open[end] = false;
    slot.conns.delete(c);
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: slot.id, ev: 'close', conn: id });
    this.segSend(c, end, SEG_FIN, null, 0);
  }

  private connSend(from: NodeSlot, id: ConnId, msg: Message): void {
    const m = ++this.msgSeq;
    this.stats.sent++;
    const { c, end } = this.openEnd(from, id);
    if (c === undefined) throw new Error(`node ${from.id} sends on unknown connection ${id}`);
    const to = c.ends[c.ends[OPENER] === from ? ACCEPTOR : OPENER] as NodeSlot;
    if (this.trace.enabled) {
      if (c.unknownTo === null) this.trace.send(this.t, from.tname, to.tname, this.trace.intern(id), m, msg.type, msg);
      else this.trace.emit({ t: this.t, node: from.id, ev: 'send', to: c.unknownTo, conn: id, m, type: msg.type, msg });
    }
    if (end < 0) {
      // Sending on an end already closed or lost: the host drops it (contract.ts).
      this.stats.dropped++;
      if (this.trace.enabled) this.trace.drop(this.t, to.tname, from.tname, this.trace.intern(id), m, msg.type, 'closed');
      return;
    }
    this.segSend(c, end, SEG_DATA, msg, m);
  }

  /**
   * Puts a segment from end `fromEnd` of `c` on the link toward the other end: dropped at once if
   * the link is cut (or, for data, lost at random), which breaks that direction; else it arrives one
   * link latency later, FIFO on the link (PCT: on the connection's own lane).
   */
  private segSend(c: Conn, fromEnd: number, kind: string, msg: Message | null, m: number): void {
    if (c.unknownTo !== null) {
      // A connection to a node that does not exist: nothing travels.
      if (kind === SEG_DATA) {
        this.stats.dropped++;
        if (this.trace.enabled) {
          this.trace.emit({ t: this.t, node: c.unknownTo, ev: 'drop', from: c.ends[OPENER].id, conn: c.id, m, type: (msg as Message).type, reason: 'unknown' });
        }
      }
      return;
    }
    const from = c.ends[fromEnd] as NodeSlot;
    const toEnd = 1 - fromEnd;
    const to = c.ends[toEnd] as NodeSlot;
    const link = this.link(from, to);
    const cfg = link.cfg ?? this.defaultLink;
    let reason: DropReason | null = null;
    if (link.cut) reason = 'cut';
    else if (kind === SEG_DATA && cfg.loss > 0 && this.net.chance(cfg.loss)) reason = 'loss';
    const ev = new Ev(EV_SEG, to, toEnd, from, msg, m, kind, c);
    if (reason !== null) {
      // A lost SYN, SYN-ACK or message breaks the direction; after a lost FIN, reset or refusal
      // nothing more comes from that end (the answer to its next message tells).
      if (kind === SEG_DATA || kind === SEG_SYN || kind === SEG_SYNACK) c.broken[toEnd] = true;
      if (kind === SEG_DATA) this.drop(ev, reason);
      return;
    }
    let at: Micros;
    if (this.pct === null) {
      // FIFO on the link; on a link that reorders, still FIFO within the connection (TCP).
      at = this.arrival(link);
      const last = c.last[toEnd] as number;
      if (at < last) at = last;
      c.last[toEnd] = at;
    } else {
      at = this.pct.arrival(this.t, sampleLatency(cfg, this.net), c.id, false);
      if (at > link.lastArrival) link.lastArrival = at;
    }
    this.queue.push(at, ev);
  }

  /** A segment reaches the other end (or is dropped, held, deferred, answered with a reset). */
  private segArrive(ev: Ev): void {
    const to = ev.target as NodeSlot;
    const from = ev.from as NodeSlot;
    const c = ev.payload as Conn;
    const end = ev.inc;
    const kind = ev.name;
    const isData = kind === SEG_DATA;
    const link = from.out[to.index] as Link;
    if (link.cut) {
      if (isData || kind === SEG_SYN || kind === SEG_SYNACK) c.broken[end] = true;
      if (isData) this.drop(ev, 'cut');
      return;
    }
    if (link.clogged) {
      link.held.push(ev);
      if (isData && this.trace.enabled) this.trace.hold(this.t, to.tname, from.tname, ev.num);
      return;
    }
    if (to.up && to.paused) {
      to.deferred.push(ev);
      return;
    }
    const tracing = this.trace.enabled;
    if (kind === SEG_SYN) {
      if (!to.up || !to.listening.has(c.port)) {
        // Nobody listens (or the node is down): refused.
        this.segSend(c, end, SEG_REFUSE, null, 0);
        return;
      }
      c.incs[ACCEPTOR] = to.inc;
      c.open[ACCEPTOR] = true;
      to.conns.add(c);
      this.segSend(c, ACCEPTOR, SEG_SYNACK, null, 0);
      if (tracing) this.trace.emit({ t: this.t, node: to.id, ev: 'accept', from: from.id, conn: c.id, port: c.port });
      this.stepNode(to, { kind: 'accepted', conn: c.id, from: from.id, port: c.port });
      return;
    }
    if (!c.isOpen(end)) {
      // No open end here (the process died or restarted, or closed it): a message is answered
      // with a reset. (A FIN or SYN-ACK needs none: the other end closed, or the crash's own
      // reset is on its way; a reset or refusal is never answered.)
      if (!isData) return;
      this.drop(ev, !to.up ? 'down' : c.incs[end] !== to.inc && c.incs[end] >= 0 ? 'stale' : 'closed');
      if (c.isOpen(1 - end)) this.segSend(c, end, SEG_RST, null, 0);
      return;
    }
    if (c.broken[end]) {
      // A segment of this direction was lost: TCP would retransmit; the kernel reports the
      // connection broken in its place, and resets the other end (sim/README.md, Shortcuts).
      if (isData) this.drop(ev, 'broken');
      this.endLost(to, c, end, 'broken');
      if (c.isOpen(1 - end)) this.segSend(c, end, SEG_RST, null, 0);
      return;
    }
    switch (kind) {
      case SEG_DATA: {
        const msg = ev.msg as Message;
        this.stats.delivered++;
        if (tracing) this.trace.recv(this.t, to.tname, from.tname, this.trace.intern(c.id), ev.num, msg.type);
        this.stepNode(to, { kind: 'message', conn: c.id, from: from.id, msg });
        return;
      }
      case SEG_SYNACK:
        if (tracing) this.trace.emit({ t: this.t, node: to.id, ev: 'connected', conn: c.id });
        this.stepNode(to, { kind: 'connected', conn: c.id });
        return;
      case SEG_FIN:
        c.open[end] = false;
        to.conns.delete(c);
        if (tracing) this.trace.emit({ t: this.t, node: to.id, ev: 'closed', conn: c.id });
        this.stepNode(to, { kind: 'closed', conn: c.id });
        return;
      case SEG_RST:
        this.endLost(to, c, end, 'reset');
        return;
      case SEG_REFUSE:
        this.endLost(to, c, end, 'refused');
        return;
    }
  }

  private endLost(slot: NodeSlot, c: Conn, end: number, reason: 'refused' | 'reset' | 'broken'): void {
    c.open[end] = false;
    slot.conns.delete(c);
    if (this.trace.enabled) this.trace.emit({ t: this.t, node: slot.id, ev: 'lost', conn: c.id, reason });
    this.stepNode(slot, { kind: 'lost', conn: c.id, reason });
  }

  private diskOp(slot: NodeSlot, id: number, op: DiskOp): void {
    if (op.op === 'append') {
      slot.disk.append(op.records);
      return;
    }
    if (op.op !== 'fsync' && op.op !== 'writeMeta' && op.op !== 'snapshot' && op.op !== 'truncate' && op.op !== 'purge') {
      throw new Error(`node ${slot.id} issued an unknown disk op ${JSON.stringify(op)}`);
    }
    const { pending, at } = slot.disk.issue(id, op, this.t, this.diskRng);
    this.queue.push(at, new Ev(EV_DISK, slot, slot.inc, null, null, id, '', pending));
  }
}

const DISK_OK: DiskStatus = Object.freeze({ ok: true });

/** The status a completed op reports to its node. */
function diskStatus(p: PendingDiskOp): DiskStatus {
  return p.error === null ? DISK_OK : { ok: false, error: p.error };
}
