/**
 * The trace: one structured record per thing that happened, in the order it happened.
 *
 * Stable format (checkers, the HTML timeline and `--trace OUT.jsonl` read it). Every record is
 *   { t: <global virtual time in µs, integer>, node: <NodeId or '*' for cluster-wide>, ev: <kind>, ...fields }
 * with these kinds (fields listed in their serialised order):
 *   boot      {}                                  a node's first start
 *   restart   {log, snapshots, meta}              a node restarts from durable state (counts kept)
 *   crash     {lost, kept}                        node died; un-fsynced log records lost / kept (torn)
 *   pause / resume {}                             node frozen / thawed
 *   clock     {rate, jumpMs}                      clock skew changed (rate = local µs per global µs)
 *   send      {to, m, type, msg}                  node sent message #m (msg is the full message)
 *   recv      {from, m, type}                     message #m delivered to `node`
 *   drop      {from, m, type, reason}             message #m not delivered: 'cut' | 'loss' | 'down' (crashed
 *                                                 destination) | 'stale' (destination restarted since the
 *                                                 send) | 'unknown' (no such node); a request to a crashed
 *                                                 node is {from: 'app', m: <request id>, type: 'request'}
 *   dup       {to, m}                             message #m will be delivered twice
 *   hold      {from, m}                           message #m held by a clogged link
 *   peerDown  {peer}                              `node` was told its connection to `peer` broke
 *   timer     {timer}                             a timer fired at the node (late, at resume, if paused)
 *   request   {id, op}                            the application asked `node` to do something
 *   reply     {id, result}                        `node` answered request `id`
 *   disk      {id, op}                            a disk op completed and is durable from here on
 *                                                 (fsync/writeMeta/snapshot/truncate); a paused node is
 *                                                 handed the completion at resume
 *   trace     {event, data}                       a node's own trace effect (state change, vote, ...)
 *   fault     {fault, ...}                        a network/disk fault was applied; node '*' except 'disk':
 *             partition {groups} | isolate {target} | heal {} | cut/uncut/clog {from, to} |
 *             unclog {from, to, released} | link {from, to, ...patch} ('*' '*' = the default link) |
 *             disk {...patch} (node = the disk's node)
 *   note      {text}                              free text from a scenario
 * The canonical serialisation (`--trace OUT.jsonl`, `toJsonl`, the sink) is JSON.stringify of the
 * record (fields in the order above), one line per record. The run's digest (`sha256()`) is sha256
 * over a compact byte encoding of the records as those lines decode (`trace-digest.ts`), so a reader
 * of the file recomputes it with `traceDigest(records)`.
 * Retained records live in columns (`trace-store.ts`) and are built as objects when a reader asks
 * (`records`). Records (and the messages and data they reference) are immutable once emitted: they
 * are hashed lazily, so a reader that mutated one would change the digest.
 */
import type { Micros } from './time.ts';
import { TraceDigest } from './trace-digest.ts';
import { TraceStore } from './trace-store.ts';

export interface TraceRecord {
  readonly t: Micros;
  readonly node: string;
  readonly ev: string;
  readonly [field: string]: unknown;
}

export interface TraceOptions {
  /** Keep records in memory (`trace.records`). Default true. */
  readonly retain?: boolean;
  /** Maintain the running digest. Default true. Turning it off is for benches only. */
  readonly hash?: boolean;
  /** Called with every record and its canonical JSON line (without '\n'). */
  readonly sink?: (rec: TraceRecord, line: string) => void;
  /** Record nothing at all (bench mode). Default false. */
  readonly off?: boolean;
}

/** Without retention, records are hashed (and forgotten) in batches of this many (one store chunk). */
const STREAM_BATCH = 16_384;

export class Trace {
  /** True when records must be built at all; the kernel checks it before emitting. */
  readonly enabled: boolean;
  private readonly retain: boolean;
  private readonly sink: ((rec: TraceRecord, line: string) => void) | undefined;
  private readonly digest: TraceDigest | null;
  /** Records not yet hashed (retained: all of them; streaming: the current batch). */
  private readonly store: TraceStore | null;
  /** Stored records already fed to the digest. */
  private hashed = 0;
  private count = 0;
  /** Retained records built as objects so far (`records`). */
  private built: TraceRecord[] = [];

  constructor(opts: TraceOptions = {}) {
    this.enabled = opts.off !== true;
    this.retain = this.enabled && opts.retain !== false;
    this.sink = opts.sink;
    this.digest = this.enabled && opts.hash !== false ? new TraceDigest() : null;
    this.store = this.enabled && (this.retain || this.digest !== null || this.sink !== undefined) ? new TraceStore() : null;
  }

  /** Number of records emitted (retained or not). */
  get length(): number {
    return this.count;
  }

  /**
   * The retained records, in order, as objects (built on first read, then kept; a later read adds
   * the records emitted since). Do not mutate them. Empty when records are not retained.
   */
  get records(): TraceRecord[] {
    const built = this.built;
    if (this.retain) {
      const store = this.store as TraceStore;
      for (let i = built.length; i < store.length; i++) built.push(store.get(i));
    }
    return built;
  }

  /** Emits a record of any shape (faults, notes, tests); the kernel uses the typed emitters below. */
  emit(rec: TraceRecord): void {
    if (!this.enabled) return;
    this.count++;
    if (this.store === null) return;
    this.store.generic(rec);
    this.stored();
  }

  /**
   * A node id (or other name) as a number for the typed emitters below; -1 when nothing is stored.
   * The typed emitters are the kernel's: they take node names as these numbers and store the record
   * without building it; the record readers see is the one in the comment at the top.
   */
  intern(name: string): number {
    return this.store === null ? -1 : this.store.intern(name);
  }

  send(t: Micros, node: number, to: number, m: number, type: string, msg: unknown): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.send(t, node, to, m, type, msg)) st.generic({ t, node: st.name(node), ev: 'send', to: st.name(to), m, type, msg });
    this.stored();
  }

  recv(t: Micros, node: number, from: number, m: number, type: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.recv(t, node, from, m, type)) st.generic({ t, node: st.name(node), ev: 'recv', from: st.name(from), m, type });
    this.stored();
  }

  drop(t: Micros, node: number, from: number, m: number, type: string, reason: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.drop(t, node, from, m, type, reason)) {
      st.generic({ t, node: st.name(node), ev: 'drop', from: st.name(from), m, type, reason });
    }
    this.stored();
  }

  dup(t: Micros, node: number, to: number, m: number): void {
    this.count++;
    if (this.store === null) return;
    this.store.dup(t, node, to, m);
    this.stored();
  }

  hold(t: Micros, node: number, from: number, m: number): void {
    this.count++;
    if (this.store === null) return;
    this.store.hold(t, node, from, m);
    this.stored();
  }

  peerDown(t: Micros, node: number, peer: number): void {
    this.count++;
    if (this.store === null) return;
    this.store.peerDown(t, node, peer);
    this.stored();
  }

  timer(t: Micros, node: number, timer: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.timer(t, node, timer)) st.generic({ t, node: st.name(node), ev: 'timer', timer });
    this.stored();
  }

  disk(t: Micros, node: number, id: number, op: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.disk(t, node, id, op)) st.generic({ t, node: st.name(node), ev: 'disk', id, op });
    this.stored();
  }

  request(t: Micros, node: number, id: number, op: unknown): void {
    this.count++;
    if (this.store === null) return;
    this.store.request(t, node, id, op);
    this.stored();
  }

  reply(t: Micros, node: number, id: number, result: unknown): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.reply(t, node, id, result)) st.generic({ t, node: st.name(node), ev: 'reply', id, result });
    this.stored();
  }

  /** A node's own trace effect (`data` already defaulted to null by the kernel). */
  trace(t: Micros, node: number, event: string, data: unknown): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.trace(t, node, event, data)) st.generic({ t, node: st.name(node), ev: 'trace', event, data });
    this.stored();
  }

  /** The sha256 (hex) of the records so far (see `trace-digest.ts`). May be called at any time; the run goes on. */
  sha256(): string {
    if (this.digest === null) return 'unhashed';
    this.hashPending();
    return this.digest.hex();
  }

  /** After a record went into the store: the sink sees it; a streaming batch is hashed when full. */
  private stored(): void {
    const store = this.store as TraceStore;
    if (this.sink !== undefined) {
      const i = store.length - 1;
      const rec = store.get(i);
      if (this.retain) {
        // The object the sink saw is the retained record (one object per record, built once).
        const built = this.built;
        for (let j = built.length; j < i; j++) built.push(store.get(j));
        if (built.length === i) built.push(rec);
      }
      this.sink(rec, JSON.stringify(rec));
    }
    if (!this.retain && store.length >= STREAM_BATCH) {
      this.hashPending();
      store.clear();
      this.hashed = 0;
    }
  }

  private hashPending(): void {
    const store = this.store;
    if (this.digest === null || store === null) return;
    store.hashInto(this.digest, this.hashed, store.length);
    this.hashed = store.length;
  }
}

/** The canonical JSONL text of some records (used by `cli/` to write files and by tests). */
export function toJsonl(records: readonly TraceRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}
