/**
 * `explore --merge DIR...`: the failures of many explore shards (or machines) as one result. Reads
 * every `failure-S-I.json` in the given directories; a run found twice (the same seed and index,
 * e.g. a shard re-run) is kept once, preferring a finished shrink over an unshrunk first write.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MergedFailure {
  readonly file: string;
  readonly seed: number;
  readonly index: number;
  readonly caseSeed: number;
  readonly failures: readonly string[];
  readonly error?: string;
  /** Shrinking finished (the file holds the shrunk case). */
  readonly shrunk: boolean;
}

/** Reads the failure files of `dirs`; throws an Error naming the file that is not one. */
export function readFailures(dirs: readonly string[]): MergedFailure[] {
  const byRun = new Map<string, MergedFailure>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      throw new Error(`cannot read directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    for (const name of names.filter((n) => /^failure-\d+-\d+\.json$/.test(n)).sort()) {
      const file = join(dir, name);
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        throw new Error(`${file}: not a JSON failure file`);
      }
      if (typeof o['seed'] !== 'number' || typeof o['index'] !== 'number' || !Array.isArray(o['failures'])) throw new Error(`${file}: not an explore failure file (no seed/index/failures)`);
      const f: MergedFailure = {
        file,
        seed: o['seed'],
        index: o['index'],
        caseSeed: typeof o['caseSeed'] === 'number' ? o['caseSeed'] : o['seed'] + o['index'],
        failures: o['failures'] as string[],
        ...(typeof o['error'] === 'string' ? { error: o['error'] } : {}),
        shrunk: o['shrinking'] === undefined && o['shrunk'] !== undefined,
      };
      const key = `${f.seed}-${f.index}`;
      const prior = byRun.get(key);
      if (prior === undefined || (!prior.shrunk && f.shrunk)) byRun.set(key, f);
    }
  }
  return [...byRun.values()].sort((x, y) => x.seed - y.seed || x.index - y.index);
}
