/**
 * The trace: one structured record per thing that happened, in the order it happened.
 *
 * The record kinds and their fields are the trace module's (`trace/schema.ts`, documented in
 * `trace/README.md`); the first record of every trace is the header (schema version, seed, nodes).
 * The canonical serialisation (`--trace OUT.jsonl`, `toJsonl`, the sink) is JSON.stringify of the
 * record (fields in schema order), one line per record. The run's digest (`sha256()`) is sha256
 * over a compact byte encoding of the records as those lines decode (`trace-digest.ts`), so a reader
 * of the file recomputes it with `traceDigest(records)`.
 * Retained records live in columns (`trace-store.ts`) and are built as objects when a reader asks
 * (`records`). Records (and the messages and data they reference) are immutable once emitted: they
 * are hashed lazily, so a reader that mutated one would change the digest.
 */
import type { TraceRecord } from '../trace/records.ts';
import type { Micros } from './time.ts';
import { TraceDigest } from './trace-digest.ts';
import { TraceStore, type StoredRecord } from './trace-store.ts';

export type { TraceRecord };

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
      for (let i = built.length; i < store.length; i++) built.push(store.get(i) as unknown as TraceRecord);
    }
    return built;
  }

  /** Emits a record of any shape (faults, notes, tests); the kernel uses the typed emitters below. */
  emit(rec: TraceRecord): void {
    if (!this.enabled) return;
    this.count++;
    if (this.store === null) return;
    this.store.generic(rec as unknown as StoredRecord);
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

  /** `conn`: the connection's name number (`intern`), -1 for a connectionless message. */
  send(t: Micros, node: number, to: number, conn: number, m: number, type: string, msg: unknown): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.send(t, node, to, conn, m, type, msg)) {
      st.generic({ t, node: st.name(node), ev: 'send', to: st.name(to), ...connField(st, conn), m, type, msg });
    }
    this.stored();
  }

  recv(t: Micros, node: number, from: number, conn: number, m: number, type: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.recv(t, node, from, conn, m, type)) {
      st.generic({ t, node: st.name(node), ev: 'recv', from: st.name(from), ...connField(st, conn), m, type });
    }
    this.stored();
  }

  drop(t: Micros, node: number, from: number, conn: number, m: number, type: string, reason: string): void {
    this.count++;
    const st = this.store;
    if (st === null) return;
    if (!st.drop(t, node, from, conn, m, type, reason)) {
      st.generic({ t, node: st.name(node), ev: 'drop', from: st.name(from), ...connField(st, conn), m, type, reason });
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
      const rec = store.get(i) as unknown as TraceRecord;
      if (this.retain) {
        // The object the sink saw is the retained record (one object per record, built once).
        const built = this.built;
        for (let j = built.length; j < i; j++) built.push(store.get(j) as unknown as TraceRecord);
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

function connField(st: TraceStore, conn: number): { conn?: string } {
  return conn < 0 ? {} : { conn: st.name(conn) };
}

/** The canonical JSONL text of some records (used by `cli/` to write files and by tests). */
export function toJsonl(records: readonly TraceRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}
