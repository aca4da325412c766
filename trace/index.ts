/** The trace module: record types, schema, the strict decoder and the checkers' typed view. */
export { SCHEMA_VERSION, KERNEL, FAULTS, EVENTS } from './schema.ts';
export type {
  EventData,
  EventName,
  EventRecord,
  EventRecordOf,
  FaultData,
  FaultName,
  FaultRecord,
  HeaderRecord,
  KernelRecord,
  NodeEvent,
  NodeEventOf,
  RecordBase,
  RecordKind,
  RecordOf,
  TraceRecord,
} from './records.ts';
export { TraceError, decodeRecords, parseJsonl, recordProblem } from './decode.ts';
export type { DecodeOptions } from './decode.ts';
export { decode, isServer, serverNames, sidOf } from './view.ts';
export type { Decoded, TxnInfo, VoteInfo, ZEvent } from './view.ts';
