/**
 * Client-side guarantees, per session, from `client.invoke` / `client.return`:
 * - FifoClientOrder: a session's writes take effect in issue order — ordered by xid, the zxids of
 *   its txn replies strictly increase.
 * - SessionMonotonicRead: the zxid in a session's replies never goes backwards (single system image
 *   across reconnects).
 * - ReadYourWrites: a read issued after one of the session's writes returned carries a zxid at least
 *   that write's.
 */
import { zxidHex } from '../protocol/zxid.ts';
import { decode } from '../trace/view.ts';
import { hasReplyZxid, isRead, isTxnReply } from './ops.ts';
import { sharedPass, Verdict, type PassCache } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

interface Pending {
  op: string;
  /** The session's greatest acknowledged write zxid when this request was issued. */
  wrote: number;
  wroteI: number;
  i: number;
}

interface SessionState {
  pending: Map<number, Pending>;
  writes: { xid: number; zxid: number; i: number; t: number; node: string }[];
  lastZxid: number;
  lastI: number;
  wrote: number;
  wroteI: number;
}

function scan(records: readonly TraceRecord[], options?: CheckOptions): CheckResult[] {
  return sharedPass(passes, records, options, () => pass(records, options).map((v) => v.result()));
}

const passes: PassCache<CheckResult[]> = new WeakMap();

function pass(records: readonly TraceRecord[], options?: CheckOptions): Verdict[] {
  const fifo = new Verdict('FifoClientOrder', options);
  const mono = new Verdict('SessionMonotonicRead', options);
  const ryw = new Verdict('ReadYourWrites', options);
  const sessions = new Map<string, SessionState>();
  const get = (s: string): SessionState => {
    let st = sessions.get(s);
    if (st === undefined) {
      st = { pending: new Map(), writes: [], lastZxid: 0, lastI: -1, wrote: 0, wroteI: -1 };
      sessions.set(s, st);
    }
    return st;
  };
  for (const d of decode(records)) {
    const e = d.e;
    if (e.k === 'invoke') {
      const st = get(e.session);
      st.pending.set(e.xid, { op: e.op, wrote: st.wrote, wroteI: st.wroteI, i: d.i });
      continue;
    }
    if (e.k !== 'return') continue;
    const st = get(e.session);
    const p = st.pending.get(e.xid);
    st.pending.delete(e.xid);
    if (!hasReplyZxid(e.rc, e.zxid)) continue;
    const zx = e.zxid!;
    if (zx < st.lastZxid)
      mono.add(d.t, d.node, `session ${e.session} xid ${e.xid} saw ${zxidHex(zx)} after ${zxidHex(st.lastZxid)}`, [d.i, st.lastI]);
    if (zx >= st.lastZxid) {
      st.lastZxid = zx;
      st.lastI = d.i;
    }
    if (p === undefined) continue;
    if (isTxnReply(p.op, e.rc, zx)) {
      st.writes.push({ xid: e.xid, zxid: zx, i: d.i, t: d.t, node: d.node });
      if (zx > st.wrote) {
        st.wrote = zx;
        st.wroteI = d.i;
      }
    } else if (isRead(p.op) && zx < p.wrote) {
      ryw.add(d.t, d.node, `session ${e.session} read ${p.op} (xid ${e.xid}) saw ${zxidHex(zx)}, older than its own write ${zxidHex(p.wrote)}`, [
        d.i,
        p.wroteI,
      ]);
    }
  }
  for (const [s, st] of sessions) {
    const w = st.writes.slice().sort((a, b) => a.xid - b.xid);
    for (let j = 1; j < w.length; j++) {
      if (w[j]!.zxid <= w[j - 1]!.zxid)
        fifo.add(Math.max(w[j]!.t, w[j - 1]!.t), w[j]!.node, `session ${s}: write xid ${w[j]!.xid} took effect at ${zxidHex(w[j]!.zxid)}, not after xid ${w[j - 1]!.xid} at ${zxidHex(w[j - 1]!.zxid)}`, [
          w[j]!.i,
          w[j - 1]!.i,
        ]);
    }
  }
  return [fifo, mono, ryw];
}

export function fifoClientOrder(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[0]!;
}
export function sessionMonotonicRead(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[1]!;
}
export function readYourWrites(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  return scan(records, options)[2]!;
}
