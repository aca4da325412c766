/**
 * DataTree speed and size: txn applications per second on a tree of 1 million znodes, heap bytes
 * per znode, and the cost of a snapshot. Prints figures only.
 *
 * `npm run bench` runs with --expose-gc: a full GC before each phase keeps the heap figure exact and
 * keeps a major GC owed to one phase from being billed to the next.
 * Rates are given per wall second and per second of process CPU time (user+system, GC threads
 * included): on a shared, overloaded machine the CPU-time rate is the steadier figure.
 */
import { DataTree } from '../protocol/datatree/tree.ts';
import { makeTxn, type Txn } from '../protocol/request/txn.ts';
import { OPEN_ACL_UNSAFE } from '../protocol/request/types.ts';
import seedrandom from 'seedrandom';

const PARENTS = 1000;
const PER_PARENT = 1000;
const DATA = Buffer.from('0123456789abcdef').toString('base64'); // 16 bytes per node

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

function create(zxid: number, path: string, parentCVersion: number): Txn {
  return makeTxn('0x1', zxid, zxid, zxid, { type: 'create', path, data: DATA, acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion });
}

function fmt(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;
}

/**
 * Runs fn; returns "N/s wall, M/s cpu" for n operations. A full GC first (with --expose-gc) so a
 * major collection owed to the txn arrays built before is not billed to the applications.
 */
function timed(n: number, fn: () => void): string {
  gc();
  const w = performance.now();
  const c = process.cpuUsage();
  fn();
  const cu = process.cpuUsage(c);
  return `${fmt(n, performance.now() - w)} wall, ${fmt(n, (cu.user + cu.system) / 1000)} cpu`;
}

export default function bench(): void {
  const heap0 = heapUsed();
  const tree = DataTree.create();
  let zxid = 0;
  const build = timed(PARENTS * PER_PARENT, () => {
    for (let p = 0; p < PARENTS; p++) {
      tree.applyTxn(create(++zxid, `/app${p}`, -1));
      for (let c = 0; c < PER_PARENT - 1; c++) tree.applyTxn(create(++zxid, `/app${p}/node-${String(c).padStart(7, '0')}`, -1));
    }
  });
  const heap1 = heapUsed();
  const n = tree.size;
  console.log(`built ${n.toLocaleString('en-US')} znodes (1000 parents x 1000): ${build} (txn building included)`);
  console.log(`heap: ${((heap1 - heap0) / 2 ** 20).toFixed(0)} MiB = ${Math.round((heap1 - heap0) / n)} bytes per znode (16-byte data, shared ACL; target: 1M znodes in < 1 GiB)`);

  const rnd = seedrandom('datatree-bench');
  const N = 300_000;
  const pick = (): string => `/app${Math.floor(rnd() * PARENTS)}/node-${String(Math.floor(rnd() * (PER_PARENT - 1))).padStart(7, '0')}`;

  const sets: Txn[] = [];
  for (let i = 0; i < N; i++) {
    const z = ++zxid;
    sets.push(makeTxn('0x1', z, z, z, { type: 'setData', path: pick(), data: DATA, version: 1 }));
  }
  console.log(`setData on random nodes:        ${timed(N, () => { for (const x of sets) tree.applyTxn(x); })} (target: >= 500,000/s)`);

  // Calibration: the same random lookups in a native Map of the same 1M keys. On a shared machine
  // random access into a big heap is memory-bound; this says what the hardware allows right now.
  const native = new Map<string, unknown>();
  tree.forEachNode((p, node) => native.set(p, node));
  let found = 0;
  console.log(`  (calibration) native Map.get:  ${timed(N, () => { for (const x of sets) if (native.get((x.body as { path: string }).path) !== undefined) found++; })}`);
  native.clear();

  // The same setData on 1,000 hot nodes of the 1M tree: the algorithmic cost without cache misses.
  const hot: Txn[] = [];
  for (let i = 0; i < N; i++) {
    const z = ++zxid;
    hot.push(makeTxn('0x1', z, z, z, { type: 'setData', path: `/app${i % 1000}/node-0000001`, data: DATA, version: 1 }));
  }
  console.log(`setData on 1,000 hot nodes:     ${timed(N, () => { for (const x of hot) tree.applyTxn(x); })}`);

  // create + delete pairs of fresh leaves under random parents (each is one application)
  const cd: Txn[] = [];
  for (let i = 0; i < N / 2; i++) {
    const p = `/app${Math.floor(rnd() * PARENTS)}/tmp-${i}`;
    const z1 = ++zxid;
    cd.push(create(z1, p, -1));
    const z2 = ++zxid;
    cd.push(makeTxn('0x1', z2, z2, z2, { type: 'delete', path: p }));
  }
  console.log(`create/delete pairs:            ${timed(N, () => { for (const x of cd) tree.applyTxn(x); })}`);

  // Creates alone, then deletes alone: fresh leaves under random parents. Each create walks three
  // structures that are cold in cache (the parent, its children set, the path map), and every
  // created node outlives the young generation: the figure includes the major GCs (marking the
  // whole 1M-node heap) that this promotion brings on, which dominate it. In a create/delete pair
  // the node dies young and the delete finds the structures warm. 40,000 creates keep the tree
  // below the path map's next growth (1,048,576); the parents' children sets do grow (1,024).
  const F = 40_000;
  const fresh: string[] = [];
  for (let i = 0; i < F; i++) fresh.push(`/app${Math.floor(rnd() * PARENTS)}/fresh-${i}`);
  const creates = fresh.map((p) => create(++zxid, p, -1));
  const deletes = fresh.map((p) => {
    const z = ++zxid;
    return makeTxn('0x1', z, z, z, { type: 'delete', path: p });
  });
  console.log(`create of fresh leaves:         ${timed(F, () => { for (const x of creates) tree.applyTxn(x); })}`);
  console.log(`delete of those leaves:         ${timed(F, () => { for (const x of deletes) tree.applyTxn(x); })}`);

  // half setData, half create/delete, with a snapshot every 10,000 txns: after a snapshot, writes
  // copy the trie paths they touch instead of editing in place.
  const mixed: Txn[] = [];
  for (let i = 0; i < N / 4; i++) {
    mixed.push(sets[2 * i]!, sets[2 * i + 1]!);
    const p = `/app${Math.floor(rnd() * PARENTS)}/mix-${i}`;
    const z1 = ++zxid;
    mixed.push(create(z1, p, -1));
    const z2 = ++zxid;
    mixed.push(makeTxn('0x1', z2, z2, z2, { type: 'delete', path: p }));
  }
  let snaps = 0;
  const mix = timed(mixed.length, () => {
    for (let i = 0; i < mixed.length; i++) {
      if (i % 10_000 === 0) {
        tree.snapshot();
        snaps++;
      }
      tree.applyTxn(mixed[i]!);
    }
  });
  console.log(`mixed, snapshot every 10k txns: ${mix} (${snaps} snapshots)`);

  if (found !== N) console.log(`(calibration lookups found ${found} of ${N})`);
  const s0 = performance.now();
  const fork = DataTree.fromSnapshot(tree.snapshot());
  console.log(`snapshot() + fromSnapshot() of ${fork.size.toLocaleString('en-US')} znodes: ${((performance.now() - s0) * 1000).toFixed(1)} µs`);
}
