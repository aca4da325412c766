/**
 * Looking things up in a run's trace for a lesson's steps: the first node event, kernel record or
 * fault matching a condition after a time. A lookup that finds nothing throws a `LessonError`
 * naming what was missing (the lesson no longer matches its scenario).
 */
import type { EventData, EventName, RecordOf, TraceRecord } from '../../trace/records.ts';

export class LessonError extends Error {}

export interface Hit<D> {
  readonly t: number;
  readonly node: string;
  readonly data: D;
}

type NodeRecordKind = 'boot' | 'restart' | 'crash' | 'pause' | 'resume';

export class Find {
  constructor(
    readonly records: readonly TraceRecord[],
    private readonly lesson: string,
  ) {}

  /** The end of the run (µs). */
  get end(): number {
    return this.records[this.records.length - 1]?.t ?? 0;
  }

  /** Every node event `name` at or after `afterUs` satisfying `pred`, in order. */
  events<N extends EventName>(name: N, pred: (h: Hit<EventData<N>>) => boolean = () => true, afterUs = 0): Hit<EventData<N>>[] {
    const out: Hit<EventData<N>>[] = [];
    for (const r of this.records) {
      if (r.t < afterUs || r.ev !== 'trace' || r.event !== name) continue;
      const h = { t: r.t, node: r.node, data: r.data as EventData<N> };
      if (pred(h)) out.push(h);
    }
    return out;
  }

  /** The first node event `name` at or after `afterUs` satisfying `pred`. */
  event<N extends EventName>(name: N, pred: (h: Hit<EventData<N>>) => boolean = () => true, afterUs = 0): Hit<EventData<N>> {
    for (const r of this.records) {
      if (r.t < afterUs || r.ev !== 'trace' || r.event !== name) continue;
      const h = { t: r.t, node: r.node, data: r.data as EventData<N> };
      if (pred(h)) return h;
    }
    throw new LessonError(`lesson ${this.lesson}: no ${name} event after t=${afterUs / 1e6}s matches the step`);
  }

  /** The first kernel record of a node's life (boot, restart, crash, pause, resume). */
  node(kind: NodeRecordKind, node?: string, afterUs = 0): Hit<Record<string, unknown>> {
    for (const r of this.records) {
      if (r.t < afterUs || r.ev !== kind || (node !== undefined && r.node !== node)) continue;
      return { t: r.t, node: r.node, data: r as unknown as Record<string, unknown> };
    }
    throw new LessonError(`lesson ${this.lesson}: no ${kind}${node !== undefined ? ` of ${node}` : ''} after t=${afterUs / 1e6}s`);
  }

  /** The first watch event or connection-state change client `node` told its application of (a
   *  `notify` record) at or after `afterUs` satisfying `pred`. */
  notify(node: string, pred: (r: RecordOf<'notify'>) => boolean = () => true, afterUs = 0): Hit<RecordOf<'notify'>> {
    for (const r of this.records) {
      if (r.t < afterUs || r.ev !== 'notify' || r.node !== node || !pred(r)) continue;
      return { t: r.t, node: r.node, data: r };
    }
    throw new LessonError(`lesson ${this.lesson}: no notify of ${node} after t=${afterUs / 1e6}s matches the step`);
  }

  /** The first network/disk fault of this kind (partition, isolate, heal, ...). */
  fault(kind: string, afterUs = 0): Hit<Record<string, unknown>> {
    for (const r of this.records) {
      if (r.t < afterUs || r.ev !== 'fault' || r.fault !== kind) continue;
      return { t: r.t, node: r.node, data: r as unknown as Record<string, unknown> };
    }
    throw new LessonError(`lesson ${this.lesson}: no ${kind} fault after t=${afterUs / 1e6}s`);
  }

  /** A server's election credential in the election it starts at or after `afterUs`:
   *  `(epoch E, zxid 0x..., myid N)`. */
  credential(node: string, afterUs = 0): string {
    const v = this.event('election.start', (h) => h.node === node, afterUs).data.vote;
    return `(epoch ${v.peerEpoch}, zxid 0x${v.zxid.toString(16)}, myid ${v.leader})`;
  }
}

/** `0x100000003` */
export function hex(zxid: number): string {
  return '0x' + zxid.toString(16);
}
