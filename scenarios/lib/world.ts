/**
 * `Zk`: what a scenario script talks to while the simulation runs — one per run. It schedules
 * actions at virtual times (milliseconds, the unit ZooKeeper's knobs use), injects faults, issues
 * ZooKeeper API calls from client nodes (answers come back to a callback), delivers watch
 * notifications to listeners, and reads the live ensemble (who leads, which znodes a server holds)
 * for expectations. The ensemble itself — live node handles, reply routing — is the `Ensemble`
 * driver (`ensemble/ensemble.ts`); this file is the scenario vocabulary on top of it. Reading the
 * live node objects does not perturb the run: the kernel only ever sees them through the hosting
 * contract.
 */
import type { Effect, NodeId, ProtocolNode } from '../../protocol/contract.ts';
import type { QuorumConfig } from '../../protocol/config.ts';
import { FAULT_POINT_NAMES, isFaultPointName, type FaultPointName } from '../../protocol/faultpoints.ts';
import type { Reply } from '../../protocol/request/types.ts';
import type { QuorumPeer } from '../../protocol/server/peer.ts';
import { Ensemble } from '../../ensemble/ensemble.ts';
import type { Layout } from '../../ensemble/layout.ts';
import type { DiskConfig, DiskFailure } from '../../sim/disk.ts';
import type { Expectation } from '../../sim/scenario.ts';
import type { Simulation } from '../../sim/simulation.ts';

/** A node named directly, or picked when the action runs (e.g. "whoever leads now"). */
export type Target = NodeId | ((z: Zk) => NodeId | null);

export interface WatchEvent {
  readonly type: string;
  readonly path: string;
  readonly zxid: number;
}

/** One API call a scenario made, with its answer once it came. */
export interface CallRecord {
  readonly client: NodeId;
  readonly op: Readonly<Record<string, unknown>>;
  readonly label: string | undefined;
  readonly atUs: number;
  reply: Reply | undefined;
  answeredAtUs: number | undefined;
}

export class Zk {
  /** The live ensemble: node handles, reply routing (built on the run's layout). */
  readonly ensemble: Ensemble;
  readonly cfg: QuorumConfig;
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly calls: CallRecord[] = [];
  /** Expectations judged during the run (`expectAt`, `expect`). */
  readonly judged: Expectation[] = [];
  /** Virtual time (µs) of the last fault this script injected. */
  lastFaultUs: number | undefined;
  private readonly watchers = new Map<NodeId, ((e: WatchEvent) => void)[]>();
  private readonly eventListeners = new Map<string, ((node: NodeId, data: Readonly<Record<string, unknown>>) => void)[]>();

  constructor(l: Layout) {
    this.ensemble = new Ensemble(l, { wrap: (id, node) => this.listen(id, node) });
    this.cfg = l.cfg;
    this.servers = l.serverIds;
    this.clients = l.clientIds;
  }

  /** The run's simulation (bound by the scenario's setup). */
  get sim(): Simulation {
    return this.ensemble.sim;
  }

  /** The current process object of every node (replaced at each restart). */
  get procs(): ReadonlyMap<NodeId, ProtocolNode> {
    return this.ensemble.procs;
  }

  /** Wraps a freshly built node so the script hears its watch notifications and trace events. */
  private listen(id: NodeId, node: ProtocolNode): ProtocolNode {
    return {
      id,
      step: (input, now, wall): Effect[] => {
        const effects = node.step(input, now, wall);
        for (const e of effects) {
          if (e.kind !== 'trace') continue;
          const d = e.data ?? {};
          // Listeners run after this step finishes (the kernel is mid-dispatch), at this instant.
          const listeners = this.eventListeners.get(e.event);
          if (listeners !== undefined) this.sim.after(0, () => listeners.forEach((fn) => fn(id, d)));
        }
        return effects;
      },
    };
  }

  /**
   * React to a node's trace event (protocol/TRACE.md), e.g. crash a follower the moment the leader
   * starts syncing it: `z.onEvent('sync.send', (node, d) => ...)`.
   */
  onEvent(event: string, fn: (node: NodeId, data: Readonly<Record<string, unknown>>) => void): void {
    const list = this.eventListeners.get(event) ?? [];
    list.push(fn);
    this.eventListeners.set(event, list);
  }

  /** Binds the run's simulation (called by the scenario's setup). */
  bind(sim: Simulation): void {
    this.ensemble.attach(sim);
    // Watch notifications reach the script through the kernel's subscription (`notify` effects).
    sim.onNotify((node, event) => {
      const fns = this.watchers.get(node);
      if (fns === undefined || event.type === 'None' || event.path === null) return;
      const ev: WatchEvent = { type: event.type, path: event.path, zxid: event.zxid };
      // Listeners run after this step finishes (the kernel is mid-dispatch), at this instant.
      this.sim.after(0, () => {
        for (const fn of fns.slice()) fn(ev);
      });
    });
  }

  // ------------------------------------------------------------------ time

  get nowMs(): number {
    return this.sim.now / 1000;
  }

  /** Run `fn` at virtual time `ms`. */
  at(ms: number, fn: (z: Zk) => void): void {
    this.sim.at(Math.round(ms * 1000), () => fn(this));
  }

  /** Run `fn` `ms` from now. */
  after(ms: number, fn: (z: Zk) => void): void {
    this.sim.after(Math.round(ms * 1000), () => fn(this));
  }

  /** Run `fn` every `periodMs` from `fromMs` while the time is before `untilMs`. */
  every(periodMs: number, fromMs: number, untilMs: number, fn: (z: Zk, i: number) => void): void {
    let i = 0;
    const tick = (): void => {
      if (this.nowMs >= untilMs) return;
      fn(this, i++);
      this.after(periodMs, tick);
    };
    this.at(fromMs, tick);
  }

  // ------------------------------------------------------------------ the ensemble, read live

  resolve(t: Target): NodeId | null {
    return typeof t === 'function' ? t(this) : t;
  }

  server(id: NodeId): QuorumPeer {
    return this.ensemble.server(id);
  }

  isUp(id: NodeId): boolean {
    return this.ensemble.isUp(id);
  }

  /** Live servers whose leadership is established, newest epoch first. */
  leaders(): { id: NodeId; epoch: number }[] {
    return this.ensemble.leaders().map((p) => ({ id: p.id, epoch: p.leader?.epoch ?? -1 }));
  }

  /** The established leader of the newest epoch (a cut-off old leader may still think it leads). */
  leader(): NodeId | null {
    return this.leaders()[0]?.id ?? null;
  }

  /** Voting servers that are up and not the current leader, in id order. */
  followers(): NodeId[] {
    const l = this.leader();
    return this.servers.filter((s) => s !== l && this.sim.isUp(s) && this.cfg.servers.some((a) => a.node === s && a.role === 'participant'));
  }

  /** Servers answering clients now. */
  serving(): NodeId[] {
    return this.ensemble.serving();
  }

  /** The peer's state word: LOOKING / FOLLOWING / LEADING / OBSERVING, or 'down'. */
  stateOf(id: NodeId): string {
    if (!this.sim.isUp(id)) return 'down';
    return this.server(id).state;
  }

  /** Does server `s` hold znode `path` in its (applied) tree? */
  has(s: NodeId, path: string): boolean {
    return this.ensemble.has(s, path);
  }

  /** The session a client holds now ('0x0' when none). */
  session(client: NodeId): string {
    return this.ensemble.session(client);
  }

  // ------------------------------------------------------------------ faults

  private faulted(): void {
    this.lastFaultUs = this.sim.now;
  }

  private each(t: Target, what: string, fn: (id: NodeId) => void): void {
    const id = this.resolve(t);
    if (id === null) {
      this.sim.note(`scenario: ${what}: no such node right now, skipped`);
      return;
    }
    this.faulted();
    fn(id);
  }

  /** Kill the node's machine: only what it fsynced survives (plus a torn prefix of the rest). */
  crash(t: Target): void {
    this.each(t, 'crash', (id) => this.sim.crash(id));
  }
  /** Stop the node gracefully (zkServer.sh stop): its process exits, its connections close at once,
   *  and every record it appended to its log survives (the page cache outlives the process). */
  stop(t: Target): void {
    this.each(t, 'stop', (id) => this.sim.crash(id, { graceful: true }));
  }
  /** Boot a node that was not started with the others (`startAtMs` in the scenario, or none yet). */
  start(id: NodeId): void {
    if (this.sim.nodeIds().includes(id)) {
      this.sim.note(`scenario: start ${id}: already started, skipped`);
      return;
    }
    if (!this.servers.includes(id) && !this.clients.includes(id)) throw new Error(`start: no node ${id} in this scenario`);
    this.sim.addNode(id);
  }
  restart(t: Target): void {
    this.each(t, 'restart', (id) => this.sim.restart(id));
  }
  /** A stop-the-world pause (GC): the process keeps its state but does nothing until `resume`. */
  pause(t: Target): void {
    this.each(t, 'pause', (id) => this.sim.pause(id));
  }
  resume(t: Target): void {
    this.each(t, 'resume', (id) => this.sim.resume(id));
  }
  /** Split the network into groups; nodes not named form one more group. */
  partition(groups: readonly (readonly Target[])[]): void {
    this.faulted();
    this.sim.partition(groups.map((g) => g.map((t) => this.resolve(t)).filter((x): x is NodeId => x !== null)));
  }
  isolate(t: Target): void {
    this.each(t, 'isolate', (id) => this.sim.isolate(id));
  }
  heal(): void {
    this.faulted();
    this.sim.heal();
  }
  /** Hold every message from `from` to `to` until `unclog` (then delivered in order). */
  clog(from: Target, to: Target): void {
    const f = this.resolve(from);
    const t = this.resolve(to);
    if (f === null || t === null) return;
    this.faulted();
    this.sim.clog(f, t);
  }
  unclog(from: Target, to: Target): void {
    const f = this.resolve(from);
    const t = this.resolve(to);
    if (f === null || t === null) return;
    this.faulted();
    this.sim.unclog(f, t);
  }
  /** Slow the link `from` → `to` down to about `ms` one-way (0 restores the default). */
  delay(from: Target, to: Target, ms: number): void {
    const f = this.resolve(from);
    const t = this.resolve(to);
    if (f === null || t === null) return;
    this.faulted();
    this.sim.setLink(f, t, ms === 0 ? { minUs: 100 } : { minUs: Math.round(ms * 1000) });
  }
  /** Make a node's clocks (monotonic and wall) run at `rate` × real time (1 = no skew). */
  skew(t: Target, rate: number): void {
    this.each(t, 'skew', (id) => this.sim.setClockRate(id, rate));
  }
  /** Step a node's wall clock by `ms` (an NTP step: its monotonic clock, timers and timeouts do not
   *  move; znode ctime/mtime and TTL ages do). */
  jump(t: Target, ms: number): void {
    this.each(t, 'jump', (id) => this.sim.jumpClock(id, ms));
  }
  /** Change a node's disk latencies (e.g. a slow fsync). */
  disk(t: Target, patch: Partial<DiskConfig>): void {
    this.each(t, 'disk', (id) => this.sim.setDisk(id, patch));
  }
  /** An I/O error: the node's `nth` (default 1: the next) `op` fails with `error` (default EIO). */
  failDisk(t: Target, f: { readonly op: DiskFailure['op']; readonly nth?: number; readonly error?: string }): void {
    this.each(t, 'failDisk', (id) => this.sim.failDisk(id, f));
  }
  note(text: string): void {
    this.sim.note(text);
  }
  /**
   * Crash server `t` the `nth` time (default: the next time) it reaches fault point `point`
   * (protocol/faultpoints.ts), counted from now: the effects of the step before the point happen,
   * the rest never do. `restartAfterMs` restarts it that long after. The crash counts as this
   * script's fault at the moment it fires (for the timed checkers); `then` runs right after it.
   */
  crashAt(
    point: FaultPointName,
    t: Target,
    opts: { readonly nth?: number; readonly restartAfterMs?: number; readonly then?: (z: Zk) => void } = {},
  ): void {
    if (!isFaultPointName(point)) throw new Error(`crashAt: unknown fault point '${String(point)}' (one of ${FAULT_POINT_NAMES.join(', ')})`);
    this.each(t, `crashAt ${point}`, (node) => {
      const { then, ...script } = opts;
      this.sim.crashAtPoint({
        point,
        node,
        ...script,
        onFire: () => {
          this.faulted();
          if (opts.restartAfterMs !== undefined) this.lastFaultUs = this.sim.now + Math.round(opts.restartAfterMs * 1000);
          // The kernel is mid-step: the script's reaction runs right after, at this instant.
          if (then !== undefined) this.after(0, then);
        },
      });
    });
  }

  // ------------------------------------------------------------------ clients

  /**
   * A ZooKeeper API call from client node `client` (`op` as in protocol/client/ops.ts, e.g.
   * `{ op: 'create', path: '/a', data: 'x', flags: 1 }`); `then` gets the reply. `label` names it
   * for expectations (`z.call(...)` records every call in `z.calls`).
   */
  call(client: NodeId, op: Readonly<Record<string, unknown>>, then?: (r: Reply) => void, label?: string): CallRecord {
    const rec: CallRecord = { client, op, label, atUs: this.sim.now, reply: undefined, answeredAtUs: undefined };
    this.calls.push(rec);
    this.ensemble.request(client, op, (result) => {
      rec.reply = result as Reply;
      rec.answeredAtUs = this.sim.now;
      then?.(result as Reply);
    });
    return rec;
  }

  /** Open a session (optionally trying `server` first). */
  connect(client: NodeId, server?: Target, then?: (r: Reply) => void): void {
    const s = server === undefined ? null : this.resolve(server);
    this.call(client, s === null ? { op: 'connect' } : { op: 'connect', server: s }, then);
  }

  /** Listen to the watch notifications client `client` receives (its `notify` effects of a fired
   *  watch; connection-state events are left out). */
  onWatch(client: NodeId, fn: (e: WatchEvent) => void): void {
    const list = this.watchers.get(client) ?? [];
    list.push(fn);
    this.watchers.set(client, list);
  }

  /** The call made with `label` (the last one if several). */
  labelled(label: string): CallRecord | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) if (this.calls[i]!.label === label) return this.calls[i];
    return undefined;
  }

  // ------------------------------------------------------------------ expectations during the run

  /** Record an expectation judged now. */
  expect(name: string, ok: boolean, detail?: string): void {
    this.judged.push(detail === undefined ? { name, ok } : { name, ok, detail });
  }

  /** Judge `check` at virtual time `ms`; it returns an Expectation-like verdict. */
  expectAt(ms: number, name: string, check: (z: Zk) => boolean | { ok: boolean; detail?: string }): void {
    this.at(ms, (z) => {
      const r = check(z);
      const v = typeof r === 'boolean' ? { ok: r } : r;
      z.expect(`${name} (at ${ms} ms)`, v.ok, v.detail);
    });
  }
}
