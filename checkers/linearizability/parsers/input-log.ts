/**
 * Strict input, or counted skips: every line of a history is either used or reported. A parser
 * calls `problem(line, why)` for a line it cannot use (malformed, an unknown type, a truncated
 * end): by default that is a HistoryError naming file:line; with `lenient` the line is skipped
 * and listed. Lines that are understood and deliberately not checked (a nemesis's ops) are
 * counted with `ignore(what)`.
 */
import { HistoryError } from '../history-error.ts';

export interface InputOptions {
  /** Skip (and list) lines that cannot be used instead of refusing the file. */
  readonly lenient?: boolean;
  /** The register's initial value (cas-register); default nil. */
  readonly initial?: number | string | null;
}

export interface InputNotes {
  /** Understood but not checked, by kind (e.g. "nemesis ops": 12). */
  readonly ignored: Readonly<Record<string, number>>;
  /** Lines skipped under `lenient`, each with why. */
  readonly skipped: readonly { readonly line: number; readonly reason: string }[];
}

export class InputLog {
  private readonly ignoredCounts = new Map<string, number>();
  private readonly skippedLines: { line: number; reason: string }[] = [];

  constructor(
    readonly file: string,
    readonly lenient = false,
  ) {}

  /** Refuses the file (HistoryError), or under `lenient` records the line as skipped. */
  problem(line: number, reason: string): void {
    if (!this.lenient) throw new HistoryError(this.file, line, reason);
    this.skippedLines.push({ line, reason });
  }

  /** A HistoryError whatever the mode (an empty history, the wrong kind of file). */
  fatal(line: number, reason: string): never {
    throw new HistoryError(this.file, line, reason);
  }

  ignore(what: string): void {
    this.ignoredCounts.set(what, (this.ignoredCounts.get(what) ?? 0) + 1);
  }

  notes(): InputNotes {
    return {
      ignored: Object.fromEntries([...this.ignoredCounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      skipped: [...this.skippedLines].sort((a, b) => a.line - b.line),
    };
  }
}
