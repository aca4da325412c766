/**
 * The trace: one structured record per thing that happened, in the order it happened.
 *
 * The record kinds and their fields are the trace module's (`trace/schema.ts`, documented in
 * `trace/README.md`); the first record of every trace is the header (schema version, seed, nodes).
 * The canonical serialisation is JSON.stringify of the record (fields in schema order), one line
 * per record; the run's sha256 is taken over those lines, each followed by '\n'.
 * Records (and the messages and data they reference) are immutable once emitted: retained records
 * are hashed lazily, so a reader that mutated one would change the digest.
 */
import { createHash, type Hash } from 'node:crypto';
import type { TraceRecord } from '../trace/records.ts';

export type { TraceRecord };

export interface TraceOptions {
  /** Keep records in memory (`trace.records`). Default true. */
  readonly retain?: boolean;
  /** Maintain the running sha256. Default true. Turning it off is for benches only. */
  readonly hash?: boolean;
  /** Called with every record and its canonical JSON line (without '\n'). */
  readonly sink?: (rec: TraceRecord, line: string) => void;
  /** Record nothing at all (bench mode). Default false. */
  readonly off?: boolean;
}

const HASH_BATCH = 512;

export class Trace {
  readonly records: TraceRecord[] = [];
  /** True when records must be built at all; the kernel checks it before allocating a record. */
  readonly enabled: boolean;
  private readonly retain: boolean;
  private readonly sink: ((rec: TraceRecord, line: string) => void) | undefined;
  private readonly hasher: Hash | null;
  private pending: string[] = [];
  /** Retained records already fed to the hash. */
  private hashed = 0;
  private count = 0;

  constructor(opts: TraceOptions = {}) {
    this.enabled = opts.off !== true;
    this.retain = opts.retain !== false;
    this.sink = opts.sink;
    this.hasher = this.enabled && opts.hash !== false ? createHash('sha256') : null;
  }

  /** Number of records emitted (retained or not). */
  get length(): number {
    return this.count;
  }

  emit(rec: TraceRecord): void {
    if (!this.enabled) return;
    this.count++;
    if (this.retain) this.records.push(rec);
    // Retained records with no sink are hashed lazily, in order, when sha256() is asked for: the
    // digest is the same, and runs that never ask (most tests) skip the serialisation entirely.
    if (this.sink === undefined && (this.retain || this.hasher === null)) return;
    const line = JSON.stringify(rec);
    if (this.sink !== undefined) this.sink(rec, line);
    if (this.hasher !== null) {
      this.pending.push(line);
      if (this.pending.length >= HASH_BATCH) this.flush();
    }
    this.hashed = this.records.length;
  }

  /** The sha256 (hex) of the canonical JSONL so far. May be called at any time; the run goes on. */
  sha256(): string {
    if (this.hasher === null) return 'unhashed';
    const recs = this.records;
    for (let i = this.hashed; i < recs.length; i++) {
      this.pending.push(JSON.stringify(recs[i]));
      if (this.pending.length >= HASH_BATCH) this.flush();
    }
    this.hashed = recs.length;
    this.flush();
    return this.hasher.copy().digest('hex');
  }

  private flush(): void {
    if (this.hasher === null || this.pending.length === 0) return;
    this.hasher.update(this.pending.join('\n') + '\n');
    this.pending = [];
  }
}

/** The canonical JSONL text of some records (used by `cli/` to write files and by tests). */
export function toJsonl(records: readonly TraceRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}
