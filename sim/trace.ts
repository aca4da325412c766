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
 * The canonical serialisation is JSON.stringify of the record (fields in the order above), one line
 * per record; the run's sha256 is taken over those lines, each followed by '\n'.
 * Records (and the messages and data they reference) are immutable once emitted: retained records
 * are hashed lazily, so a reader that mutated one would change the digest.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Micros } from './time.ts';

export interface TraceRecord {
  readonly t: Micros;
  readonly node: string;
  readonly ev: string;
  readonly [field: string]: unknown;
}

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
