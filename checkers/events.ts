/** The typed event view now lives in the trace module (trace/view.ts). */
export * from '../trace/view.ts';
