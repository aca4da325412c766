/**
 * Where the shared read-only material lives: `$ZABSIM_SHARED`, else `../shared` beside the repo
 * root (CI clones the repo with shared/ next to it).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function sharedDir(sub = ''): string {
  const base = process.env['ZABSIM_SHARED'] ?? join(repoRoot, '..', 'shared');
  return join(base, sub);
}
