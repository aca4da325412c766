/**
 * A transcript node's disk, driven by hand: `append` lands in the page cache at once, every other op
 * waits in issue order until the transcript completes it (`disk` command). A crash keeps the durable
 * log plus the first `torn` un-fsynced records (default none), and loses every op still pending.
 *
 * The same semantics as the simulator's disk (`sim/disk.ts`), without latencies or randomness: the
 * transcript decides when an op completes, whether it fails (`disk s1 error=EIO`) and how much of an
 * un-fsynced tail survives a crash.
 */
import type { DiskOp, DurableState } from '../contract.ts';

export interface PendingOp {
  readonly id: number;
  readonly op: Exclude<DiskOp, { op: 'append' }>;
  /** fsync: the log length when it was issued (everything before becomes durable). */
  target: number;
}

export class MemDisk {
  /** Page-cache view of the txn log. */
  log: unknown[] = [];
  durableLen = 0;
  snapshots: unknown[] = [];
  meta: Record<string, unknown> = {};
  pending: PendingOp[] = [];
  /** A truncate still pending that cut into the durable prefix: the durable log before it. */
  private restore: unknown[] | null = null;

  append(records: readonly unknown[]): void {
    for (const r of records) this.log.push(r);
  }

  issue(id: number, op: PendingOp['op']): void {
    if (op.op === 'truncate') {
      const len = Math.max(0, op.length);
      if (len < this.durableLen) {
        if (this.restore === null) this.restore = this.log.slice(0, this.durableLen);
        this.durableLen = len;
      }
      if (len < this.log.length) this.log.length = len;
    }
    if (op.op === 'purge') {
      this.snapshots.splice(0, Math.max(0, op.snapshots));
      const n = Math.min(Math.max(0, op.log), this.log.length);
      this.log.splice(0, n);
      this.durableLen = Math.max(0, this.durableLen - n);
      for (const q of this.pending) q.target = Math.max(0, q.target - n);
      if (this.restore !== null) this.restore.splice(0, n);
    }
    this.pending.push({ id, op, target: this.log.length });
  }

  /** Completes the oldest pending op and returns it; with `error` it fails instead (a failed fsync
   *  drops the un-fsynced records from the page cache, as the simulator's disk does). */
  completeHead(error?: string): PendingOp {
    const p = this.pending.shift();
    if (!p) throw new Error('disk: nothing pending');
    if (error !== undefined) {
      if (p.op.op === 'fsync') {
        if (this.log.length > this.durableLen) this.log.length = this.durableLen;
        for (const q of this.pending) q.target = Math.min(q.target, this.durableLen);
      }
      return p;
    }
    switch (p.op.op) {
      case 'fsync':
        this.durableLen = Math.max(this.durableLen, Math.min(p.target, this.log.length));
        break;
      case 'writeMeta':
        this.meta[p.op.key] = p.op.value;
        break;
      case 'snapshot':
        this.snapshots.push(p.op.snapshot);
        break;
      case 'truncate':
        if (!this.pending.some((q) => q.op.op === 'truncate')) this.restore = null;
        break;
    }
    return p;
  }

  /** The process died: keep the durable log and `torn` records of the un-fsynced tail. */
  crash(torn: number): { durable: DurableState; lost: number; kept: number } {
    let kept = 0;
    let lost = 0;
    if (this.restore !== null) {
      this.log = this.restore;
      this.restore = null;
    } else {
      const unsynced = this.log.length - this.durableLen;
      kept = Math.min(Math.max(0, torn), unsynced);
      lost = unsynced - kept;
      this.log.length = this.durableLen + kept;
    }
    this.durableLen = this.log.length;
    this.pending = [];
    return { durable: this.durable(), lost, kept };
  }

  durable(): DurableState {
    return { log: this.log.slice(0, this.durableLen), snapshots: this.snapshots.slice(), meta: { ...this.meta } };
  }
}
