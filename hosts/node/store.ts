/**
 * One server's data directory: the txn log, snapshots and the meta files (acceptedEpoch,
 * currentEpoch, ...), on real files with fsync. The `DiskOp`s of `protocol/contract.ts` map to:
 *
 * - `append`: the records go to a buffer in this process (like a FileTxnLog's BufferedOutputStream),
 *   NOT to the file: a crash (`kill -9`, `crash()`) loses them. `crash()` also cuts records an
 *   fsync was writing when it hit (their completion never reached the node), so an in-process
 *   crash loses exactly the records whose fsync had not completed; a real `kill -9` of the process
 *   may keep some of those (a torn tail, as the simulator's crash may).
 * - `fsync`: write the buffered records to `log` (one frame each, `framing.ts`), then `fsync` it.
 * - `truncate`: cut the log to its first `length` records (`ftruncate` + fsync; buffered records past
 *   the cut are dropped).
 * - `writeMeta`: write `meta.<key>.tmp`, fsync, rename to `meta.<key>`, fsync the directory.
 * - `snapshot`: the same with `snap.<n>` (n = 1, 2, ... in the order taken).
 * - `purge` (autopurge): the log without its first `log` records is written to `log.tmp`, fsynced
 *   and renamed over `log` (a crash leaves the old or the new file), then the oldest `snapshots`
 *   `snap.<n>` files are unlinked, oldest first, and the directory fsynced. Shortcut: the log is one
 *   file, so deleting "old log files" rewrites it.
 *
 * Ordering rule (`protocol/contract.ts` DiskOp): every op (appends included) is carried out in issue
 * order, one at a time, on one queue per store; an op's completion is reported after all earlier
 * ops completed. So a `fsync` makes durable exactly the records appended before it was issued, a
 * completion never overtakes an earlier one, and an op never reaches the disk before an earlier one
 * — more than the contract promises (the simulator applies `truncate` and `purge` at issue).
 *
 * Errors: an op that throws completes with `{ ok: false, error: <errno name>, detail }` (EIO when
 * the error has no code). A failed `fsync` leaves its records in doubt, as the contract says: they
 * were handed to the file (or not) but never confirmed; the node then truncates the log to what it
 * saw durable, which cuts them from the file. `failNext` injects an error (tests, `cluster.ts`).
 *
 * `load()` rebuilds the `DurableState` from the files: the log's valid frames (a torn or corrupt
 * tail — a crash in the middle of a write — is dropped and cut from the file), every `snap.<n>`,
 * every `meta.<key>`; leftover `*.tmp` files are removed.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskOp, DurableState } from '../../protocol/contract.ts';

type CompletingOp = Exclude<DiskOp, { op: 'append' }>;
import { decodeFrames, encodeFrame } from './framing.ts';

/** An op's outcome: the contract's `DiskStatus` plus, for an error, the message to log. */
export type StoreResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly detail: string };

export interface LoadResult {
  readonly durable: DurableState;
  /** A torn or corrupt tail was cut from the log: why, and how many bytes. */
  readonly tornBytes: number;
  readonly torn?: string;
}

const LOG = 'log';

export class FileStore {
  /** Records appended and not yet written to the file (lost at a crash). */
  private buffer: unknown[] = [];
  /** Byte offset of the end of each record in the log file. */
  private ends: number[] = [];
  /** Records in the file as of the last completed fsync/truncate: what the node knows is durable. */
  private confirmed = 0;
  /** Byte length of those records. */
  private confirmedBytes = 0;
  private log: FileHandle | null = null;
  private chain: Promise<void> = Promise.resolve();
  private snapCount = 0;
  private dead = false;
  private inFlight = 0;
  /** Records in append ops still queued (not yet in `buffer`). */
  private queuedRecords = 0;
  /** Injected failures: the next op of kind `op` fails with `error` (one each). */
  private failures: { op: CompletingOp['op']; error: string }[] = [];

  constructor(readonly dir: string) {}

  /** Reads what the files hold (and repairs a torn log tail). Call before any op. */
  load(): LoadResult {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) if (f.endsWith('.tmp')) rmSync(join(this.dir, f), { force: true });
    const logPath = join(this.dir, LOG);
    let bytes: Buffer;
    try {
      bytes = readFileSync(logPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      bytes = Buffer.alloc(0);
    }
    const d = decodeFrames(bytes);
    const tornBytes = bytes.length - d.used;
    if (tornBytes > 0) {
      truncateSync(logPath, d.used);
      const fd = openSync(logPath, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.ends = d.ends;
    this.confirmed = d.ends.length;
    this.confirmedBytes = d.used;
    const snapshots: { n: number; value: unknown }[] = [];
    const meta: Record<string, unknown> = {};
    for (const f of readdirSync(this.dir).sort()) {
      const snap = /^snap\.(\d+)$/.exec(f);
      if (snap) snapshots.push({ n: Number(snap[1]), value: JSON.parse(readFileSync(join(this.dir, f), 'utf8')) });
      const m = /^meta\.(.+)$/.exec(f);
      if (m) meta[m[1]!] = JSON.parse(readFileSync(join(this.dir, f), 'utf8'));
    }
    snapshots.sort((a, b) => a.n - b.n);
    this.snapCount = snapshots.length === 0 ? 0 : snapshots[snapshots.length - 1]!.n;
    const torn = tornBytes === 0 ? {} : { torn: d.corrupt ?? 'incomplete last record' };
    return { durable: { log: d.values, snapshots: snapshots.map((s) => s.value), meta }, tornBytes, ...torn };
  }

  /** Buffered append (no completion). */
  append(records: readonly unknown[]): void {
    if (this.dead) return;
    this.queuedRecords += records.length;
    this.enqueue(async () => {
      this.queuedRecords -= records.length;
      for (const r of records) this.buffer.push(r);
    });
  }

  /** Any other op: resolves with its status once it (and every op before it) is done. */
  issue(op: CompletingOp): Promise<StoreResult> {
    return new Promise((resolve) => {
      this.enqueue(async () => {
        try {
          const i = this.failures.findIndex((f) => f.op === op.op);
          if (i >= 0) {
            const f = this.failures.splice(i, 1)[0]!;
            await this.fail(op, f.error);
          }
          await this.run(op);
          resolve({ ok: true });
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          const code = typeof err.code === 'string' && /^E[A-Z0-9]+$/.test(err.code) ? err.code : 'EIO';
          resolve({ ok: false, error: code, detail: `${op.op} failed: ${err.code ?? ''} ${err.message}`.trim() });
        }
      });
    });
  }

  /** Injects an I/O error: the next `op` this store carries out fails with `error` (an errno name). */
  failNext(op: CompletingOp['op'], error = 'EIO'): void {
    this.failures.push({ op, error });
  }

  /** An injected failure, as the real one would leave things: a failed fsync wrote its records (or
   *  some of them) but never confirmed them; the other ops do nothing. */
  private async fail(op: CompletingOp, error: string): Promise<never> {
    if (op.op === 'fsync' && this.buffer.length > 0) {
      const fh = await this.logFile();
      const frames = this.buffer.map(encodeFrame);
      this.buffer = [];
      let end = this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!;
      for (const f of frames) this.ends.push((end += f.length));
      await fh.writeFile(Buffer.concat(frames));
    }
    const e = new Error(`injected ${error}`) as NodeJS.ErrnoException;
    e.code = error;
    throw e;
  }

  /** Ops issued and not yet done. */
  get pending(): number {
    return this.inFlight;
  }

  /** The process died: buffered records are lost, queued ops never run. Resolves when the op that
   *  was running (its I/O cannot be recalled) has finished. */
  async crash(): Promise<void> {
    this.dropBuffered();
    await this.chain;
    // An fsync that was running wrote records whose completion the node never got: they are cut,
    // so the crash loses exactly what `dropBuffered` counted (the trace's `crash` record says so).
    const fh = this.log;
    if (fh !== null && this.ends.length > this.confirmed) {
      await fh.truncate(this.confirmedBytes).catch(() => undefined);
      await fh.sync().catch(() => undefined);
      this.ends.length = this.confirmed;
    }
    await this.closeLog();
  }

  /** The crash itself (synchronous): stops the queue and returns how many appended records whose
   *  fsync never completed are lost (buffered, queued, or being written by a running fsync). */
  dropBuffered(): number {
    const lost = this.dead ? 0 : this.unsynced;
    this.dead = true;
    this.buffer = [];
    return lost;
  }

  /** Records appended whose fsync has not completed (buffered, queued, or being written). */
  get unsynced(): number {
    return this.buffer.length + this.queuedRecords + Math.max(0, this.ends.length - this.confirmed);
  }

  /** Graceful stop: every issued op completes, records still buffered are written and fsynced
   *  (a process that exits leaves them in the page cache), then the files are closed. */
  async close(): Promise<void> {
    this.enqueue(async () => {
      if (this.buffer.length > 0) await this.run({ op: 'fsync' });
    });
    await this.chain;
    this.dead = true;
    await this.closeLog();
  }

  private async closeLog(): Promise<void> {
    const fh = this.log;
    this.log = null;
    if (fh !== null) await fh.close().catch(() => undefined);
  }

  private enqueue(task: () => Promise<void>): void {
    this.inFlight++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.dead) await task();
      } finally {
        this.inFlight--;
      }
    });
  }

  private confirm(): void {
    if (this.dead) return; // the crash came first: the node never hears of this op
    this.confirmed = this.ends.length;
    this.confirmedBytes = this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!;
  }

  private async logFile(): Promise<FileHandle> {
    if (this.log === null) this.log = await open(join(this.dir, LOG), 'a');
    return this.log;
  }

  private async run(op: CompletingOp): Promise<void> {
    switch (op.op) {
      case 'fsync': {
        const fh = await this.logFile();
        if (this.buffer.length > 0) {
          const frames = this.buffer.map(encodeFrame);
          this.buffer = [];
          let end = this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!;
          for (const f of frames) this.ends.push((end += f.length));
          await fh.writeFile(Buffer.concat(frames));
        }
        await fh.sync();
        this.confirm();
        return;
      }
      case 'truncate': {
        const len = Math.max(0, op.length);
        const inFile = this.ends.length;
        if (len >= inFile) {
          this.buffer.length = Math.min(this.buffer.length, len - inFile);
          return;
        }
        this.buffer = [];
        this.ends.length = len;
        const fh = await this.logFile();
        await fh.truncate(len === 0 ? 0 : this.ends[len - 1]!);
        await fh.sync();
        this.confirm();
        return;
      }
      case 'writeMeta':
        return this.replaceFile(`meta.${op.key}`, op.value);
      case 'snapshot':
        return this.replaceFile(`snap.${++this.snapCount}`, op.snapshot);
      case 'purge':
        return this.purge(op.snapshots, op.log);
    }
  }

  /** Deletes the first `log` records (only confirmed ones: the node names records it saw durable)
   *  and the oldest `snapshots` snapshot files. */
  private async purge(snapshots: number, log: number): Promise<void> {
    const n = Math.min(Math.max(0, log), this.confirmed);
    if (n > 0) {
      const cut = this.ends[n - 1]!;
      const size = this.ends[this.ends.length - 1]!;
      await this.closeLog();
      const rest = readFileSync(join(this.dir, LOG)).subarray(cut, size);
      const tmp = join(this.dir, `${LOG}.tmp`);
      const out = await open(tmp, 'w');
      try {
        await out.writeFile(rest);
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, join(this.dir, LOG));
      this.ends = this.ends.slice(n).map((e) => e - cut);
      this.confirmed -= n;
      this.confirmedBytes -= cut;
    }
    const k = Math.max(0, snapshots);
    if (k > 0) {
      const snaps = readdirSync(this.dir)
        .map((f) => /^snap\.(\d+)$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b)
        .slice(0, k);
      for (const x of snaps) await unlink(join(this.dir, `snap.${x}`));
    }
    if (n > 0 || k > 0) await this.syncDir();
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Write temp, fsync, rename, fsync the directory: the file is either old or new after a crash. */
  private async replaceFile(name: string, value: unknown): Promise<void> {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`bad file name ${name}`);
    const tmp = join(this.dir, `${name}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(value));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, name));
    await this.syncDir();
  }
}
