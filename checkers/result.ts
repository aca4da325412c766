/** Collects the violations of one checker, keeping the first few and counting the rest. */
import type { CheckOptions, CheckResult, Violation } from './types.ts';

export class Verdict {
  private readonly kept: Violation[] = [];
  private extra = 0;
  private readonly max: number;

  constructor(
    readonly name: string,
    options?: CheckOptions,
  ) {
    this.max = options?.maxViolations ?? 100;
  }

  add(t: number, node: string | undefined, message: string, records: readonly number[]): void {
    if (this.kept.length >= this.max) {
      this.extra++;
      return;
    }
    this.kept.push(node === undefined ? { t, message, records } : { t, node, message, records });
  }

  get count(): number {
    return this.kept.length + this.extra;
  }

  result(): CheckResult {
    const ok = this.count === 0;
    return this.extra > 0
      ? { name: this.name, ok, violations: this.kept, omitted: this.extra }
      : { name: this.name, ok, violations: this.kept };
  }
}

export type PassCache<T> = WeakMap<readonly unknown[], { key: string; length: number; value: T }>;

/**
 * Memoizes a pass that several checkers share (one pass computes several verdicts): keyed by the
 * trace array, valid while its length and the options are unchanged.
 */
export function sharedPass<T>(cache: PassCache<T>, records: readonly unknown[], options: CheckOptions | undefined, compute: () => T): T {
  const key = JSON.stringify(options ?? {});
  const hit = cache.get(records);
  if (hit !== undefined && hit.key === key && hit.length === records.length) return hit.value;
  const value = compute();
  cache.set(records, { key, length: records.length, value });
  return value;
}
