/**
 * The record types, derived from the schema tables (`schema.ts`): one discriminated union over `ev`
 * (and over `fault` / `event` within), no open index signature. A reader that switches on `ev` and
 * `event` gets typed fields; a renamed field is a compile error at every reader.
 */
import type { Shape } from './fields.ts';
import type { EVENTS, FAULTS, KERNEL } from './schema.ts';

type Flat<T> = { [K in keyof T]: T[K] } & {};

/** Every record has these: `t` in integer µs of global virtual time, `node` the NodeId or '*'. */
export interface RecordBase {
  readonly t: number;
  readonly node: string;
}

/** Names of node trace events (`protocol/contract.ts` `Effect` kind 'trace'). */
export type EventName = keyof typeof EVENTS;
/** The `data` of node event `N`. */
export type EventData<N extends EventName> = Shape<(typeof EVENTS)[N]>;
/** A node event: `event` selects the type of `data`. */
export type NodeEvent = { [N in EventName]: { readonly event: N; readonly data: EventData<N> } }[EventName];
/** A node event of one of the given names. */
export type NodeEventOf<N extends EventName> = Extract<NodeEvent, { event: N }>;

type Plain = Exclude<keyof typeof KERNEL, 'fault' | 'trace'>;
export type KernelRecord = { [N in Plain]: Flat<RecordBase & { readonly ev: N } & Shape<(typeof KERNEL)[N]>> }[Plain];

export type FaultName = keyof typeof FAULTS;
export type FaultRecord = {
  [N in FaultName]: Flat<RecordBase & { readonly ev: 'fault'; readonly fault: N } & Shape<(typeof FAULTS)[N]>>;
}[FaultName];
/** A fault as the kernel hands it to the trace (without `t`, `node`, `ev`). */
export type FaultData = { [N in FaultName]: Flat<{ readonly fault: N } & Shape<(typeof FAULTS)[N]>> }[FaultName];

export type EventRecord = { [N in EventName]: RecordBase & { readonly ev: 'trace'; readonly event: N; readonly data: EventData<N> } }[EventName];
/** The `trace` record of one node event. */
export type EventRecordOf<N extends EventName> = Extract<EventRecord, { event: N }>;

/** One record of the trace. */
export type TraceRecord = KernelRecord | FaultRecord | EventRecord;
export type RecordKind = TraceRecord['ev'];
/** The records of one kind. */
export type RecordOf<K extends RecordKind> = Extract<TraceRecord, { ev: K }>;
export type HeaderRecord = RecordOf<'header'>;
