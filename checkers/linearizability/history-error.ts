/** A malformed history: one message naming the file and the line. */
export class HistoryError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'HistoryError';
  }
}
