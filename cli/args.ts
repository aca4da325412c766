/**
 * What every command line shares: a usage error (reported as one line, exit 2), the reader of an
 * option's value, a safe mkdir -p, and the guard that runs a CLI only when its file is the
 * program's entry point (tests import the same modules and call `runCli` themselves).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export class UsageError extends Error {}

/** The value after option `argv[i]`; throws a UsageError when it is missing or is another option. */
export function optionValue(argv: readonly string[], i: number): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${argv[i]} needs a value`);
  return v;
}

/** Runs `main` when the module at `moduleUrl` is the entry point, setting the exit code it returns. */
export function runIfMain(moduleUrl: string, main: () => Promise<number>): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(resolve(entry)).href) return;
  main().then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}

/**
 * mkdir -p one level at a time (Node's recursive mkdirSync can spin forever under /proc); a
 * problem is a UsageError naming `what` (e.g. "--out directory").
 */
export function ensureDir(dir: string, what: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${what} ${dir} is not a directory`);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent, what);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new UsageError(`cannot create ${what} ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
