/**
 * Turns typed trace records (`trace/records.ts`, documented in `trace/README.md`) into the
 * timeline's normalised `Happening`s; everything else in `reports/` works on those.
 *
 * The kernel writes a message as `send` (at the sender, with the full message) and later `recv` or
 * `drop` (at the receiver) joined by the message number `m`; `dup` announces a second delivery.
 * Faults are `{node: '*', ev: 'fault', fault: 'partition'|'isolate'|'heal'|'cut'|'uncut'|'clog'|
 * 'unclog'|'link'|'disk', ...}`; crashes, restarts, pauses and clock changes are per-node records;
 * a node's own trace effects are `{ev: 'trace', event, data}`. `t` is virtual time in µs.
 */
import type { NodeEvent, TraceRecord } from '../../trace/records.ts';

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

/** A node's own trace event: `event` selects the type of `data` (trace/schema.ts). */
export type NodeHappening = { readonly k: 'node'; readonly i: number; readonly t: number; readonly node: string } & NodeEvent;

/** A client told its application of a watch event or a connection-state change (`notify` record). */
export interface NotifyHappening {
  readonly k: 'notify';
  readonly i: number;
  readonly t: number;
  readonly node: string;
  readonly type: string;
  readonly state: string;
  readonly path: string | null;
  readonly zxid: number;
}

export type Happening = MsgHappening | FaultHappening | NodeHappening | NotifyHappening;

const NODE_FAULTS = { crash: 'crash', restart: 'restart', pause: 'pause', resume: 'resume', clock: 'skew', boot: 'boot' } as const;

/** The record's fields other than `t`, `node`, `ev` and `skip`. */
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
  const sent = new Map<number, Sent>();
  trace.forEach((r, i) => {
    const t = r.t;
    const node = r.node;
    switch (r.ev) {
      case 'send':
        sent.set(r.m, { i, t, type: r.type, msg: r.msg, delivered: 0 });
        return;
      case 'recv':
      case 'drop': {
        const s = sent.get(r.m);
        let fate: Fate = r.ev === 'recv' ? 'deliver' : 'drop';
        if (s && r.ev === 'recv') {
          if (s.delivered > 0) fate = 'duplicate';
          s.delivered += 1;
        }
        out.push({
          k: 'msg', i, si: s?.i ?? -1, t, sent: s ? Math.min(s.t, t) : t, from: r.from, to: node, type: r.type, fate,
          msg: s?.msg ?? { type: r.type },
          ...(r.ev === 'drop' ? { reason: r.reason } : {}),
        });
        return;
      }
      case 'fault': {
        const data = rest(r, ['fault']);
        switch (r.fault) {
          case 'partition':
            out.push({ k: 'fault', i, t, data, fault: 'partition', groups: r.groups });
            return;
          case 'isolate':
            out.push({ k: 'fault', i, t, data, fault: 'partition', isolated: r.target });
            return;
          case 'heal':
            out.push({ k: 'fault', i, t, data, fault: 'heal' });
            return;
          case 'disk':
          case 'failDisk':
            out.push({ k: 'fault', i, t, data, fault: 'disk', node });
            return;
          default:
            out.push({ k: 'fault', i, t, data, fault: r.fault, from: r.from, to: r.to });
            return;
        }
      }
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
      case 'clock':
      case 'boot':
        out.push({ k: 'fault', i, t, fault: NODE_FAULTS[r.ev], node, data: rest(r) });
        return;
      case 'trace':
        out.push({ k: 'node', i, t, node, event: r.event, data: r.data } as NodeHappening);
        return;
      case 'notify':
        out.push({ k: 'notify', i, t, node, type: r.type, state: r.state, path: r.path, zxid: r.zxid });
        return;
      // Kernel bookkeeping the timeline does not draw: `request`/`reply` are the application's
      // side of a call; clients also emit client.invoke/return, which carry the session and xid.
      // Connection lifecycle records (connect, accept, ..., lost): the messages on them are drawn,
      // and what a node does about a lost connection shows in its own trace events.
      case 'connect':
      case 'accept':
      case 'connected':
      case 'close':
      case 'closed':
      case 'lost':
      case 'listen':
      case 'unlisten':
      case 'header':
      case 'dup':
      case 'hold':
      case 'timer':
      case 'disk':
      case 'note':
      case 'request':
      case 'reply':
        return;
    }
  });
  return out;
}
