/**
 * What a ZooKeeper 3.8 leader does with one write, as a pure function of the tree: the outcome it
 * answers and the tree after. Check order follows PrepRequestProcessor as described in the
 * reference (first failing check wins):
 * - create: parent missing -> NONODE; (sequential suffix from the parent's counter); invalid path
 *   -> BADARGUMENTS; exists -> NODEEXISTS; parent ephemeral -> NOCHILDRENFOREPHEMERALS.
 * - delete: node missing -> NONODE; version mismatch -> BADVERSION; has children -> NOTEMPTY.
 * - set / check: missing -> NONODE; version mismatch -> BADVERSION. Only -1 matches any version.
 * - multi: sub-ops see earlier sub-ops; on the first failure nothing applies and the sub-results
 *   are OK before it, its code, RUNTIMEINCONSISTENCY after.
 * - close: one txn deleting every ephemeral of the session.
 * ACLs, quotas and TTL/container reaping are not modelled (see README).
 */
import { parentOf, sequentialName, validPath } from './ops.ts';
import type { ZkInput, ZkSubOp, ZkSubResult } from './ops.ts';
import { Draft } from './tree.ts';
import type { Tree, ZNode } from './tree.ts';

export interface Applied {
  readonly tree: Tree;
  readonly rc: string;
  readonly path?: string;
  readonly version?: number;
  readonly subs?: readonly ZkSubResult[];
}

const SYSTEM = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

function applySub(d: Draft, op: ZkSubOp, session: string): ZkSubResult {
  switch (op.op) {
    case 'create': {
      if (op.path === '/') return { rc: 'NODEEXISTS' };
      if (!op.path.startsWith('/')) return { rc: 'BADARGUMENTS' };
      // The parent is looked up before the (suffixed) path is validated: `/p/` is NONODE while
      // /p is missing, BADARGUMENTS once it exists, and `create -s /p/` is fine.
      const parentPath = parentOf(op.path);
      const parent = d.get(parentPath);
      if (parent === undefined) return { rc: 'NONODE' };
      const path = op.sequential ? sequentialName(op.path, parent.childCreates) : op.path;
      if (!validPath(path)) return { rc: 'BADARGUMENTS' };
      if (d.get(path) !== undefined) return { rc: 'NODEEXISTS' };
      if (parent.owner !== '') return { rc: 'NOCHILDRENFOREPHEMERALS' };
      // A closed session's requests are refused (ZOOKEEPER-1208 was an ephemeral slipping in
      // after the close); only ephemeral creates are held to this, see README.
      if (op.mode === 'ephemeral' && d.isClosed(session)) return { rc: 'SESSIONEXPIRED' };
      d.put(parentPath, { ...parent, childCreates: parent.childCreates + 1, numChildren: parent.numChildren + 1 });
      d.put(path, { version: 0, childCreates: 0, numChildren: 0, owner: op.mode === 'ephemeral' ? session : '' });
      return { rc: 'OK', path, version: 0 };
    }
    case 'delete': {
      if (SYSTEM.has(op.path)) return { rc: 'BADARGUMENTS' };
      const node = d.get(op.path);
      if (node === undefined) return { rc: 'NONODE' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'BADVERSION' };
      if (node.numChildren > 0) return { rc: 'NOTEMPTY' };
      removeNode(d, op.path);
      return { rc: 'OK' };
    }
    case 'set': {
      const node = d.get(op.path);
      if (node === undefined) return { rc: 'NONODE' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'BADVERSION' };
      d.put(op.path, { ...node, version: node.version + 1 });
      return { rc: 'OK', version: node.version + 1 };
    }
    case 'check': {
      const node = d.get(op.path);
      if (node === undefined) return { rc: 'NONODE' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'BADVERSION' };
      return { rc: 'OK' };
    }
  }
}

function removeNode(d: Draft, path: string): void {
  const parentPath = parentOf(path);
  const parent = d.get(parentPath) as ZNode; // a node's parent exists while it does
  d.put(parentPath, { ...parent, numChildren: parent.numChildren - 1 });
  d.put(path, undefined);
}

export function applyOp(tree: Tree, input: ZkInput): Applied {
  const op = input.op;
  if (op.op === 'close') {
    const d = new Draft(tree);
    // Children before parents cannot occur (ephemerals have no children), so any order works;
    // sorted keeps it defined.
    for (const p of d.paths()) if (d.get(p)!.owner === input.session) removeNode(d, p);
    d.close(input.session);
    return { tree: d.done(), rc: 'OK' };
  }
  if (op.op === 'multi') {
    const d = new Draft(tree);
    const subs: ZkSubResult[] = [];
    let failed = -1;
    for (let i = 0; i < op.ops.length; i++) {
      const r = applySub(d, op.ops[i]!, input.session);
      subs.push(r);
      if (r.rc !== 'OK') {
        failed = i;
        break;
      }
    }
    if (failed < 0) return { tree: d.done(), rc: 'OK', subs };
    const out: ZkSubResult[] = op.ops.map((_, i) =>
      i < failed ? { rc: 'OK' } : i === failed ? { rc: subs[i]!.rc } : { rc: 'RUNTIMEINCONSISTENCY' },
    );
    return { tree, rc: subs[failed]!.rc, subs: out };
  }
  const d = new Draft(tree);
  const r = applySub(d, op, input.session);
  return { tree: r.rc === 'OK' ? d.done() : tree, ...r };
}
