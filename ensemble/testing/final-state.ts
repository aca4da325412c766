/**
 * Checks on the servers' final live state, which the trace checkers (checkers/, trace only) cannot
 * see. Each returns a list of violations (empty = ok).
 *
 * - Durability of acknowledged creates: every persistent create a client saw acknowledged
 *   (`client.return` rc 0) is in every serving server's final state (tests that delete nodes must
 *   not use this check on them).
 * - Convergence: serving servers that applied the same last zxid hold identical state images.
 */
import { zxidHex } from '../../protocol/zxid.ts';
import type { Ensemble } from '../ensemble.ts';

/** Acknowledged creates (rc 0) whose path is missing from a serving server's final state. */
export function lostWrites(e: Ensemble, exists = (s: string, p: string) => e.has(s, p)): string[] {
  const out: string[] = [];
  const acked: string[] = [];
  const invoked = new Map<string, string>();
  for (const ev of e.events()) {
    // Ephemeral creates (flags 1, 3) legitimately vanish with their session; sequential ones (2, 3)
    // create a path the invoke record does not name.
    if (ev.event === 'client.invoke' && ev.data['op'] === 'create' && ((ev.data['flags'] as number) & 3) === 0) {
      invoked.set(`${ev.node}/${String(ev.data['session'])}/${String(ev.data['xid'])}`, String(ev.data['path']));
    } else if (ev.event === 'client.return' && ev.data['rc'] === 0) {
      const p = invoked.get(`${ev.node}/${String(ev.data['session'])}/${String(ev.data['xid'])}`);
      if (p !== undefined) acked.push(p);
    }
  }
  for (const s of e.serving()) {
    for (const p of acked) if (!exists(s, p)) out.push(`${s} lost acknowledged create ${p}`);
  }
  return out;
}

/** Serving servers at the same last zxid must hold the same state image. */
export function divergence(e: Ensemble): string[] {
  const out: string[] = [];
  const byZxid = new Map<number, { node: string; image: string }>();
  for (const s of e.serving()) {
    const db = e.server(s).db;
    const sm = db.sm as { fingerprint?: () => string };
    const image = sm.fingerprint ? sm.fingerprint() : JSON.stringify(db.sm.serialize());
    const z = db.lastProcessedZxid;
    const other = byZxid.get(z);
    if (!other) byZxid.set(z, { node: s, image });
    else if (other.image !== image) out.push(`${s} and ${other.node} differ at ${zxidHex(z)}`);
  }
  return out;
}
