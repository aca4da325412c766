/**
 * Test gate for suites that need a real ZooKeeper: outside CI they skip with a clear message when
 * none is installed; under `CI=true` they must run, so a missing install fails instead.
 */
import { realZookeeperAvailable } from './server.ts';

export interface RealGate {
  /** Run the real-server tests. */
  run: boolean;
  /** Why they are skipped, or why CI must fail. */
  reason?: string;
  /** CI=true and ZooKeeper is missing: the suite must fail. */
  mustFail: boolean;
}

export function realGate(): RealGate {
  const a = realZookeeperAvailable();
  if (a.ok) return { run: true, mustFail: false };
  const ci = process.env['CI'] === 'true';
  if (!ci) console.warn(`[skip] real ZooKeeper tests: ${a.reason}`);
  return { run: false, reason: a.reason ?? 'real ZooKeeper unavailable', mustFail: ci };
}
