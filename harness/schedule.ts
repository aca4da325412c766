/**
 * Episodes (case.ts) → the kernel's timed faults, and the heal-all that starts the liveness phase.
 * Node indices are taken modulo the node list, so any shrunk or hand-edited case stays runnable.
 */
import type { NodeId } from '../protocol/contract.ts';
import { DEFAULT_DISK, DEFAULT_LINK, type Simulation, type TimedFault } from '../sim/index.ts';
import type { Episode } from './case.ts';

const MS = 1000;

function pick(nodes: readonly NodeId[], i: number): NodeId {
  return nodes[i % nodes.length]!;
}

/** A node other than `a` (b counts among the others), for link episodes. */
function other(nodes: readonly NodeId[], a: NodeId, b: number): NodeId {
  const rest = nodes.filter((n) => n !== a);
  return rest.length === 0 ? a : rest[b % rest.length]!;
}

/** The timed faults of one episode (the fault, then its undo where it has one). */
export function episodeFaults(ep: Episode, nodes: readonly NodeId[]): TimedFault[] {
  const at = ep.atMs * MS;
  const end = (ep.atMs + Math.max(1, ep.forMs)) * MS;
  const a = pick(nodes, ep.a);
  const b = other(nodes, a, ep.b);
  switch (ep.kind) {
    case 'crash':
      return [{ at, kind: 'crash', node: a }, { at: end, kind: 'restart', node: a }];
    case 'pause':
      return [{ at, kind: 'pause', node: a }, { at: end, kind: 'resume', node: a }];
    case 'partition': {
      let g1 = nodes.filter((_, i) => (ep.b >> i) & 1);
      if (g1.length === 0 || g1.length === nodes.length) g1 = [a];
      const g2 = nodes.filter((n) => !g1.includes(n));
      return [{ at, kind: 'partition', groups: [g1, g2] }, { at: end, kind: 'heal' }];
    }
    case 'isolate':
      return [{ at, kind: 'isolate', node: a }, { at: end, kind: 'heal' }];
    case 'oneWay':
      return [{ at, kind: 'cut', from: a, to: b }, { at: end, kind: 'uncut', from: a, to: b }];
    case 'clog':
      return [{ at, kind: 'clog', from: a, to: b }, { at: end, kind: 'unclog', from: a, to: b }];
    case 'loss':
      return linkWindow(at, end, a, b, { loss: round(0.05 + 0.9 * ep.x) }, { loss: 0 });
    case 'dup':
      return linkWindow(at, end, a, b, { dup: round(0.05 + 0.5 * ep.x) }, { dup: 0 });
    case 'reorder':
      return linkWindow(at, end, a, b, { reorder: true }, { reorder: false });
    case 'delay': {
      const minUs = Math.round(1_000 + 200_000 * ep.x);
      const slow = { minUs, tailMeanUs: minUs, tailMaxUs: 4 * minUs };
      const back = { minUs: DEFAULT_LINK.minUs, tailMeanUs: DEFAULT_LINK.tailMeanUs, tailMaxUs: DEFAULT_LINK.tailMaxUs };
      return linkWindow(at, end, a, b, slow, back);
    }
    case 'skew':
      return [{ at, kind: 'clockRate', node: a, rate: round(0.8 + 0.4 * ep.x) }, { at: end, kind: 'clockRate', node: a, rate: 1 }];
    case 'jump':
      return [{ at, kind: 'clockJump', node: a, ms: Math.round((2 * ep.x - 1) * 5_000) }];
    case 'crashAfter':
    case 'window':
    case 'deafLeader':
      // Not timed faults: armed in run.ts, fired by trace records (triggers.ts, deaf-leader.ts).
      return [];
    case 'slowDisk': {
      const minUs = Math.round(5_000 + 200_000 * ep.x);
      return [
        { at, kind: 'disk', node: a, patch: { fsync: { minUs, tailMeanUs: minUs, tailMaxUs: 4 * minUs } } },
        { at: end, kind: 'disk', node: a, patch: { fsync: DEFAULT_DISK.fsync } },
      ];
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function linkWindow(at: number, end: number, a: NodeId, b: NodeId, on: object, off: object): TimedFault[] {
  return [
    { at, kind: 'link', from: a, to: b, patch: on },
    { at: end, kind: 'link', from: a, to: b, patch: off },
  ];
}

/** Every episode's faults, sorted by time (ties keep episode order), all before `windowMs`. */
export function caseFaults(faults: readonly Episode[], nodes: readonly NodeId[], windowMs: number): TimedFault[] {
  const all = faults.flatMap((ep) => episodeFaults(ep, nodes)).filter((f) => f.at < windowMs * MS);
  return all.map((f, i) => ({ f, i })).sort((x, y) => x.f.at - y.f.at || x.i - y.i).map((x) => x.f);
}

/**
 * The start of the liveness phase: undo everything the schedule may have left behind (a shrunk
 * schedule may have lost an undo): heal partitions, uncut/unclog and reset the links it touched,
 * restart crashed nodes, resume paused ones, clock rates back to 1, disks back to default.
 */
export function healAll(sim: Simulation, nodes: readonly NodeId[], faults: readonly TimedFault[]): void {
  sim.heal();
  const links = new Map<string, [NodeId, NodeId]>();
  for (const f of faults) if ('from' in f) links.set(`${f.from}>${f.to}`, [f.from, f.to]);
  for (const [, [from, to]] of [...links].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    sim.uncut(from, to);
    sim.unclog(from, to);
    sim.setLink(from, to, { ...DEFAULT_LINK });
  }
  for (const n of nodes) {
    if (!sim.isUp(n)) sim.restart(n);
    else if (sim.isPaused(n)) sim.resume(n);
  }
  const touched = (k: string) => new Set(faults.filter((f) => f.kind === k).map((f) => (f as { node: NodeId }).node));
  for (const n of [...touched('clockRate')].sort()) sim.setClockRate(n, 1);
  for (const n of [...touched('disk')].sort()) sim.setDisk(n, { fsync: DEFAULT_DISK.fsync });
}
