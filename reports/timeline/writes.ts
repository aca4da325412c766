/**
 * A write's life, read from the trace: the leader's proposal, each ack (its own after its fsync, a
 * follower's on ACK), the quorum moment (the leader's `commit`), the apply on each server and the
 * client's answer (a `client.return` carrying that zxid). Keyed by zxid; one entry per proposal
 * (a zxid proposed again by a later leader — never, as epochs grow — would start a new one).
 */
import type { Happening } from './records.ts';
import { hexZxid, sid } from './names.ts';

export interface Write {
  readonly zxid: number;
  readonly leader: string;
  readonly t: number;
  /** Record index of the `propose`. */
  readonly i: number;
  readonly acks: { readonly from: string; readonly t: number; readonly i: number }[];
  /** When the leader decided it (the ack that made the quorum), undefined: never committed. */
  commit?: { readonly t: number; readonly i: number };
  readonly applied: { readonly node: string; readonly t: number; readonly i: number }[];
  /** The txn type (`create2`, `closeSession`, ...), from the PROPOSAL or the apply. */
  type?: string;
  /** The path the txn names, from the PROPOSAL (absent for session txns). */
  path?: string;
  /** The client that got the answer, and when. */
  reply?: { readonly client: string; readonly t: number; readonly i: number; readonly op: string };
}

export function writes(hs: readonly Happening[]): Write[] {
  const out: Write[] = [];
  const byZxid = new Map<number, Write>();
  const calls = new Map<string, string>();
  for (const h of hs) {
    if (h.k === 'msg') {
      // The PROPOSAL carries the txn: its type and path (whoever never answers, the txn still says it).
      if (h.type !== 'PROPOSAL') continue;
      const e = h.msg['entry'] as { zxid?: unknown; txn?: { hdr?: { type?: unknown }; body?: { path?: unknown } } } | undefined;
      const w = typeof e?.zxid === 'number' ? byZxid.get(e.zxid) : undefined;
      if (w === undefined || w.path !== undefined) continue;
      if (typeof e?.txn?.body?.path === 'string') w.path = e.txn.body.path;
      if (typeof e?.txn?.hdr?.type === 'string') w.type ??= e.txn.hdr.type;
      continue;
    }
    if (h.k !== 'node') continue;
    switch (h.event) {
      case 'propose': {
        const w: Write = { zxid: h.data.zxid, leader: h.node, t: h.t, i: h.i, acks: [], applied: [] };
        out.push(w);
        byZxid.set(w.zxid, w);
        break;
      }
      case 'ack': {
        const w = byZxid.get(h.data.zxid);
        if (w && w.leader === h.node) w.acks.push({ from: sid(h.data.from), t: h.t, i: h.i });
        break;
      }
      case 'commit': {
        const w = byZxid.get(h.data.zxid);
        if (w && w.leader === h.node && w.commit === undefined) w.commit = { t: h.t, i: h.i };
        break;
      }
      case 'apply': {
        const w = byZxid.get(h.data.zxid);
        if (w) {
          w.applied.push({ node: h.node, t: h.t, i: h.i });
          w.type ??= h.data.type;
        }
        break;
      }
      case 'client.invoke':
        calls.set(`${h.node}/${h.data.session}/${h.data.xid}`, `${h.data.op}${h.data.path !== undefined ? ' ' + h.data.path : ''}`);
        break;
      case 'client.return': {
        const w = byZxid.get(h.data.zxid);
        const op = calls.get(`${h.node}/${h.data.session}/${h.data.xid}`) ?? `xid ${h.data.xid}`;
        if (w && w.reply === undefined && h.data.rc === 0 && !/^(get|exists|sync|ping)/i.test(op)) w.reply = { client: h.node, t: h.t, i: h.i, op };
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** What the txn is: `create2, c1's create /x` (or its path when no client got an answer). */
export function whatText(w: Write): string {
  return [w.type, w.reply ? `${w.reply.client}'s ${w.reply.op}` : w.path].filter((x) => x !== undefined).join(', ');
}

/** One sentence: `0x100000002 (create2, c1's create /x): proposed by s3 at ..., acked by s3 s1 s2, committed at ...` */
export function writeText(w: Write, secs: (us: number) => string): string {
  const what = whatText(w);
  const acks = w.acks.map((a) => a.from).join(' ') || 'nobody';
  const fate = w.commit ? `committed at t=${secs(w.commit.t)}` : 'never committed';
  return `${hexZxid(w.zxid)}${what ? ` (${what})` : ''}: proposed by ${w.leader} at t=${secs(w.t)}, acked by ${acks}, ${fate}, applied on ${w.applied.map((a) => a.node).join(' ') || 'no server'}${w.reply ? `, answered to ${w.reply.client} at t=${secs(w.reply.t)}` : ''}`;
}
