/**
 * Splitting a ZooKeeper write history into independent parts, only where that is sound.
 *
 * Per-path splitting is NOT sound in general: a create needs its parent and bumps the parent's
 * child counter (which names sequential children), a delete fails while children exist, a multi
 * spans paths, and a close deletes a session's ephemerals wherever they are. So each op gets a
 * footprint: the state entries its outcome can read or its effect can write. Ops whose
 * footprints overlap (transitively) stay in one part; disjoint groups touch disjoint state, so
 * the history is linearizable iff every group is (Herlihy & Wing's locality).
 *
 * Footprints:
 * - create P: P and parent(P); an ephemeral create also `session:S` (it must not follow S's close).
 *   A sequential create under Q: Q, and the path it returned when it answered OK with a path;
 *   otherwise every path of the history of the shape Q/name + 10 digits it could have hit.
 * - delete P: P and parent(P). set / check P: P. multi: the union of its sub-ops.
 * - close S: `session:S`, and the footprint of every ephemeral create by S (plus S's ephemerals
 *   in the initial tree, with their parents).
 * A "hub" parent is left out of its children's footprints: a node that exists at the start, that
 * no op could create or delete (no create/delete names it, no sequential create could produce it,
 * it is not an ephemeral of a session that closes) and under which no sequential create happens.
 * For a hub, what children read (it exists; whether it is ephemeral) never changes, and what
 * they write (its child counter and child count) is never read by any op in the history: only
 * sequential creates read the counter and only a delete of the hub reads the count.
 */
import { parentOf } from './ops.ts';
import type { ZkInput, ZkOutput, ZkSubOp } from './ops.ts';
import type { Tree } from './tree.ts';
import type { Operation } from '../../types.ts';

type ZkOperation = Operation<ZkInput, ZkOutput>;

const TEN_DIGITS = /^\d{10}$/;

function subOps(op: ZkInput['op']): readonly ZkSubOp[] {
  return op.op === 'multi' ? op.ops : op.op === 'close' ? [] : [op];
}

function subResultPath(o: ZkOperation, i: number): string | undefined {
  const out = o.output;
  if (out.unknown) return undefined;
  if (o.input.op.op === 'multi') {
    const s = out.subs?.[i];
    return s && s.rc === 'OK' ? s.path : undefined;
  }
  return out.rc === 'OK' ? out.path : undefined;
}

class UnionFind {
  private readonly parent: number[] = [];
  private readonly ids = new Map<string, number>();
  id(r: string): number {
    let i = this.ids.get(r);
    if (i === undefined) {
      i = this.parent.length;
      this.ids.set(r, i);
      this.parent.push(i);
    }
    return i;
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

export interface ZkGroup {
  readonly ops: ZkOperation[];
  /** The paths the group touches, sorted. */
  readonly paths: string[];
}

export function splitZkHistory(ops: readonly ZkOperation[], initial: Tree): ZkGroup[] {
  // What the whole history could create or delete.
  const allPaths = new Set<string>(initial.nodes.keys());
  const literalCreates = new Set<string>();
  const seqPrefixes = new Set<string>();
  const deletes = new Set<string>();
  const closing = new Set<string>();
  for (const o of ops) {
    if (o.input.op.op === 'close') closing.add(o.input.session);
    subOps(o.input.op).forEach((s, i) => {
      allPaths.add(s.path);
      const returned = subResultPath(o, i);
      if (returned !== undefined) allPaths.add(returned);
      if (s.op === 'create') (s.sequential ? seqPrefixes : literalCreates).add(s.path);
      if (s.op === 'delete') deletes.add(s.path);
    });
  }
  const seqParents = new Set([...seqPrefixes].map(parentOf));
  const hitsByPrefix = new Map<string, string[]>();
  const seqHits = (prefix: string): string[] => {
    let hits = hitsByPrefix.get(prefix);
    if (hits === undefined) {
      hits = [...allPaths].filter((p) => p.startsWith(prefix) && TEN_DIGITS.test(p.slice(prefix.length)));
      hitsByPrefix.set(prefix, hits);
    }
    return hits;
  };
  const possiblyCreated = (p: string): boolean =>
    literalCreates.has(p) || [...seqPrefixes].some((pre) => p.startsWith(pre) && TEN_DIGITS.test(p.slice(pre.length)));
  const hubs = new Map<string, boolean>();
  const hub = (p: string): boolean => {
    let h = hubs.get(p);
    if (h === undefined) {
      const n = initial.nodes.get(p);
      h = n !== undefined && !possiblyCreated(p) && !deletes.has(p) && !seqParents.has(p) && (n.owner === '' || !closing.has(n.owner));
      hubs.set(p, h);
    }
    return h;
  };
  const withParent = (p: string): string[] => (p === '/' || hub(parentOf(p)) ? [p] : [p, parentOf(p)]);

  const subFootprint = (o: ZkOperation, s: ZkSubOp, i: number): string[] => {
    switch (s.op) {
      case 'create': {
        const eph = s.mode === 'ephemeral' ? [`session:${o.input.session}`] : [];
        if (!s.sequential) return [...withParent(s.path), ...eph];
        const returned = subResultPath(o, i);
        const hits = returned !== undefined ? [returned] : seqHits(s.path);
        return [parentOf(s.path), ...hits, ...eph];
      }
      case 'delete':
        return withParent(s.path);
      case 'set':
      case 'check':
        return [s.path];
    }
  };
  const footprint = (o: ZkOperation): string[] => {
    const op = o.input.op;
    if (op.op !== 'close') return subOps(op).flatMap((s, i) => subFootprint(o, s, i));
    return closeFootprint(o.input.session);
  };

  // What a close of each session can delete: its ephemeral creates and initial ephemerals.
  const closeFootprints = new Map<string, string[]>();
  const closeFootprint = (session: string): string[] => {
    let fp = closeFootprints.get(session);
    if (fp === undefined) {
      fp = [`session:${session}`];
      closeFootprints.set(session, fp);
    }
    return fp;
  };
  for (const s of [...closing].sort()) closeFootprint(s);
  for (const o of ops) {
    const fp = closeFootprints.get(o.input.session);
    if (fp === undefined) continue;
    subOps(o.input.op).forEach((s, i) => {
      if (s.op === 'create' && s.mode === 'ephemeral') fp.push(...subFootprint(o, s, i));
    });
  }
  for (const [p, n] of initial.nodes) closeFootprints.get(n.owner)?.push(...withParent(p));

  const uf = new UnionFind();
  const prints = ops.map((o) => footprint(o).map((r) => uf.id(r)));
  for (const fp of prints) for (let k = 1; k < fp.length; k++) uf.union(fp[0]!, fp[k]!);
  const groups = new Map<number, { ops: ZkOperation[]; paths: Set<string> }>();
  ops.forEach((o, i) => {
    const root = uf.find(prints[i]![0]!);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { ops: [], paths: new Set() }));
    g.ops.push(o);
    for (const s of subOps(o.input.op)) g.paths.add(s.path);
    if (o.input.op.op === 'close') g.paths.add(`close ${o.input.session}`);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((k) => ({ ops: groups.get(k)!.ops, paths: [...groups.get(k)!.paths].sort() }));
}
