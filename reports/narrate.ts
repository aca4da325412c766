/**
 * A plain-words narration of a trace, one line per notable event:
 *   t=1.203s s3 elected leader of epoch 2 with zxid 0x200000000, votes from s1 s2 s3
 * Elections won and lost, leaders stepping down, two leaders at once, crashes, restarts, pauses,
 * partitions and heals, expired sessions, failed client calls and the checkers' violations.
 */
import type { EventData, TraceRecord } from '../trace/records.ts';
import { toHappenings } from './timeline/records.ts';
import type { Happening } from './timeline/records.ts';
import { describe } from './timeline/describe.ts';
import { buildModel, leaderOverlaps } from './timeline/model.ts';
import type { Model, Verdict } from './timeline/model.ts';
import { hexZxid, nodeList, rcName, rcOk, secs } from './timeline/names.ts';

export interface NarrateOptions {
  readonly verdicts?: readonly Verdict[];
  /** The trace's timeline model if the caller has one already (saves rebuilding it). */
  readonly model?: Model;
}

export interface Line {
  readonly t: number;
  readonly text: string;
}

/** What the narration remembers between events. */
interface Memory {
  /** node -> its last state */
  readonly st: Map<string, string>;
  /** node -> its last election.decided data */
  readonly decided: Map<string, EventData<'election.decided'>>;
  /** node -> when it won an election it has not yet established */
  readonly pending: Map<string, number>;
  /** sessions whose expiry has been told (every server applies the closeSession: tell it once) */
  readonly expired: Set<string>;
}

function lineFor(h: Happening, m: Memory): string | undefined {
  const { st, decided, pending } = m;
  if (h.k === 'msg') return undefined;
  if (h.k === 'fault') {
    if (h.fault === 'link' || h.fault === 'boot') return undefined;
    if (h.fault === 'crash' || h.fault === 'restart') st.delete(h.node ?? '');
    return describe(h);
  }
  const { event, data: d } = h;
  switch (event) {
    case 'state': {
      const prev = st.get(h.node);
      const next = d.state;
      st.set(h.node, next);
      if (next !== 'LOOKING' || prev === undefined || prev === 'LOOKING') return undefined;
      return prev === 'LEADING'
        ? `${h.node} steps down as leader and starts an election`
        : `${h.node} lost its leader and starts an election`;
    }
    case 'election.decided': {
      decided.set(h.node, d);
      if (d.state === 'LEADING') pending.set(h.node, h.t);
      return undefined;
    }
    case 'leader.established': {
      pending.delete(h.node);
      const votes = decided.get(h.node)?.votesFrom ?? d.quorum;
      return `${h.node} elected leader of epoch ${d.epoch} with zxid ${hexZxid(d.zxid)}, votes from ${nodeList(votes)}`;
    }
    case 'client.return':
      if (rcOk(d.rc)) return undefined;
      return `${h.node} call xid ${d.xid} failed: ${rcName(d.rc)}`;
    case 'session.expiring':
      // The leader's tracker found the session silent too long and proposes its closeSession; a
      // leader cut off from its quorum says this but the expiry never commits.
      return `${h.node} finds session ${hexZxid(d.session)} expired and proposes closing it`;
    case 'session.expire': {
      const id = d.session;
      if (m.expired.has(id)) return undefined;
      m.expired.add(id);
      return `session ${hexZxid(id)} expired: its closeSession committed (applied first on ${h.node})`;
    }
    default:
      return undefined;
  }
}

/** The narration as timed lines, in time order. */
export function narrateLines(trace: readonly TraceRecord[], options: NarrateOptions = {}): Line[] {
  const out: (Line & { order: number })[] = [];
  const memory: Memory = { st: new Map(), decided: new Map(), pending: new Map(), expired: new Set() };
  const { decided, pending } = memory;
  let order = 0;
  const unestablished = (node: string, t: number): void => {
    const at = pending.get(node);
    if (at === undefined) return;
    pending.delete(node);
    const d = decided.get(node);
    out.push({ t: at, order: order++, text: `${node} won the election (round ${String(d?.round)}) but never established its epoch (gave up by t=${secs(t)})` });
  };
  let end = 0;
  for (const h of toHappenings(trace)) {
    end = Math.max(end, h.t);
    if (h.k === 'node' && (h.event === 'election.decided' || (h.event === 'state' && h.data.state === 'LOOKING'))) unestablished(h.node, h.t);
    if (h.k === 'fault' && h.fault === 'crash' && h.node !== undefined) unestablished(h.node, h.t);
    const text = lineFor(h, memory);
    if (text !== undefined) out.push({ t: h.t, order: order++, text });
  }
  for (const node of [...pending.keys()].sort()) unestablished(node, end);
  const model = options.model ?? buildModel(trace);
  for (const r of leaderOverlaps(model.spans, model.lanes)) {
    out.push({ t: r.t0, order: order++, text: `${r.label.replace(' at once', ' at once until t=' + secs(r.t1))}` });
  }
  for (const v of options.verdicts ?? []) {
    for (const viol of v.violations) {
      out.push({ t: viol.t, order: order++, text: `CHECK FAILED ${v.name}: ${viol.node ? viol.node + ': ' : ''}${viol.message}` });
    }
  }
  out.sort((a, b) => a.t - b.t || a.order - b.order);
  return out.map(({ t, text }) => ({ t, text }));
}

/** The narration as text, one `t=…s …` line per notable event. */
export function narrate(trace: readonly TraceRecord[], options: NarrateOptions = {}): string {
  return narrateLines(trace, options).map((l) => `t=${secs(l.t)} ${l.text}`).join('\n') + '\n';
}
