/**
 * LearnerJoin — availability while the run is still faulty (Liveness judges only after the heal):
 * a learner that starts syncing with an *established* leader while nothing in the run is faulty
 * joins it (`serving`), unless one of them crashes or the leader leaves LEADING first (its
 * `zab.abandon` counts: the LOOKING state follows only after the role teardown). A failed
 * sync (the learner abandons, the leader drops it) or one still unfinished after
 * `learnerJoinBoundUs` is a violation.
 *
 * Why 3.8 meets it: with no fault active, the learner's FOLLOWERINFO → LEADERINFO → ACKEPOCH →
 * DIFF/TRUNC/SNAP → NEWLEADER → ACK → UPTODATE exchange takes a few round trips and disk writes
 * (milliseconds). The leader gives the learner initLimit ticks to ack NEWLEADER and syncLimit ticks
 * per later packet (LearnerHandler's socket timeouts), so a sync still open after
 * `(initLimit + syncLimit) * tickTime` has hung (default bound: (10 + 5) * 2 s). Nothing in a
 * fault-free sync makes a correct learner abandon or a correct leader drop it: every packet the
 * leader may send between DIFF and UPTODATE — proposals and commits of writes in flight too — must
 * be accepted (ZOOKEEPER-4685: acking those proposals before NEWLEADER made the leader drop the
 * learner; ZOOKEEPER-4394: a COMMIT between NEWLEADER and UPTODATE killed it).
 *
 * "Nothing faulty" from before the attempt's first record to its end (a packet delayed, clogged or
 * cut earlier belongs to an older connection, which both ends ignore): no partition or isolation
 * anywhere (until `heal`); at the learner and the leader no cut or clogged link, no link with loss,
 * duplication, reordering or a minimum latency over 1 ms, no pause, no disk slowed to ≥ 5 ms an
 * op, no disk failing ops (an `errorP` above 0, or a disk op that completed with an error: the
 * server then gives up its role or exits, as 3.8 does). Faults elsewhere — other servers crashing, restarting, cut off — are allowed: if they cost the
 * leader its quorum it leaves LEADING, which ends the judgement. Clock drift and jumps are not
 * faults here (timers run on monotonic clocks, a sync takes milliseconds). Not judged either:
 * - a learner whose acceptedEpoch is above the leader's epoch (3.8's registerWithLeader refuses such
 *   a leader: "Leaders epoch ... is less than accepted epoch"; FLE sends it back at once — faithful);
 * - a sync that started before the leader was established (the initial sync of a new epoch: its
 *   failures are elections, judged by Liveness after the heal).
 */
import type { TraceRecord } from '../trace/records.ts';
import { Verdict } from './result.ts';
import type { CheckOptions, CheckResult } from './types.ts';

/** 3.8's defaults: (initLimit 10 + syncLimit 5) ticks of 2000 ms. */
export const DEFAULT_LEARNER_JOIN_BOUND_US = (10 + 5) * 2_000_000;
/** A link slower than this minimum one-way latency (µs) counts as faulty. */
const SLOW_LINK_US = 1_000;
/** A disk op slower than this minimum latency (µs) counts as faulty. */
const SLOW_DISK_US = 5_000;

interface Attempt {
  readonly learner: string;
  readonly leader: string;
  readonly epoch: number;
  /** The leader's establishment this attempt started under (a counter per leader). */
  readonly token: number;
  readonly start: number;
  readonly i: number;
  /** The leader's last `zab.learnerDropped` of this learner (a witness). */
  dropped?: { i: number; reason: string };
  stalled: boolean;
}

function slowLatency(l: unknown): boolean {
  return typeof l === 'object' && l !== null && typeof (l as { minUs?: unknown }).minUs === 'number' && (l as { minUs: number }).minUs >= SLOW_DISK_US;
}

export function learnerJoin(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('LearnerJoin', options);
  const bound = options?.learnerJoinBoundUs ?? DEFAULT_LEARNER_JOIN_BOUND_US;
  // Fault state: what is faulty now, and when each node (or the whole network) last was.
  let partitioned = false;
  const cuts = new Set<string>();
  const clogs = new Set<string>();
  const links = new Map<string, { loss: number; dup: number; reorder: boolean; minUs: number }>();
  const badLinks = new Set<string>();
  const paused = new Set<string>();
  const slowDisks = new Set<string>();
  const failingDisks = new Set<string>();
  let lastPartition = -Infinity;
  const lastBad = new Map<string, number>();
  const mark = (t: number, key: string): void => {
    for (const n of key.split('>')) lastBad.set(n, t);
  };
  const markActive = (t: number): void => {
    if (partitioned) lastPartition = t;
    for (const set of [cuts, clogs, badLinks, paused, slowDisks, failingDisks]) for (const k of set) mark(t, k);
  };
  const quietSince = (a: Attempt): number => Math.max(lastPartition, lastBad.get(a.learner) ?? -Infinity, lastBad.get(a.leader) ?? -Infinity);
  // Protocol state.
  /** Leaders established in their current incarnation and still LEADING: epoch and token. */
  const leading = new Map<string, { epoch: number; token: number }>();
  let tokens = 0;
  const accepted = new Map<string, number>();
  const open = new Map<string, Attempt>();

  const judged = (a: Attempt): boolean => a.start > quietSince(a) && leading.get(a.leader)?.token === a.token;
  const since = (a: Attempt): string => {
    const q = quietSince(a);
    return `nothing faulty at ${a.learner} or ${a.leader} since ${(q === -Infinity ? 0 : q / 1e6).toFixed(3)}s`;
  };
  const fail = (a: Attempt, t: number, i: number, how: string): void => {
    open.delete(a.learner);
    if (!judged(a)) return;
    const drop = a.dropped ? `; ${a.leader} dropped it: "${a.dropped.reason}"` : '';
    v.add(t, a.learner, `${a.learner} failed to join established leader ${a.leader} (epoch ${a.epoch}) ${((t - a.start) / 1e6).toFixed(3)}s into its sync, ${since(a)}: ${how}${drop}`, a.dropped ? [i, a.dropped.i, a.i] : [i, a.i]);
  };
  const leave = (node: string): void => {
    leading.delete(node);
  };

  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    switch (r.ev) {
      case 'fault': {
        markActive(r.t);
        switch (r.fault) {
          case 'partition':
          case 'isolate':
            partitioned = true;
            lastPartition = r.t;
            break;
          case 'heal':
            lastPartition = r.t;
            partitioned = false;
            cuts.clear();
            break;
          case 'cut':
            cuts.add(`${r.from}>${r.to}`);
            break;
          case 'uncut':
            cuts.delete(`${r.from}>${r.to}`);
            break;
          case 'clog':
            clogs.add(`${r.from}>${r.to}`);
            break;
          case 'unclog':
            clogs.delete(`${r.from}>${r.to}`);
            break;
          case 'link': {
            const key = `${r.from}>${r.to}`;
            mark(r.t, key);
            const l = links.get(key) ?? { loss: 0, dup: 0, reorder: false, minUs: 0 };
            const next = { loss: r.loss ?? l.loss, dup: r.dup ?? l.dup, reorder: r.reorder ?? l.reorder, minUs: r.minUs ?? l.minUs };
            links.set(key, next);
            if (next.loss > 0 || next.dup > 0 || next.reorder || next.minUs > SLOW_LINK_US) badLinks.add(key);
            else badLinks.delete(key);
            break;
          }
          case 'disk': {
            mark(r.t, r.node);
            if (r.errorP !== undefined) {
              if (r.errorP > 0) failingDisks.add(r.node);
              else failingDisks.delete(r.node);
            }
            const latencies = [r.fsync, r.writeMeta, r.snapshot, r.truncate, r.purge];
            if (latencies.some((l) => l !== undefined)) {
              if (latencies.some(slowLatency)) slowDisks.add(r.node);
              else slowDisks.delete(r.node);
            }
            break;
          }
          case 'failDisk':
            mark(r.t, r.node);
            break;
        }
        break;
      }
      case 'disk':
        // An op that failed is a fault at its node.
        if (r.error !== undefined) mark(r.t, r.node);
        break;
      case 'pause':
        paused.add(r.node);
        mark(r.t, r.node);
        break;
      case 'resume':
        paused.delete(r.node);
        mark(r.t, r.node);
        break;
      case 'boot':
      case 'restart':
      case 'crash': {
        paused.delete(r.node);
        leave(r.node);
        open.delete(r.node);
        for (const a of open.values()) if (a.leader === r.node) open.delete(a.learner);
        break;
      }
      case 'trace': {
        switch (r.event) {
          case 'leader.established':
            leading.set(r.node, { epoch: r.data.epoch, token: ++tokens });
            break;
          case 'state':
            if (r.data.state !== 'LEADING') leave(r.node);
            if (r.data.state === 'LOOKING') {
              const a = open.get(r.node);
              if (a !== undefined) fail(a, r.t, i, 'went LOOKING');
            }
            break;
          case 'epoch.accepted':
            accepted.set(r.node, r.data.epoch);
            break;
          case 'election.decided': {
            if (r.data.state === 'LEADING') break;
            const leader = `s${r.data.leader}`;
            const l = leading.get(leader);
            open.delete(r.node);
            if (l === undefined || (accepted.get(r.node) ?? 0) > l.epoch) break;
            open.set(r.node, { learner: r.node, leader, epoch: l.epoch, token: l.token, start: r.t, i, stalled: false });
            break;
          }
          case 'serving':
            open.delete(r.node);
            break;
          case 'zab.learnerDropped': {
            const a = open.get(`s${r.data.peer}`);
            if (a !== undefined && a.leader === r.node) a.dropped = { i, reason: r.data.reason };
            break;
          }
          case 'zab.abandon': {
            // A leader abandoning its role (e.g. it lost its synced quorum to an earlier fault) is
            // leaving LEADING: its state record comes only after the role teardown.
            leave(r.node);
            const a = open.get(r.node);
            if (a !== undefined) fail(a, r.t, i, `abandoned: "${r.data.reason}"`);
            break;
          }
        }
        break;
      }
      default:
        break;
    }
    markActive(r.t);
    for (const a of open.values()) {
      if (a.stalled || r.t - a.start <= bound || !judged(a)) continue;
      a.stalled = true;
      v.add(r.t, a.learner, `${a.learner} still not synced with established leader ${a.leader} (epoch ${a.epoch}) ${((r.t - a.start) / 1e6).toFixed(3)}s into its sync (bound ${bound / 1e6}s), ${since(a)}`, [i, a.i]);
    }
  }
  return v.result();
}
