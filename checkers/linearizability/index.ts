/** The linearizability checker's public surface, for harnesses, reports and CLIs. */
export { checkHistory, DEFAULT_MAX_CACHE_BYTES } from './check.ts';
export type { CheckerSpec } from './check.ts';
export { explanationHtml } from './explain-html.ts';
export { explanationText } from './explain-text.ts';
export { generateCasHistory } from './cas-history-gen.ts';
export type { CasHistoryOptions } from './cas-history-gen.ts';
export type { InputNotes, InputOptions } from './parsers/input-log.ts';
export { HistoryError } from './history-error.ts';
export { findModel, MODELS } from './registry.ts';
export type { ModelEntry } from './registry.ts';
export { ZkHistoryWriter } from './zk-history-writer.ts';
export type { ZkCreateMode, ZkInitNode, ZkOpRecord, ZkResultRecord, ZkSubOpRecord } from './zk-history-writer.ts';
export type {
  CheckOptions,
  CheckResult,
  ExplainedOp,
  Explanation,
  Model,
  Operation,
  Part,
  PartReport,
  Verdict,
} from './types.ts';
