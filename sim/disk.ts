/**
 * One node's disk: an append-only txn log, snapshots and small metadata files.
 *
 * The log is kept as the page-cache view (`log`, everything the node appended, in order) plus
 * `durableLen`, the length of its prefix that has reached the platter. `append` lands in the page
 * cache at once; `fsync` makes everything appended before it durable when it completes. `writeMeta`,
 * `snapshot` and `truncate` are durable when they complete. Ops complete in issue order (one queue per
 * disk), each after a latency drawn from the `disk` stream.
 *
 * A crash keeps the durable prefix plus a torn tail: a random prefix (drawn from the `faults` stream,
 * possibly empty, possibly all) of the records appended but not yet fsynced — writes reach the disk
 * in order, at record granularity.
 *
 * Shortcut: a truncate that is still in flight when a crash hits leaves the log as it was durably
 * before the truncate (restore copy); an fsync that completes while a later truncate is pending only
 * makes durable the records that survive that truncate.
 */
import type { DiskOp, DurableState } from '../protocol/contract.ts';
import type { LatencyDist } from './latency.ts';
import { sampleLatency } from './latency.ts';
import type { Rng } from './rng.ts';
import type { Micros } from './time.ts';

export interface DiskConfig {
  readonly fsync: LatencyDist;
  readonly writeMeta: LatencyDist;
  readonly snapshot: LatencyDist;
  readonly truncate: LatencyDist;
  /** Deleting old snapshots and log files (autopurge). */
  readonly purge: LatencyDist;
  /** Probability that an op (other than `append`) fails with EIO; 0 (the default) draws nothing. */
  readonly errorP: number;
}

/** The ops that complete (and so can fail). */
export type CompletingOp = Exclude<DiskOp, { op: 'append' }>['op'];
export const COMPLETING_OPS: readonly CompletingOp[] = ['fsync', 'writeMeta', 'snapshot', 'truncate', 'purge'];

/** A scripted failure: the `nth` (1 = next) op of kind `op` issued from now on fails with `error`. */
export interface DiskFailure {
  readonly op: CompletingOp;
  readonly nth: number;
  readonly error: string;
}

/** A local SSD: fsync ~0.5–1 ms typical, occasionally up to ~10 ms. */
export const DEFAULT_DISK: DiskConfig = Object.freeze({
  fsync: Object.freeze({ minUs: 400, tailMeanUs: 400, tailMaxUs: 10_000 }),
  writeMeta: Object.freeze({ minUs: 600, tailMeanUs: 400, tailMaxUs: 10_000 }),
  snapshot: Object.freeze({ minUs: 2_000, tailMeanUs: 2_000, tailMaxUs: 50_000 }),
  truncate: Object.freeze({ minUs: 400, tailMeanUs: 300, tailMaxUs: 10_000 }),
  purge: Object.freeze({ minUs: 400, tailMeanUs: 300, tailMaxUs: 10_000 }),
  errorP: 0,
});

/** An issued, not yet completed disk op. */
export interface PendingDiskOp {
  readonly id: number;
  readonly op: Exclude<DiskOp, { op: 'append' }>;
  /** fsync: log length at issue (everything before it becomes durable); lowered when a purge cuts
   *  the log's front or a failed fsync drops the page cache. */
  target: number;
  /** The I/O error this op completes with, or null (ok). Decided at issue. */
  readonly error: string | null;
  /** truncate that cut into the durable prefix: the durable log before it, for a crash mid-op. */
  restore: unknown[] | null;
}

export interface CrashOutcome {
  readonly durable: DurableState;
  /** Un-fsynced records lost. */
  readonly lost: number;
  /** Un-fsynced records that survived (torn write). */
  readonly kept: number;
}

export class Disk {
  /** Page-cache view of the txn log. */
  log: unknown[] = [];
  durableLen = 0;
  /** Completed (durable) snapshots, oldest first. */
  snapshots: unknown[] = [];
  /** Completed (durable) metadata writes. */
  meta: Record<string, unknown> = {};
  private pending: PendingDiskOp[] = [];
  private pendingHead = 0;
  private lastCompletion: Micros = 0;
  /** Scripted failures still armed: [op, ops of that kind still to pass before it, error]. */
  private armed: { op: CompletingOp; left: number; error: string }[] = [];

  constructor(public config: DiskConfig) {}

  /** Arms a scripted failure (`DiskFailure`). */
  failNext(f: DiskFailure): void {
    this.armed.push({ op: f.op, left: Math.max(1, Math.floor(f.nth)), error: f.error });
  }

  /** The error an op issued now completes with: a scripted failure first, then `errorP`. */
  private errorFor(op: CompletingOp, rng: Rng): string | null {
    let error: string | null = null;
    if (this.armed.length > 0) {
      for (let i = 0; i < this.armed.length; i++) {
        const a = this.armed[i]!;
        if (a.op !== op) continue;
        if (--a.left === 0 && error === null) {
          error = a.error;
          this.armed.splice(i--, 1);
        }
      }
    }
    const p = this.config.errorP;
    if (p > 0 && rng.chance(p) && error === null) error = 'EIO';
    return error;
  }

  /** Buffered append: immediate, not durable. */
  append(records: readonly unknown[]): void {
    for (let i = 0; i < records.length; i++) this.log.push(records[i]);
  }

  /** Issues a non-append op at `now`; returns it and its completion time (never before an earlier op's). */
  issue(id: number, op: PendingDiskOp['op'], now: Micros, rng: Rng): { pending: PendingDiskOp; at: Micros } {
    const error = this.armed.length > 0 || this.config.errorP > 0 ? this.errorFor(op.op, rng) : null;
    const pending: PendingDiskOp = { id, op, target: this.log.length, restore: null, error };
    if (op.op === 'purge') this.purge(op.snapshots, op.log);
    if (op.op === 'truncate') {
      const len = Math.max(0, op.length);
      if (len < this.durableLen) {
        if (!this.pending.slice(this.pendingHead).some((p) => p.restore !== null)) {
          pending.restore = this.log.slice(0, this.durableLen);
        }
        this.durableLen = len;
      }
      if (len < this.log.length) this.log.length = len;
    }
    const lat = sampleLatency(this.config[op.op], rng);
    let at = now + lat;
    if (at < this.lastCompletion) at = this.lastCompletion;
    this.lastCompletion = at;
    this.pending.push(pending);
    return { pending, at };
  }

  /** Deletes the oldest `snapshots` snapshots and the first `log` log records (at issue). Pending
   *  fsyncs and a pending truncate's restore copy lose the same front. */
  private purge(snapshots: number, log: number): void {
    const k = Math.min(Math.max(0, snapshots), this.snapshots.length);
    if (k > 0) this.snapshots.splice(0, k);
    const n = Math.min(Math.max(0, log), this.log.length);
    if (n === 0) return;
    this.log.splice(0, n);
    this.durableLen = Math.max(0, this.durableLen - n);
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      const q = this.pending[i] as PendingDiskOp;
      q.target = Math.max(0, q.target - n);
      if (q.restore !== null) q.restore.splice(0, Math.min(n, q.restore.length));
    }
  }

  /** Applies the completion of the oldest pending op (which must be `p`): it becomes durable, or
   *  its failure takes effect. */
  complete(p: PendingDiskOp): void {
    const head = this.pending[this.pendingHead];
    if (head !== p) throw new Error('disk: completion out of issue order');
    this.pending[this.pendingHead++] = undefined as unknown as PendingDiskOp;
    if (this.pendingHead > 64 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    const op = p.op;
    if (p.error !== null) {
      if (op.op === 'fsync') {
        // The failed write-back: what was not durable is gone, and no later fsync covers it.
        if (this.log.length > this.durableLen) this.log.length = this.durableLen;
        for (let i = this.pendingHead; i < this.pending.length; i++) {
          const q = this.pending[i] as PendingDiskOp;
          if (q.target > this.durableLen) q.target = this.durableLen;
        }
      } else if (op.op === 'truncate') p.restore = null;
      return;
    }
    switch (op.op) {
      case 'fsync': {
        const upto = Math.min(p.target, this.log.length);
        if (upto > this.durableLen) this.durableLen = upto;
        break;
      }
      case 'writeMeta':
        this.meta[op.key] = op.value;
        break;
      case 'snapshot':
        this.snapshots.push(op.snapshot);
        break;
      case 'truncate':
        p.restore = null;
        break;
      case 'purge':
        break;
    }
  }

  /** Number of issued ops not yet completed. */
  get inFlight(): number {
    return this.pending.length - this.pendingHead;
  }

  /** What is durable right now (no crash): for inspection and tests. */
  durableState(): DurableState {
    const restore = this.firstRestore();
    return {
      log: restore ?? this.log.slice(0, this.durableLen),
      snapshots: this.snapshots.slice(),
      meta: { ...this.meta },
    };
  }

  /** The machine died: drop everything not durable (keeping a torn prefix) and all in-flight ops.
   *  `keepLog` (a graceful stop: the process exits, the page cache survives): every appended log
   *  record is kept; in-flight ops are still dropped. */
  crash(faults: Rng, keepLog = false): CrashOutcome {
    const restore = this.firstRestore();
    let kept = 0;
    let lost = 0;
    if (restore !== null) {
      this.log = restore;
      lost = 0;
    } else {
      const unsynced = this.log.length - this.durableLen;
      if (unsynced > 0) {
        kept = keepLog ? unsynced : faults.int(unsynced + 1);
        lost = unsynced - kept;
        this.log.length = this.durableLen + kept;
      }
    }
    this.durableLen = this.log.length;
    this.pending = [];
    this.pendingHead = 0;
    this.lastCompletion = 0;
    // Armed failures stay armed: they are the disk's, not the process's.
    return {
      durable: { log: this.log.slice(), snapshots: this.snapshots.slice(), meta: { ...this.meta } },
      lost,
      kept,
    };
  }

  private firstRestore(): unknown[] | null {
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      const r = (this.pending[i] as PendingDiskOp).restore;
      if (r !== null) return r.slice();
    }
    return null;
  }
}
