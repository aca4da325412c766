/**
 * Faults as data: a scenario (or a random generator) lists what goes wrong and when, and
 * `scheduleFaults` turns the list into timed actions on a Simulation. Plain data, so a fault schedule
 * can be printed, saved with a failing seed, and shrunk.
 */
import type { NodeId } from '../protocol/contract.ts';
import { DEFAULT_DISK, type DiskConfig, type DiskFailure } from './disk.ts';
import type { LinkConfig } from './network.ts';
import type { Rng } from './rng.ts';
import type { Simulation } from './simulation.ts';
import type { Micros } from './time.ts';

export type Fault =
  | { readonly kind: 'crash'; readonly node: NodeId }
  | { readonly kind: 'restart'; readonly node: NodeId }
  | { readonly kind: 'pause'; readonly node: NodeId }
  | { readonly kind: 'resume'; readonly node: NodeId }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'isolate'; readonly node: NodeId }
  | { readonly kind: 'heal' }
  | { readonly kind: 'cut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'uncut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'clog'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'unclog'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'link'; readonly from: NodeId; readonly to: NodeId; readonly patch: Partial<LinkConfig> }
  | { readonly kind: 'clockRate'; readonly node: NodeId; readonly rate: number }
  | { readonly kind: 'clockJump'; readonly node: NodeId; readonly ms: number }
  | { readonly kind: 'disk'; readonly node: NodeId; readonly patch: Partial<DiskConfig> }
  /** A scripted I/O error: the node's `nth` (default 1) next `op` fails with `error` (default EIO). */
  | { readonly kind: 'failDisk'; readonly node: NodeId; readonly op: DiskFailure['op']; readonly nth?: number; readonly error?: string };

/** A fault at a virtual time (µs). */
export type TimedFault = Fault & { readonly at: Micros };

/** Applies one fault now. */
export function applyFault(sim: Simulation, f: Fault): void {
  switch (f.kind) {
    case 'crash':
      sim.crash(f.node);
      return;
    case 'restart':
      sim.restart(f.node);
      return;
    case 'pause':
      sim.pause(f.node);
      return;
    case 'resume':
      sim.resume(f.node);
      return;
    case 'partition':
      sim.partition(f.groups);
      return;
    case 'isolate':
      sim.isolate(f.node);
      return;
    case 'heal':
      sim.heal();
      return;
    case 'cut':
      sim.cut(f.from, f.to);
      return;
    case 'uncut':
      sim.uncut(f.from, f.to);
      return;
    case 'clog':
      sim.clog(f.from, f.to);
      return;
    case 'unclog':
      sim.unclog(f.from, f.to);
      return;
    case 'link':
      sim.setLink(f.from, f.to, f.patch);
      return;
    case 'clockRate':
      sim.setClockRate(f.node, f.rate);
      return;
    case 'clockJump':
      sim.jumpClock(f.node, f.ms);
      return;
    case 'disk':
      sim.setDisk(f.node, f.patch);
      return;
    case 'failDisk':
      sim.failDisk(f.node, f);
      return;
  }
}

/** Schedules every fault at its time (in list order for equal times). */
export function scheduleFaults(sim: Simulation, faults: readonly TimedFault[]): void {
  for (const f of faults) sim.at(f.at, (s) => applyFault(s, f));
}

export interface RandomFaultOptions {
  /** Faults start in [0, durationUs) and are undone (restart, resume, heal, ...) before durationUs. */
  readonly durationUs: Micros;
  /** Number of fault episodes (each is a fault plus, where it has one, its undo). */
  readonly episodes: number;
  /** Longest time a fault lasts before its undo (µs). */
  readonly maxLengthUs: Micros;
  /** Which kinds of episode to draw from (default: all). */
  readonly kinds?: readonly EpisodeKind[];
  /**
   * At most this many distinct nodes crashed, paused or isolated at any one time (default: no
   * limit). With `floor((n - 1) / 2)` a majority stays available, for liveness tests. An episode that
   * would break the limit is skipped (its draws are still made, so later episodes do not shift).
   */
  readonly maxDown?: number;
}

/** A node taken out of service for [start, end). */
interface Outage {
  readonly node: NodeId;
  readonly start: Micros;
  readonly end: Micros;
}

/** Distinct nodes out of service at some instant of [start, end) if `extra` were added. */
function peakDown(outages: readonly Outage[], extra: Outage): number {
  const relevant = [...outages.filter((o) => o.start < extra.end && extra.start < o.end), extra];
  let peak = 0;
  // The count of distinct nodes only rises at an outage start: checking every start suffices.
  for (const p of relevant) {
    const at = Math.max(p.start, extra.start);
    const down = new Set(relevant.filter((o) => o.start <= at && at < o.end).map((o) => o.node));
    peak = Math.max(peak, down.size);
  }
  return peak;
}

export type EpisodeKind =
  | 'crash'
  | 'pause'
  | 'partition'
  | 'isolate'
  | 'oneWay'
  | 'clog'
  | 'lossy'
  | 'dupReorder'
  | 'skew'
  | 'jump'
  | 'slowDisk';

export const ALL_EPISODES: readonly EpisodeKind[] = [
  'crash',
  'pause',
  'partition',
  'isolate',
  'oneWay',
  'clog',
  'lossy',
  'dupReorder',
  'skew',
  'jump',
  'slowDisk',
];

/**
 * A seeded random fault schedule (draw `rng` from the `faults` stream). Every episode that has an
 * undo gets it within `maxLengthUs` and before `durationUs`, so a run ends with everything healed and
 * running (useful for liveness checks). Sorted by time; ties keep generation order.
 */
export function randomFaults(rng: Rng, nodes: readonly NodeId[], opts: RandomFaultOptions): TimedFault[] {
  const kinds = opts.kinds ?? ALL_EPISODES;
  const out: TimedFault[] = [];
  const outages: Outage[] = [];
  if (nodes.length === 0) return out;
  for (let i = 0; i < opts.episodes; i++) {
    const kind = rng.pick(kinds);
    const start = rng.int(Math.max(1, opts.durationUs - 1));
    const room = Math.max(1, Math.min(opts.maxLengthUs, opts.durationUs - start - 1));
    const end = start + 1 + rng.int(room);
    const a = rng.pick(nodes);
    const b = nodes.length > 1 ? rng.pick(nodes.filter((n) => n !== a)) : a;
    if (kind === 'crash' || kind === 'pause' || kind === 'isolate') {
      const outage = { node: a, start, end };
      if (opts.maxDown !== undefined && peakDown(outages, outage) > opts.maxDown) continue;
      outages.push(outage);
    }
    switch (kind) {
      case 'crash':
        out.push({ at: start, kind: 'crash', node: a }, { at: end, kind: 'restart', node: a });
        break;
      case 'pause':
        out.push({ at: start, kind: 'pause', node: a }, { at: end, kind: 'resume', node: a });
        break;
      case 'partition': {
        const shuffled = rng.shuffle(nodes);
        const cutAt = 1 + rng.int(Math.max(1, shuffled.length - 1));
        out.push({ at: start, kind: 'partition', groups: [shuffled.slice(0, cutAt), shuffled.slice(cutAt)] });
        out.push({ at: end, kind: 'heal' });
        break;
      }
      case 'isolate':
        out.push({ at: start, kind: 'isolate', node: a }, { at: end, kind: 'heal' });
        break;
      case 'oneWay':
        out.push({ at: start, kind: 'cut', from: a, to: b }, { at: end, kind: 'uncut', from: a, to: b });
        break;
      case 'clog':
        out.push({ at: start, kind: 'clog', from: a, to: b }, { at: end, kind: 'unclog', from: a, to: b });
        break;
      case 'lossy':
        out.push({ at: start, kind: 'link', from: a, to: b, patch: { loss: 0.05 + 0.45 * rng.next() } });
        out.push({ at: end, kind: 'link', from: a, to: b, patch: { loss: 0 } });
        break;
      case 'dupReorder':
        out.push({ at: start, kind: 'link', from: a, to: b, patch: { dup: 0.3 * rng.next(), reorder: true } });
        out.push({ at: end, kind: 'link', from: a, to: b, patch: { dup: 0, reorder: false } });
        break;
      case 'skew':
        out.push({ at: start, kind: 'clockRate', node: a, rate: 0.9 + 0.2 * rng.next() });
        out.push({ at: end, kind: 'clockRate', node: a, rate: 1 });
        break;
      case 'jump':
        out.push({ at: start, kind: 'clockJump', node: a, ms: rng.range(-2000, 2000) });
        break;
      case 'slowDisk':
        out.push({
          at: start,
          kind: 'disk',
          node: a,
          patch: { fsync: { minUs: 5_000 + rng.int(50_000), tailMeanUs: 10_000, tailMaxUs: 200_000 } },
        });
        out.push({
          at: end,
          kind: 'disk',
          node: a,
          patch: { fsync: DEFAULT_DISK.fsync },
        });
        break;
    }
  }
  // Stable sort by time: equal times keep generation order.
  return out.map((f, i) => ({ f, i })).sort((x, y) => x.f.at - y.f.at || x.i - y.i).map((x) => x.f);
}
