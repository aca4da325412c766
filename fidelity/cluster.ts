/**
 * One story, two ensembles: the `Cluster` steps every situation (`situations.ts`) is written in, with
 * a real 3.8 implementation (`RealCluster`: JVMs, signals, the real servers' logs, the npm
 * `node-zookeeper-client` and our own wire client) and a simulated one (`SimCluster`: the
 * `Ensemble` driver, virtual time). Times are milliseconds from `mark()`; on the real side wall
 * time (with the servers' own log timestamps where they log the instant), on the sim side virtual time.
 */

/** What a server's sync with its leader was, as the learner saw it. */
export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export interface Cluster {
  readonly kind: 'real' | 'sim';
  /** Starts servers (all, by default). The sim delays each by the real side's measured skew. */
  start(ids?: readonly number[]): Promise<void>;
  /** Waits until one running server leads and every running server serves; returns the leader. */
  waitServing(timeoutMs?: number): Promise<number>;
  kill(id: number): Promise<void>;
  pause(id: number): Promise<void>;
  resume(id: number): Promise<void>;
  /** Time origin of the next measurements (ms). */
  mark(): Promise<number>;
  /** Milliseconds since the last `mark`. */
  since(): Promise<number>;
  /** Sequential persistent creates `/prefix-i` through a client connected to every server; the acked paths. */
  writes(prefix: string, n: number, opts?: { killLeaderAfter?: number }): Promise<{ acked: string[]; sessionKept: boolean; killed?: number }>;
  /** The paths (children of `/`) a fresh client reads from the leader. */
  children(): Promise<string[]>;
  /** The last zxid each running server reports (srvr on the real side). */
  zxid(id: number): Promise<number>;
  /** How each learner synced in its most recent sync since the last `mark` (by myid). */
  syncModes(): Promise<Map<number, SyncMode>>;
  /** When (ms since mark) the current leader had its NEWLEADER quorum, if it logged it since the mark. */
  establishedAtMs(): Promise<number | null>;
  /** A client session with an ephemeral node, then frozen (no pings, no requests): ms from the freeze
   *  to the ephemeral's disappearance as another client sees it. */
  frozenClientExpiryMs(timeoutMs: number): Promise<number>;
  /** An uncommitted proposal at the leader: pause the followers, write through the leader (never
   *  acknowledged), wait for it to be logged, then kill all three. */
  leaderLogsAlone(): Promise<number>;
  /** Real side only: the start-up skew of every `start` call, in order (ms per server, from the
   *  earliest of that call); the simulator replays them, in the same order. */
  startSkewsMs?(): (number[] | undefined)[];
  close(): Promise<void>;
}
