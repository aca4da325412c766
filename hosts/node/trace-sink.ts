/**
 * Where the Node host's trace goes: the simulator's format (`trace/`: a header record, then one
 * record per line in the order things happened), so every checker, the timeline and the narration
 * read a real-host trace as they read a simulated one. `t` is integer µs since the host started
 * (monotonic clock), the one global clock a single host process has.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { RecordOf, TraceRecord } from '../../trace/records.ts';
import { SCHEMA_VERSION } from '../../trace/schema.ts';

export interface TraceSink {
  write(r: TraceRecord): void;
  /** Flush (and close a file). */
  close(): void;
}

export function headerRecord(nodes: readonly string[], seed: string, servers?: RecordOf<'header'>['servers']): TraceRecord {
  return { t: 0, node: '*', ev: 'header', schema: SCHEMA_VERSION, seed, nodes: [...nodes], ...(servers === undefined ? {} : { servers }) };
}

/** Keeps the records in memory (tests read `records`). */
export class MemorySink implements TraceSink {
  readonly records: TraceRecord[] = [];
  write(r: TraceRecord): void {
    this.records.push(r);
  }
  close(): void {}
}

/** Appends JSONL to a file, flushed in batches (at 256 KiB and at `close`). */
export class JsonlSink implements TraceSink {
  private fd: number;
  private lines: string[] = [];
  private bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(r: TraceRecord): void {
    const line = JSON.stringify(r) + '\n';
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes > 256 * 1024) this.flush();
  }

  flush(): void {
    if (this.fd < 0 || this.lines.length === 0) return;
    writeSync(this.fd, this.lines.join(''));
    this.lines = [];
    this.bytes = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Writes to several sinks. */
export function teeSink(...sinks: TraceSink[]): TraceSink {
  return {
    write: (r) => sinks.forEach((s) => s.write(r)),
    close: () => sinks.forEach((s) => s.close()),
  };
}
