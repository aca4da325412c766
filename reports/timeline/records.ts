/**
 * The one place that knows the simulator's trace record shape (`sim/trace.ts`). Everything else in
 * `reports/` works on the normalised `Happening`s produced here, so a renamed field is a one-line fix.
 *
 * The kernel writes a message as `send` (at the sender, with the full message) and later `recv` or
 * `drop` (at the receiver) joined by the message number `m`; `dup` announces a second delivery.
 * Faults are `{node: '*', ev: 'fault', fault: 'partition'|'isolate'|'heal'|'cut'|'uncut'|'clog'|
 * 'unclog'|'link'|'disk', ...}`; crashes, restarts, pauses and clock changes are per-node records;
 * a node's own trace effects are `{ev: 'trace', event, data}`. `t` is virtual time in µs.
 * A flat `{t, node, ev: 'state', state: ...}` is also read as a node event (handy in hand-written traces).
 */
import type { TraceRecord } from '../../sim/trace.ts';

export type { TraceRecord };

export type Fate = 'deliver' | 'drop' | 'duplicate';

export interface MsgHappening {
  readonly k: 'msg';
  /** Index of the record (the `recv`/`drop`) in the trace: what checkers' violations point at. */
  readonly i: number;
  /** Index of the `send` record, -1 if unknown. */
  readonly si: number;
  readonly t: number;
  /** When the message left its sender (equals `t` when the trace does not say). */
  readonly sent: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly fate: Fate;
  readonly msg: Readonly<Record<string, unknown>>;
  readonly reason?: string;
}

export type FaultKind =
  | 'partition' | 'heal' | 'crash' | 'restart' | 'pause' | 'resume' | 'clog' | 'unclog' | 'cut' | 'uncut' | 'skew'
  | 'link' | 'disk' | 'boot';

export interface FaultHappening {
  readonly k: 'fault';
  readonly i: number;
  readonly t: number;
  readonly fault: FaultKind;
  readonly node?: string;
  readonly from?: string;
  readonly to?: string;
  readonly groups?: readonly (readonly string[])[];
  /** For `isolate`: the node cut off from everyone. */
  readonly isolated?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface NodeHappening {
  readonly k: 'node';
  readonly i: number;
  readonly t: number;
  readonly node: string;
  readonly event: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type Happening = MsgHappening | FaultHappening | NodeHappening;

/** Kernel bookkeeping the timeline does not draw. */
// `request`/`reply` are the application's side of a call; clients also emit client.invoke/return,
// which carry the session and xid, so the timeline draws those.
const QUIET = new Set(['send', 'dup', 'hold', 'timer', 'disk', 'note', 'peerDown', 'request', 'reply']);
const NODE_FAULTS: Readonly<Record<string, FaultKind>> = {
  crash: 'crash', restart: 'restart', pause: 'pause', resume: 'resume', clock: 'skew', boot: 'boot',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function rest(r: TraceRecord, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 't' && k !== 'ev' && k !== 'node' && !skip.includes(k)) out[k] = v;
  return out;
}

interface Sent {
  readonly i: number;
  readonly t: number;
  readonly type: string;
  readonly msg: Readonly<Record<string, unknown>>;
  delivered: number;
}

/** Normalises a whole trace (messages need their `send` joined to their `recv`/`drop`). */
export function toHappenings(trace: readonly TraceRecord[]): Happening[] {
  const out: Happening[] = [];
  const sent = new Map<string, Sent>();
  trace.forEach((r, i) => {
    const t = typeof r.t === 'number' ? r.t : 0;
    const node = str(r.node) ?? '?';
    const ev = r.ev;
    if (ev === 'send') {
      const msg = obj(r['msg']) ?? {};
      sent.set(String(r['m']), { i, t, type: str(r['type']) ?? str(msg['type']) ?? 'message', msg, delivered: 0 });
      return;
    }
    if (ev === 'recv' || ev === 'drop') {
      const from = str(r['from']) ?? '?';
      const s = sent.get(String(r['m']));
      const type = str(r['type']) ?? s?.type ?? 'message';
      let fate: Fate = ev === 'recv' ? 'deliver' : 'drop';
      if (s && ev === 'recv') {
        if (s.delivered > 0) fate = 'duplicate';
        s.delivered += 1;
      }
      const reason = str(r['reason']);
      out.push({
        k: 'msg', i, si: s?.i ?? -1, t, sent: s ? Math.min(s.t, t) : t, from, to: node, type, fate, msg: s?.msg ?? { type },
        ...(reason !== undefined ? { reason } : {}),
      });
      return;
    }
    if (ev === 'fault') {
      const f = str(r['fault']) ?? '?';
      const data = rest(r, ['fault']);
      const from = str(r['from']);
      const to = str(r['to']);
      const common = { k: 'fault' as const, i, t, data, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
      if (f === 'partition' && Array.isArray(r['groups'])) {
        const groups = (r['groups'] as unknown[]).map((g) => (Array.isArray(g) ? g.map(String) : [String(g)]));
        out.push({ ...common, fault: 'partition', groups });
      } else if (f === 'isolate') {
        out.push({ ...common, fault: 'partition', isolated: str(r['target']) ?? '?' });
      } else if (f === 'heal' || f === 'cut' || f === 'uncut' || f === 'clog' || f === 'unclog' || f === 'link') {
        out.push({ ...common, fault: f });
      } else if (f === 'disk') {
        out.push({ ...common, fault: 'disk', node });
      } else {
        out.push({ k: 'node', i, t, node, event: 'fault.' + f, data });
      }
      return;
    }
    const nf = NODE_FAULTS[ev];
    if (nf !== undefined) {
      out.push({ k: 'fault', i, t, fault: nf, node, data: rest(r) });
      return;
    }
    if (ev === 'trace') {
      out.push({ k: 'node', i, t, node, event: str(r['event']) ?? 'trace', data: obj(r['data']) ?? {} });
      return;
    }
    if (QUIET.has(ev) || node === '*' || node === '?') return;
    out.push({ k: 'node', i, t, node, event: ev, data: obj(r['data']) ?? rest(r) });
  });
  return out;
}
