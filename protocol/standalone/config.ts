/**
 * Standalone server knobs: the same ones the real server is configured with in the conformance
 * suite (zoo.cfg tickTime / session timeouts / extendedTypesEnabled, JVM properties
 * znode.container.checkIntervalMs and znode.container.maxNeverUsedIntervalMs, the super digest
 * (zookeeper.DigestAuthenticationProvider.superDigest) and jute.maxbuffer).
 */
export interface StandaloneConfig {
  readonly tickTimeMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly containerCheckIntervalMs: number;
  readonly maxNeverUsedIntervalMs: number;
  readonly extendedTypesEnabled: boolean;
  /** `user:base64(sha1(user:password))`; undefined = no super user. */
  readonly superDigest?: string;
  /** The server id in the top byte of session ids (standalone ZooKeeper uses 1). */
  readonly serverId: number;
  readonly juteMaxBuffer: number;
  /** Virtual time the server starts at. */
  readonly startTime: number;
}

/** ZooKeeper 3.8 defaults (extendedTypesEnabled is false in ZooKeeper; the goldens use true). */
export function standaloneConfig(overrides: Partial<StandaloneConfig> = {}): StandaloneConfig {
  const tickTime = overrides.tickTimeMs ?? 2000;
  return {
    tickTimeMs: tickTime,
    minSessionTimeoutMs: 2 * tickTime,
    maxSessionTimeoutMs: 20 * tickTime,
    containerCheckIntervalMs: 60_000,
    maxNeverUsedIntervalMs: 0,
    extendedTypesEnabled: false,
    serverId: 1,
    juteMaxBuffer: 0xfffff,
    startTime: 0,
    ...overrides,
  };
}
