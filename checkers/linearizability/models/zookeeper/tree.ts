/**
 * The model state: the znodes that matter to writes, immutable, with an incremental hash.
 *
 * Only what a write's outcome can depend on is kept: existence, data version, the stored
 * child-create counter (it names sequential children), the number of children (delete answers
 * NOTEMPTY) and the ephemeral owner (ephemerals take no children; close deletes them). Data
 * bytes, ACLs, zxids and times are left out on purpose: no write's outcome depends on them, and
 * keeping them would only make equal-for-writes states look different to the search's memo.
 */

export interface ZNode {
  readonly version: number;
  /** Stored child-create counter: advanced by every successful create under this node, never
   *  by deletes (the visible cversion is 2*counter - numChildren). */
  readonly childCreates: number;
  readonly numChildren: number;
  /** Owning session of an ephemeral; '' for other nodes. */
  readonly owner: string;
}

export interface Tree {
  readonly nodes: ReadonlyMap<string, ZNode>;
  /** Sessions closed or expired so far, sorted. */
  readonly closed: readonly string[];
  readonly hash: number;
}

function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

function nodeHash(path: string, n: ZNode): number {
  let h = strHash(path);
  h = Math.imul(h ^ n.version, 0x01000193);
  h = Math.imul(h ^ n.childCreates, 0x01000193);
  h = Math.imul(h ^ n.numChildren, 0x01000193);
  h = Math.imul(h ^ (n.owner === '' ? 0 : strHash(n.owner)), 0x01000193);
  return h | 0;
}

function closedHash(closed: readonly string[]): number {
  let h = 0;
  for (const s of closed) h = (h + strHash('closed:' + s)) | 0;
  return h;
}

export function makeTree(nodes: ReadonlyMap<string, ZNode>, closed: readonly string[] = []): Tree {
  let h = closedHash(closed);
  for (const [p, n] of nodes) h ^= nodeHash(p, n);
  return { nodes, closed, hash: h };
}

/** A fresh ZooKeeper 3.8 server: `/`, `/zookeeper`, `/zookeeper/quota`, `/zookeeper/config`. */
export function freshTree(): Tree {
  const plain = (numChildren: number): ZNode => ({ version: 0, childCreates: 0, numChildren, owner: '' });
  return makeTree(
    new Map([
      ['/', plain(1)],
      ['/zookeeper', plain(2)],
      ['/zookeeper/config', plain(0)],
      ['/zookeeper/quota', plain(0)],
    ]),
  );
}

export function treesEqual(a: Tree, b: Tree): boolean {
  if (a === b) return true;
  if (a.hash !== b.hash || a.nodes.size !== b.nodes.size || a.closed.length !== b.closed.length) return false;
  for (let i = 0; i < a.closed.length; i++) if (a.closed[i] !== b.closed[i]) return false;
  for (const [p, n] of a.nodes) {
    const m = b.nodes.get(p);
    if (
      m === undefined ||
      m.version !== n.version ||
      m.childCreates !== n.childCreates ||
      m.numChildren !== n.numChildren ||
      m.owner !== n.owner
    ) {
      return false;
    }
  }
  return true;
}

/** A mutable working copy for one op (a multi applies several sub-ops to one draft). */
export class Draft {
  private nodes: Map<string, ZNode> | undefined;
  private hash: number;
  private closed: readonly string[];
  constructor(private readonly base: Tree) {
    this.hash = base.hash;
    this.closed = base.closed;
  }
  get(path: string): ZNode | undefined {
    return (this.nodes ?? this.base.nodes).get(path);
  }
  isClosed(session: string): boolean {
    return this.closed.includes(session);
  }
  /** Paths in a defined (sorted) order. */
  paths(): string[] {
    return [...(this.nodes ?? this.base.nodes).keys()].sort();
  }
  put(path: string, node: ZNode | undefined): void {
    this.nodes ??= new Map(this.base.nodes);
    const old = this.nodes.get(path);
    if (old !== undefined) this.hash ^= nodeHash(path, old);
    if (node === undefined) this.nodes.delete(path);
    else {
      this.nodes.set(path, node);
      this.hash ^= nodeHash(path, node);
    }
  }
  close(session: string): void {
    if (this.closed.includes(session)) return;
    const before = closedHash(this.closed);
    this.closed = [...this.closed, session].sort();
    this.hash ^= before ^ closedHash(this.closed);
  }
  done(): Tree {
    if (this.nodes === undefined && this.closed === this.base.closed) return this.base;
    return { nodes: this.nodes ?? this.base.nodes, closed: this.closed, hash: this.hash };
  }
}

export function describeTree(t: Tree): string {
  const parts: string[] = [];
  for (const p of [...t.nodes.keys()].sort()) {
    if (p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) continue;
    const n = t.nodes.get(p)!;
    parts.push(`${p} v${n.version}${n.owner ? ` eph(${n.owner})` : ''}${n.childCreates ? ` seq${n.childCreates}` : ''}`);
  }
  const root = t.nodes.get('/');
  if (root && root.childCreates) parts.unshift(`/ seq${root.childCreates}`);
  const closed = t.closed.length ? ` closed: ${t.closed.join(',')}` : '';
  return `{${parts.join(', ')}}${closed}`;
}
