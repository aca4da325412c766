/** The planted-bug registry lives with the flags in protocol/ (`protocol/bugs.ts`). */
export * from '../protocol/bugs.ts';
