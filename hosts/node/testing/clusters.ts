/**
 * Clusters and temporary folders for a test file: `const { cluster, tempDir } = clustersForTests('x')`
 * registers an `afterEach` that closes every cluster it started and removes every folder it made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startCluster, type Cluster } from '../cluster.ts';

export function clustersForTests(name: string): {
  cluster(o: Parameters<typeof startCluster>[0]): Promise<Cluster>;
  tempDir(): string;
} {
  const open: Cluster[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    async cluster(o) {
      const c = await startCluster(o);
      open.push(c);
      return c;
    },
    tempDir() {
      const d = mkdtempSync(join(tmpdir(), `zabsim-${name}-`));
      dirs.push(d);
      return d;
    },
  };
}
