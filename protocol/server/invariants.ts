/**
 * Ensemble invariants checked from the trace and the servers' final states (used by the ensemble
 * tests; the general checkers live in checkers/). Each returns a list of violations (empty = ok).
 *
 * - Leadership: at most one server establishes / commits in each epoch.
 * - Agreement / TotalOrder: every server applies zxids in increasing order (per process
 *   incarnation), and all servers apply the same txn at the same zxid.
 * - Durability: every persistent create a client saw acknowledged is in every serving server's final
 *   state (tests that delete nodes must not use this check on them).
 * - Convergence: serving servers that applied the same last zxid hold identical state.
 */
import { epochOf, zxidHex } from '../zxid.ts';
import type { Cluster } from './cluster.ts';

export function leadershipViolations(c: Cluster): string[] {
  const out: string[] = [];
  const byEpoch = new Map<number, Set<string>>();
  const add = (epoch: number, node: string) => {
    const s = byEpoch.get(epoch) ?? new Set<string>();
    s.add(node);
    byEpoch.set(epoch, s);
  };
  for (const e of c.events('leader.established')) add(e.data['epoch'] as number, e.node);
  for (const e of c.events('commit')) add(epochOf(e.data['zxid'] as number), e.node);
  for (const [epoch, nodes] of [...byEpoch].sort((a, b) => a[0] - b[0])) {
    if (nodes.size > 1) out.push(`epoch ${epoch} has several leaders: ${[...nodes].sort().join(',')}`);
  }
  return out;
}

/** Identity of a txn as traced in `apply` (type) plus who issued it, from the applied entry. */
export function agreementViolations(c: Cluster): string[] {
  const out: string[] = [];
  const last = new Map<string, number>();
  const txnAt = new Map<number, string>();
  for (const r of c.sim.trace.records) {
    if (r.ev === 'crash') last.delete(r.node);
    if (r.ev !== 'trace') continue;
    const ev = r['event'];
    const data = (r['data'] ?? {}) as Record<string, unknown>;
    if (ev === 'state' && data['state'] === 'LOOKING') last.delete(r.node);
    if (ev !== 'apply') continue;
    const z = data['zxid'] as number;
    const prev = last.get(r.node);
    if (prev !== undefined && z <= prev) out.push(`${r.node} applied ${zxidHex(z)} after ${zxidHex(prev)}`);
    last.set(r.node, z);
    const id = `${String(data['type'])}`;
    const seen = txnAt.get(z);
    if (seen === undefined) txnAt.set(z, id);
    else if (seen !== id) out.push(`zxid ${zxidHex(z)} applied as ${seen} and as ${id} (${r.node})`);
  }
  return out;
}

/** Acknowledged creates (rc 0) whose path is missing from a serving server's final state. */
export function lostWrites(c: Cluster, exists: (server: string, path: string) => boolean): string[] {
  const out: string[] = [];
  const acked: string[] = [];
  const invoked = new Map<string, string>();
  for (const e of c.events()) {
    // Ephemeral creates (flags 1, 3) legitimately vanish with their session; sequential ones (2, 3)
    // create a path the invoke record does not name.
    if (e.event === 'client.invoke' && e.data['op'] === 'create' && ((e.data['flags'] as number) & 3) === 0) {
      invoked.set(`${e.node}/${String(e.data['session'])}/${String(e.data['xid'])}`, String(e.data['path']));
    } else if (e.event === 'client.return' && e.data['rc'] === 0) {
      const p = invoked.get(`${e.node}/${String(e.data['session'])}/${String(e.data['xid'])}`);
      if (p !== undefined) acked.push(p);
    }
  }
  for (const s of c.serverIds) {
    if (!c.sim.isUp(s) || !c.server(s).isServing()) continue;
    for (const p of acked) if (!exists(s, p)) out.push(`${s} lost acknowledged create ${p}`);
  }
  return out;
}

/** Serving servers at the same last zxid must hold the same state image. */
export function divergence(c: Cluster): string[] {
  const out: string[] = [];
  const byZxid = new Map<number, { node: string; image: string }>();
  for (const s of c.serverIds) {
    if (!c.sim.isUp(s) || !c.server(s).isServing()) continue;
    const db = c.server(s).db;
    const sm = db.sm as { fingerprint?: () => string };
    const image = sm.fingerprint ? sm.fingerprint() : JSON.stringify(db.sm.serialize());
    const z = db.lastProcessedZxid;
    const other = byZxid.get(z);
    if (!other) byZxid.set(z, { node: s, image });
    else if (other.image !== image) out.push(`${s} and ${other.node} differ at ${zxidHex(z)}`);
  }
  return out;
}
