/**
 * The transcript driver (test only): hosts protocol nodes directly through the sans-I/O contract
 * (`../contract.ts`), holding every node's in-flight messages, timers and disk ops itself, so a
 * transcript decides exactly what happens next — as etcd-io/raft's InteractionEnv does. Nothing
 * happens unless a command says so: time stands still until `tick`, a message waits until
 * `deliver`, a disk op until `disk`. It does not use the simulator (`sim/`).
 *
 * Connections (contract.ts `ConnId`) are modelled here as a small kernel would: a connect is
 * accepted (or refused) when its first message reaches the other end; a close, a reset (crash) or a
 * refusal travels as an item of its own; a lost message breaks its connection (the next item that
 * gets through is `lost {broken}` at that end, and a reset goes back). Shortcut: `connected` is
 * never delivered (no ZooKeeper node uses it). See README.md.
 *
 * The command language is documented in README.md (this folder).
 */
import type { ConnId, DiskOp, DiskStatus, Effect, Input, Message, NodeId, Port, ProtocolNode } from '../contract.ts';
import { DISK_OK } from '../contract.ts';
import { quorumConfig } from '../config.ts';
import type { QuorumConfig } from '../config.ts';
import { ZooKeeperClient } from '../client/client.ts';
import { dataBackend } from '../server/dataBackend.ts';
import { newServer, serverNodes } from '../server/ensemble.ts';
import { QuorumPeer } from '../server/peer.ts';
import { zxidHex } from '../zxid.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { isBugName } from '../bugs.ts';
import type { Command } from './datadriven.ts';
import { TranscriptInputError } from './datadriven.ts';
import { fmtEffect, fmtMessage } from './format.ts';
import { MemDisk } from './memDisk.ts';

type Show = 'all' | 'trace' | 'none';

/** What travels on a connection: a message, a close (FIN), a reset, a refusal. */
type Seg = 'data' | 'close' | 'reset' | 'refused';

interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly conn: ConnId;
  readonly seg: Seg;
  /** The message (`data` only). */
  readonly msg: Message | null;
}

/** One connection: end 0 the opener's, end 1 the acceptor's. */
interface Conn {
  readonly id: ConnId;
  readonly ends: readonly [NodeId, NodeId];
  readonly port: Port;
  /** Incarnation of the process holding each end (-1: the acceptor has not accepted yet). */
  readonly incs: [number, number];
  readonly open: [boolean, boolean];
  /** An item toward this end was lost: the end hears `lost {broken}` at the next one. */
  readonly broken: [boolean, boolean];
}

interface Timer {
  readonly at: number;
  /** Set order, to break ties between timers due at the same time. */
  readonly order: number;
}

interface Slot {
  readonly id: NodeId;
  proc: ProtocolNode | null;
  readonly disk: MemDisk;
  readonly timers: Map<string, Timer>;
  booted: boolean;
  nextRequest: number;
  /** Bumped at every crash (connection ends belong to one incarnation). */
  inc: number;
  readonly listening: Set<Port>;
}

/** The most steps a `stabilize` may take before it reports that the system did not go quiet. */
export const STABILIZE_MAX_STEPS = 10_000;

/** The 3.8 thread latencies (`../config.ts`): 0 in a transcript unless its `servers` line sets them,
 *  so a transcript shows the protocol's steps without extra timers. */
const LATENCY_KEYS = [
  'roleTeardownMinMs', 'roleTeardownMaxMs', 'leaderListenMinMs', 'leaderListenMaxMs',
  'learnerStartupMinMs', 'learnerStartupMaxMs', 'leaderStartupMinMs', 'leaderStartupMaxMs',
] as const;

const CONFIG_NUMBERS = [
  'tickTime', 'initLimit', 'syncLimit', 'minSessionTimeout', 'maxSessionTimeout', 'commitLogCount',
  'snapCount', 'containerCheckIntervalMs', 'finalizeWaitMs', 'maxNotificationIntervalMs', 'initialCounter',
  ...LATENCY_KEYS,
] as const;

export class TranscriptEnv {
  now = 0;
  private cfg: QuorumConfig | null = null;
  private readonly slots = new Map<NodeId, Slot>();
  private wire: InFlight[] = [];
  /** Cut links `from>to`: an item sent on one is lost (and breaks its connection). */
  private readonly cuts = new Set<string>();
  private readonly conns = new Map<ConnId, Conn>();
  /** Last connection a message went on per link `from>to` (for `inject`). */
  private readonly lastConn = new Map<string, ConnId>();
  private timerOrder = 0;
  private show: Show = 'all';
  private out: string[] = [];
  private file = '';

  /** Runs one command; returns its output. Bad input throws TranscriptInputError. */
  run(cmd: Command, file: string): string {
    this.out = [];
    this.file = file;
    const prevShow = this.show;
    const show = cmd.kv.get('show');
    if (show !== undefined) this.show = this.showMode(cmd, show);
    try {
      this.dispatch(cmd);
    } finally {
      if (cmd.name !== 'show') this.show = prevShow;
    }
    return this.out.join('\n');
  }

  private dispatch(cmd: Command): void {
    switch (cmd.name) {
      case 'servers':
        return this.cmdServers(cmd);
      case 'clients':
        return this.cmdClients(cmd);
      case 'start':
        return this.cmdStart(cmd);
      case 'deliver':
        return this.cmdDeliver(cmd);
      case 'drop':
        return this.cmdDrop(cmd);
      case 'tick':
        return this.cmdTick(cmd);
      case 'fire':
        return this.cmdFire(cmd);
      case 'disk':
        return this.cmdDisk(cmd);
      case 'crash':
        return this.cmdCrash(cmd);
      case 'restart':
        return this.cmdRestart(cmd);
      case 'request':
        return this.cmdRequest(cmd);
      case 'stabilize':
        return this.cmdStabilize(cmd);
      case 'run':
        return this.cmdRun(cmd);
      case 'status':
        return this.cmdStatus(cmd);
      case 'pending':
        return this.cmdPending(cmd);
      case 'cut':
        return this.cmdCut(cmd);
      case 'inject':
        return this.cmdInject(cmd);
      case 'heal':
        this.allowed(cmd, []);
        this.cuts.clear();
        return;
      case 'show':
        this.allowed(cmd, ['show']);
        return;
      default:
        throw this.bad(cmd, `unknown command '${cmd.name}'`);
    }
  }

  // ------------------------------------------------------------------ argument helpers

  private bad(cmd: Command, msg: string): TranscriptInputError {
    return new TranscriptInputError(`${this.file}:${cmd.line}: ${msg}`);
  }

  private allowed(cmd: Command, keys: readonly string[], maxArgs = 0): void {
    for (const k of cmd.kv.keys()) if (k !== 'show' && !keys.includes(k)) throw this.bad(cmd, `${cmd.name}: unknown argument '${k}'`);
    if (cmd.args.length > maxArgs) throw this.bad(cmd, `${cmd.name}: unexpected '${cmd.args[maxArgs]}'`);
  }

  private showMode(cmd: Command, v: string): Show {
    if (v !== 'all' && v !== 'trace' && v !== 'none') throw this.bad(cmd, `show must be all, trace or none (got '${v}')`);
    return v;
  }

  private int(cmd: Command, key: string, dflt?: number): number {
    const v = cmd.kv.get(key);
    if (v === undefined) {
      if (dflt === undefined) throw this.bad(cmd, `${cmd.name}: missing ${key}=`);
      return dflt;
    }
    if (!/^\d+$/.test(v)) throw this.bad(cmd, `${cmd.name}: ${key} must be a non-negative integer (got '${v}')`);
    return Number(v);
  }

  private slot(cmd: Command, id: string): Slot {
    const s = this.slots.get(id);
    if (!s) throw this.bad(cmd, `no node '${id}'`);
    return s;
  }

  private nodesArg(cmd: Command, dflt: () => Slot[]): Slot[] {
    return cmd.args.length === 0 ? dflt() : cmd.args.map((a) => this.slot(cmd, a));
  }

  private servers(): Slot[] {
    return [...this.slots.values()].filter((s) => s.id.startsWith('s'));
  }

  // ------------------------------------------------------------------ setup

  private cmdServers(cmd: Command): void {
    this.allowed(cmd, ['voters', 'observers', 'forceSnapSync', 'txnLogSync', 'bugs', 'limits', ...CONFIG_NUMBERS]);
    if (this.cfg) throw this.bad(cmd, 'servers: the ensemble is already defined');
    const voters = this.int(cmd, 'voters');
    const nObs = this.int(cmd, 'observers', 0);
    if (voters < 1) throw this.bad(cmd, 'servers: voters must be at least 1');
    const over: Record<string, unknown> = {};
    for (const k of LATENCY_KEYS) over[k] = 0;
    for (const k of CONFIG_NUMBERS) if (cmd.kv.has(k)) over[k] = this.int(cmd, k);
    const fss = cmd.kv.get('forceSnapSync');
    if (fss !== undefined) over['forceSnapSync'] = fss === 'true';
    // txnLogSync=false: no DIFF from the on-disk log (zookeeper.snapshotSizeFactor < 0).
    if (cmd.kv.get('txnLogSync') === 'false') over['snapshotSizeFactor'] = -1;
    const bugs: Record<string, boolean> = {};
    for (const b of (cmd.kv.get('bugs') ?? '').split(',').filter((x) => x !== '')) {
      if (!isBugName(b)) throw this.bad(cmd, `servers: unknown bug flag '${b}'`);
      bugs[b] = true;
    }
    over['bugs'] = bugs;
    const limits: Record<string, number> = { ...DEFAULT_LIMITS };
    for (const l of (cmd.kv.get('limits') ?? '').split(',').filter((x) => x !== '')) {
      const [k, v] = l.split(':');
      if (!k || !(k in DEFAULT_LIMITS) || !v || !/^\d+$/.test(v)) throw this.bad(cmd, `servers: bad limit '${l}' (name:number, names in protocol/limits.ts)`);
      limits[k] = Number(v);
    }
    over['limits'] = limits;
    const participants = Array.from({ length: voters }, (_, i) => i + 1);
    const observers = Array.from({ length: nObs }, (_, i) => voters + i + 1);
    this.cfg = quorumConfig(participants, { observers, ...over } as Partial<QuorumConfig>);
    for (const id of serverNodes(this.cfg)) this.addSlot(id);
    const c = this.cfg;
    this.out.push(
      `voters=${c.participants.join(',')} observers=${c.observers.join(',') || '-'} tickTime=${c.tickTimeMs}ms initLimit=${c.initLimitTicks} syncLimit=${c.syncLimitTicks}` +
        (Object.keys(bugs).length > 0 ? ` bugs=${Object.keys(bugs).join(',')}` : ''),
        (cmd.kv.has('limits') ? ` limits=${cmd.kv.get('limits')}` : ''),
    );
  }

  private addSlot(id: NodeId): Slot {
    const s: Slot = { id, proc: null, disk: new MemDisk(), timers: new Map(), booted: false, nextRequest: 1, inc: 0, listening: new Set() };
    this.slots.set(id, s);
    return s;
  }

  private cmdClients(cmd: Command): void {
    this.allowed(cmd, ['n', 'sessionTimeoutMs']);
    if (!this.cfg) throw this.bad(cmd, 'clients: define the servers first');
    const n = this.int(cmd, 'n', 1);
    const timeout = cmd.kv.has('sessionTimeoutMs') ? this.int(cmd, 'sessionTimeoutMs') : undefined;
    const servers = serverNodes(this.cfg);
    const first = [...this.slots.keys()].filter((k) => k.startsWith('c')).length;
    for (let i = 1; i <= n; i++) {
      const s = this.addSlot(`c${first + i}`);
      s.proc = new ZooKeeperClient(s.id, { servers, noShuffle: true, ...(timeout === undefined ? {} : { sessionTimeoutMs: timeout }) });
      s.booted = true;
      this.step(s, { kind: 'start', durable: s.disk.durable(), restart: false }, `${s.id} start`);
    }
  }

  private newProc(s: Slot): ProtocolNode {
    const cfg = this.cfg!;
    return newServer(s.id, { cfg, backend: dataBackend() });
  }

  private cmdStart(cmd: Command): void {
    this.allowed(cmd, [], 99);
    const list = this.nodesArg(cmd, () => this.servers().filter((s) => !s.booted));
    for (const s of list) {
      if (s.booted) throw this.bad(cmd, `start: ${s.id} was started already (use restart after a crash)`);
      s.booted = true;
      s.proc = this.newProc(s);
      this.step(s, { kind: 'start', durable: s.disk.durable(), restart: false }, `${s.id} start`);
    }
  }

  private cmdRestart(cmd: Command): void {
    this.allowed(cmd, [], 99);
    for (const s of this.nodesArg(cmd, () => [])) {
      if (s.proc) throw this.bad(cmd, `restart: ${s.id} is up`);
      if (!s.id.startsWith('s')) throw this.bad(cmd, `restart: only servers restart (${s.id})`);
      s.booted = true;
      s.proc = this.newProc(s);
      const d = s.disk.durable();
      this.step(s, { kind: 'start', durable: d, restart: true }, `${s.id} restart log=${d.log.length} snapshots=${d.snapshots.length}`);
    }
  }

  // ------------------------------------------------------------------ stepping

  /** Hands one input to a node and carries out its effects (the first `limit` of them). */
  private step(s: Slot, input: Input, header: string, limit = Infinity): void {
    if (this.show === 'all') this.out.push(header);
    const proc = s.proc!;
    let effects: Effect[];
    try {
      // Fault points (protocol/faultpoints.ts) mark sub-steps for hosts that inject crashes there;
      // transcripts crash by effect count (`limit`), so points are left out of what they see.
      // A transcript has one clock: its wall clock reads the virtual ms too (ctime = the step's ms).
      effects = proc.step(input, this.now, this.now).filter((e) => e.kind !== 'point');
    } catch (e) {
      this.out.push(`  ${s.id} PANIC ${(e as Error).message}`);
      this.crash(s, 0, 'panic');
      return;
    }
    let n = 0;
    for (const e of effects) {
      if (n++ >= limit) {
        this.out.push(`  ${s.id} (${effects.length - limit} more effects not carried out)`);
        break;
      }
      if (this.show === 'all' || (this.show === 'trace' && (e.kind === 'trace' || e.kind === 'reply'))) {
        this.out.push((this.show === 'all' ? '  ' : `@${this.now}ms `) + this.fmt(s, e));
      }
      this.apply(s, e);
      if (!s.proc) break; // a halt: the process is gone
    }
  }

  /** An effect as the transcript shows it: a message on a connection as `from->to MSG`. */
  private fmt(s: Slot, e: Effect): string {
    if (e.kind === 'send' && e.to === undefined) {
      const c = this.conns.get(e.conn);
      if (c) return `${s.id}->${c.ends[c.ends[0] === s.id ? 1 : 0]} ${fmtMessage(e.msg)}`;
    }
    return fmtEffect(s.id, e);
  }

  /** The end of `c` that `s`'s current process holds open, or -1. */
  private openEnd(c: Conn, s: Slot): number {
    for (const end of [0, 1]) if (c.ends[end] === s.id && c.incs[end] === s.inc && c.open[end] && s.proc) return end;
    return -1;
  }

  /** Puts an item on the link from end `fromEnd` of `c` toward the other (lost on a cut link). */
  private put(c: Conn, fromEnd: number, seg: Seg, msg: Message | null): void {
    const from = c.ends[fromEnd]!;
    const to = c.ends[1 - fromEnd]!;
    if (this.cuts.has(`${from}>${to}`)) {
      if (seg === 'data') c.broken[1 - fromEnd] = true;
      return;
    }
    this.wire.push({ from, to, conn: c.id, seg, msg });
  }

  private apply(s: Slot, e: Effect): void {
    switch (e.kind) {
      case 'send': {
        if (e.to !== undefined) throw new Error(`${s.id}: ZooKeeper nodes send on connections only`);
        const c = this.conns.get(e.conn);
        if (!c) throw new Error(`${s.id}: send on unknown connection ${e.conn}`);
        const end = this.openEnd(c, s);
        if (end < 0) return; // an end already closed or lost: the host drops it
        this.lastConn.set(`${s.id}>${c.ends[1 - end]}`, c.id);
        this.put(c, end, 'data', e.msg);
        return;
      }
      case 'connect':
        if (this.conns.has(e.conn)) throw new Error(`${s.id}: connection id ${e.conn} reused`);
        this.conns.set(e.conn, { id: e.conn, ends: [s.id, e.to], port: e.port, incs: [s.inc, -1], open: [true, false], broken: [false, false] });
        return;
      case 'close': {
        const c = this.conns.get(e.conn);
        const end = c ? this.openEnd(c, s) : -1;
        if (!c || end < 0) return;
        c.open[end] = false;
        this.put(c, end, 'close', null);
        return;
      }
      case 'listen':
        s.listening.add(e.port);
        return;
      case 'unlisten':
        s.listening.delete(e.port);
        return;
      case 'setTimer':
        s.timers.set(e.timer, { at: this.now + e.afterMs, order: this.timerOrder++ });
        return;
      case 'cancelTimer':
        s.timers.delete(e.timer);
        return;
      case 'disk':
        if (e.op.op === 'append') s.disk.append(e.op.records);
        else s.disk.issue(e.id, e.op as Exclude<DiskOp, { op: 'append' }>);
        return;
      case 'reply':
      case 'trace':
      case 'point':
        return;
      case 'halt':
        // The process exits: the page cache keeps every appended record.
        this.crash(s, Infinity, `halt code=${e.code}: ${e.reason}`);
        return;
    }
  }

  private crash(s: Slot, torn: number, why: string): void {
    s.proc = null;
    s.timers.clear();
    s.listening.clear();
    const { lost, kept } = s.disk.crash(torn);
    const before = this.wire.length;
    this.wire = this.wire.filter((m) => m.to !== s.id);
    const dropped = before - this.wire.length;
    this.out.push(`${s.id} crashed (${why}): ${lost} unsynced records lost, ${kept} kept, ${dropped} messages to it dropped`);
    // The OS resets the process's connections: a reset goes to each peer end.
    for (const c of this.conns.values()) {
      for (const end of [0, 1]) {
        if (c.ends[end] !== s.id || c.incs[end] !== s.inc || !c.open[end]) continue;
        c.open[end] = false;
        this.put(c, end, 'reset', null);
      }
    }
    s.inc++;
  }

  /** What an item is called in filters (`type=`): its message type, or close/reset/refused. */
  private static typeOf(m: InFlight): string {
    return m.msg ? m.msg.type : m.seg;
  }

  private static what(m: InFlight): string {
    return m.msg ? fmtMessage(m.msg) : `${m.seg} ${m.conn}`;
  }

  /** A message filter: from=, to=, type= (a list matches any). */
  private matcher(cmd: Command): (m: InFlight) => boolean {
    const list = (k: string) => cmd.kv.get(k)?.split(',');
    const from = list('from');
    const to = list('to');
    const type = list('type');
    return (m) => (!from || from.includes(m.from)) && (!to || to.includes(m.to)) && (!type || type.includes(TranscriptEnv.typeOf(m)));
  }

  private deliverOne(m: InFlight, crashAfter?: number): void {
    const s = this.slots.get(m.to)!;
    const what = TranscriptEnv.what(m);
    const head = `${m.from}->${m.to} ${what}`;
    if (!s.proc) {
      if (this.show === 'all') this.out.push(`${head} (dropped: ${m.to} is down)`);
      return;
    }
    const c = this.conns.get(m.conn)!;
    const end = c.ends[0] === m.to ? 0 : 1;
    if (m.seg === 'data' && end === 1 && c.incs[1] === -1) {
      // The connect reaches the acceptor with its first message.
      if (!s.listening.has(c.port)) {
        if (this.show === 'all') this.out.push(`${head} (refused: ${m.to} does not listen on ${c.port})`);
        c.incs[1] = -2; // never accepted: what follows finds no end
        this.put(c, 1, 'refused', null);
        return;
      }
      c.incs[1] = s.inc;
      c.open[1] = true;
      this.step(s, { kind: 'accepted', conn: c.id, from: m.from, port: c.port }, `${m.from}->${m.to} connect ${c.id} ${c.port}`);
      if (!s.proc) return;
    }
    if (this.openEnd(c, s) !== end) {
      // No open end here: a message is answered with a reset (if the sender still listens for one).
      if (m.seg === 'data') {
        if (this.show === 'all') this.out.push(`${head} (dropped: ${c.incs[end] === -2 ? 'refused' : `no open end at ${m.to}`})`);
        const sender = this.slots.get(m.from)!;
        if (c.incs[end] !== -2 && this.openEnd(c, sender) === 1 - end) this.put(c, end, 'reset', null);
      }
      return;
    }
    let input: Input;
    if (c.broken[end] && m.seg !== 'reset' && m.seg !== 'refused') {
      // An earlier item of this direction was lost: this end hears the connection broken.
      input = { kind: 'lost', conn: c.id, reason: 'broken' };
      const sender = this.slots.get(m.from)!;
      if (this.openEnd(c, sender) === 1 - end) this.put(c, end, 'reset', null);
    } else if (m.seg === 'data') input = { kind: 'message', conn: c.id, from: m.from, msg: m.msg! };
    else if (m.seg === 'close') input = { kind: 'closed', conn: c.id };
    else input = { kind: 'lost', conn: c.id, reason: m.seg === 'refused' ? 'refused' : 'reset' };
    if (input.kind !== 'message') c.open[end] = false;
    this.step(s, input, input.kind === 'lost' && input.reason === 'broken' ? `${head} (broken: ${c.id} lost an earlier message)` : head, crashAfter);
    if (crashAfter !== undefined && s.proc) this.crash(s, 0, `after ${crashAfter} effects`);
  }

  private cmdDeliver(cmd: Command): void {
    this.allowed(cmd, ['from', 'to', 'type', 'max', 'crash-after']);
    const match = this.matcher(cmd);
    const crashAfter = cmd.kv.has('crash-after') ? this.int(cmd, 'crash-after') : undefined;
    let max = this.int(cmd, 'max', crashAfter === undefined ? Infinity : 1);
    if (crashAfter !== undefined && max !== 1) throw this.bad(cmd, 'deliver: crash-after needs max=1');
    const picked: InFlight[] = [];
    this.wire = this.wire.filter((m) => {
      if (max > 0 && match(m)) {
        max--;
        picked.push(m);
        return false;
      }
      return true;
    });
    if (picked.length === 0) throw this.bad(cmd, 'deliver: no message in flight matches');
    for (const m of picked) this.deliverOne(m, crashAfter);
  }

  /** `cut from=a,b to=c [both]`: items sent on those links are lost until `heal`. */
  private cmdCut(cmd: Command): void {
    this.allowed(cmd, ['from', 'to'], 1);
    const both = cmd.args[0] === 'both';
    if (cmd.args.length > 0 && !both) throw this.bad(cmd, `cut: unexpected '${cmd.args[0]}'`);
    const list = (k: string) => (cmd.kv.get(k) ?? '').split(',').filter((x) => x !== '').map((x) => this.slot(cmd, x).id);
    const from = list('from');
    const to = list('to');
    if (from.length === 0 || to.length === 0) throw this.bad(cmd, 'cut: needs from= and to=');
    for (const a of from) for (const b of to) {
      this.cuts.add(`${a}>${b}`);
      if (both) this.cuts.add(`${b}>${a}`);
    }
    this.out.push(`cut ${[...this.cuts].sort().join(' ')}`);
  }

  /**
   * `inject from=A to=B type=T [field=value ...]`: forge a packet from A to B on the connection A
   * last sent B a message on, and put it in flight. Numbers may be decimal or 0x-hex; `entry=Z` is
   * a txn entry with zxid Z and no txn. For tests of what a node does with a packet it should never
   * get.
   */
  private cmdInject(cmd: Command): void {
    const from = this.slot(cmd, cmd.kv.get('from') ?? '').id;
    const to = this.slot(cmd, cmd.kv.get('to') ?? '').id;
    const type = cmd.kv.get('type');
    if (!type) throw this.bad(cmd, 'inject: missing type=');
    if (cmd.args.length > 0) throw this.bad(cmd, `inject: unexpected '${cmd.args[0]}'`);
    const msg: Record<string, unknown> = { type };
    const conn = this.lastConn.get(`${from}>${to}`);
    if (conn === undefined) throw this.bad(cmd, `inject: ${from} has sent ${to} nothing yet (no connection to forge on)`);
    for (const [k, v] of cmd.kv) {
      if (k === 'from' || k === 'to' || k === 'type' || k === 'show') continue;
      const n = /^(0x[0-9a-f]+|-?\d+)$/i.test(v) ? Number(v) : null;
      msg[k] = k === 'entry' ? { zxid: n ?? 0, txn: null } : (n ?? v);
    }
    this.wire.push({ from, to, conn, seg: 'data', msg: msg as Message });
    this.out.push(`forged ${from}->${to} ${fmtMessage(msg as Message)}`);
  }

  private cmdDrop(cmd: Command): void {
    this.allowed(cmd, ['from', 'to', 'type', 'max']);
    const match = this.matcher(cmd);
    let max = this.int(cmd, 'max', Infinity);
    const kept: InFlight[] = [];
    for (const m of this.wire) {
      if (max > 0 && match(m)) {
        max--;
        this.out.push(`dropped ${m.from}->${m.to} ${TranscriptEnv.what(m)}`);
        // A lost message breaks its connection (TCP is not modelled: the next item is `broken`).
        const c = this.conns.get(m.conn)!;
        if (m.seg === 'data') c.broken[c.ends[0] === m.to ? 0 : 1] = true;
      } else kept.push(m);
    }
    if (kept.length === this.wire.length) throw this.bad(cmd, 'drop: no message in flight matches');
    this.wire = kept;
  }

  /** The next due timer at or before `until`: earliest time, then set order. */
  private nextTimer(until: number): { s: Slot; name: string; t: Timer } | null {
    let best: { s: Slot; name: string; t: Timer } | null = null;
    for (const s of this.slots.values()) {
      for (const [name, t] of s.timers) {
        if (t.at > until) continue;
        if (!best || t.at < best.t.at || (t.at === best.t.at && t.order < best.t.order)) best = { s, name, t };
      }
    }
    return best;
  }

  private fireTimer(s: Slot, name: string, crashAfter?: number): void {
    s.timers.delete(name);
    this.step(s, { kind: 'timer', timer: name }, `@${this.now}ms ${s.id} timer ${name} fires`, crashAfter);
    if (crashAfter !== undefined && s.proc) this.crash(s, 0, `after ${crashAfter} effects`);
  }

  private cmdTick(cmd: Command): void {
    this.allowed(cmd, ['ms']);
    const until = this.now + this.int(cmd, 'ms');
    for (;;) {
      const next = this.nextTimer(until);
      if (!next) break;
      this.now = next.t.at;
      this.fireTimer(next.s, next.name);
    }
    this.now = until;
    if (this.show !== 'none') this.out.push(`now ${this.now}ms`);
  }

  private cmdFire(cmd: Command): void {
    this.allowed(cmd, ['timer', 'crash-after'], 1);
    const s = this.slot(cmd, cmd.args[0] ?? '');
    const name = cmd.kv.get('timer');
    if (!name || !s.timers.has(name)) throw this.bad(cmd, `fire: ${s.id} has no timer '${name ?? ''}' set`);
    const t = s.timers.get(name)!;
    // Time moves to the timer's deadline: firing early would hand the node a clock it never saw.
    if (t.at > this.now) this.now = t.at;
    this.fireTimer(s, name, cmd.kv.has('crash-after') ? this.int(cmd, 'crash-after') : undefined);
  }

  private cmdDisk(cmd: Command): void {
    this.allowed(cmd, ['n', 'crash-after', 'error'], 99);
    const all = cmd.args.includes('all');
    const list = all ? [...this.slots.values()] : this.nodesArg(cmd, () => []);
    if (list.length === 0) throw this.bad(cmd, 'disk: name a node (or all)');
    const crashAfter = cmd.kv.has('crash-after') ? this.int(cmd, 'crash-after') : undefined;
    const n = cmd.kv.get('n') === 'all' || all ? Infinity : this.int(cmd, 'n', 1);
    const error = cmd.kv.get('error');
    if (error !== undefined && !/^E[A-Z0-9]+$/.test(error)) throw this.bad(cmd, `disk: error must be an errno name (EIO, ENOSPC, ...), not ${error}`);
    let done = 0;
    for (const s of list) {
      for (let i = 0; i < n && s.proc && s.disk.pending.length > 0; i++) {
        this.completeDisk(s, crashAfter, error);
        done++;
      }
    }
    if (done === 0 && !all) throw this.bad(cmd, 'disk: no disk op pending');
  }

  private completeDisk(s: Slot, crashAfter?: number, error?: string): void {
    const p = s.disk.completeHead(error);
    const status: DiskStatus = error === undefined ? DISK_OK : { ok: false, error };
    this.step(s, { kind: 'disk', id: p.id, op: p.op.op, status }, `${s.id} disk ${p.op.op}#${p.id} ${error === undefined ? 'done' : 'failed ' + error}`, crashAfter);
    if (crashAfter !== undefined && s.proc) this.crash(s, 0, `after ${crashAfter} effects`);
  }

  private cmdCrash(cmd: Command): void {
    this.allowed(cmd, ['torn'], 99);
    for (const s of this.nodesArg(cmd, () => [])) {
      if (!s.proc) throw this.bad(cmd, `crash: ${s.id} is down`);
      if (!s.id.startsWith('s')) throw this.bad(cmd, `crash: only servers crash (${s.id})`);
      this.crash(s, this.int(cmd, 'torn', 0), 'crash');
    }
  }

  private cmdRequest(cmd: Command): void {
    const s = this.slot(cmd, cmd.args[0] ?? '');
    if (cmd.args.length > 1) throw this.bad(cmd, `request: unexpected '${cmd.args[1]}'`);
    if (!s.proc) throw this.bad(cmd, `request: ${s.id} is down`);
    const op: Record<string, unknown> = {};
    for (const [k, v] of cmd.kv) {
      if (k === 'show') continue;
      op[k] = /^-?\d+$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v === 'null' ? null : v;
    }
    const id = s.nextRequest++;
    this.step(s, { kind: 'request', id, op }, `${s.id} request#${id} ${cmd.text.slice(cmd.text.indexOf(' ', 8) + 1)}`);
  }

  /** Delivers every message and completes every disk op until nothing is left; no time passes. */
  private cmdStabilize(cmd: Command): void {
    this.allowed(cmd, ['max'], 99);
    const only = cmd.args.length > 0 ? new Set(cmd.args.map((a) => this.slot(cmd, a).id)) : null;
    this.stabilize(only, this.int(cmd, 'max', STABILIZE_MAX_STEPS));
  }

  private stabilize(only: ReadonlySet<string> | null, max: number): void {
    let steps = 0;
    for (;;) {
      const i = this.wire.findIndex((m) => !only || (only.has(m.from) && only.has(m.to)));
      if (i >= 0) {
        const [m] = this.wire.splice(i, 1);
        this.deliverOne(m!);
      } else {
        const s = [...this.slots.values()].find((x) => x.proc && x.disk.pending.length > 0 && (!only || only.has(x.id)));
        if (!s) break;
        this.completeDisk(s);
      }
      if (++steps >= max) {
        this.out.push(`stabilize: not quiet after ${max} steps`);
        break;
      }
    }
  }

  /**
   * `run ms=N`: an instantaneous network and disk for N ms of virtual time — stabilize, fire the
   * next due timer, stabilize, ... until the clock reaches now+N.
   */
  private cmdRun(cmd: Command): void {
    this.allowed(cmd, ['ms']);
    const until = this.now + this.int(cmd, 'ms');
    for (;;) {
      this.stabilize(null, STABILIZE_MAX_STEPS);
      const next = this.nextTimer(until);
      if (!next) break;
      this.now = next.t.at;
      this.fireTimer(next.s, next.name);
    }
    this.now = until;
    if (this.show !== 'none') this.out.push(`now ${this.now}ms`);
  }

  // ------------------------------------------------------------------ inspection

  private cmdStatus(cmd: Command): void {
    this.allowed(cmd, [], 99);
    for (const s of this.nodesArg(cmd, () => [...this.slots.values()])) this.out.push(this.describe(s));
  }

  private describe(s: Slot): string {
    if (!s.proc) return `${s.id} ${s.booted ? 'down' : 'not started'}`;
    if (s.proc instanceof QuorumPeer) {
      const p = s.proc;
      const parts = [s.id, p.state, `accepted=${p.acceptedEpoch}`, `current=${p.currentEpoch}`];
      if (p.leader) {
        parts.push(`epoch=${p.leader.epoch}`, `proposed=${zxidHex(p.leader.lastProposed)}`, `committed=${zxidHex(p.leader.lastCommitted)}`);
        parts.push(`outstanding=${p.leader.outstandingCount}`);
      } else if (p.learner) parts.push(`leader=${p.serverNode(p.learner.leaderSid)}`);
      parts.push(`logged=${zxidHex(p.db.lastLoggedZxid())}`, `applied=${zxidHex(p.db.lastProcessedZxid)}`);
      parts.push(`disk=${s.disk.durableLen}/${s.disk.log.length}`, p.isServing() ? 'serving' : 'not-serving');
      return parts.join(' ');
    }
    if (s.proc instanceof ZooKeeperClient) {
      const c = s.proc;
      return `${s.id} server=${c.currentServer ?? '-'} session=${c.sessionId} lastZxid=${zxidHex(c.lastZxid)}`;
    }
    return s.id;
  }

  private cmdPending(cmd: Command): void {
    this.allowed(cmd, []);
    for (const m of this.wire) this.out.push(`msg ${m.from}->${m.to} ${TranscriptEnv.what(m)}`);
    for (const s of this.slots.values()) {
      const timers = [...s.timers].sort((a, b) => a[1].at - b[1].at || a[1].order - b[1].order);
      for (const [name, t] of timers) this.out.push(`timer ${s.id} ${name} @${t.at}ms`);
      for (const p of s.disk.pending) this.out.push(`disk ${s.id} ${p.op.op}#${p.id}`);
    }
  }
}
