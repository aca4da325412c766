/**
 * Plain-words descriptions of trace happenings: the text a student reads under the cursor while
 * stepping, and (for the notable ones) a line of the narration.
 */
import type { FaultHappening, Happening } from './records.ts';
import type { NodeEvent } from '../../trace/records.ts';
import { hexZxid, nodeList, rcName, sid } from './names.ts';
import { isClient } from './categories.ts';
import { tripleText } from '../elections.ts';
import { voteTriple as triple } from './names.ts';

function value(key: string, v: unknown): string {
  if (/zxid/i.test(key) && typeof v === 'number') return hexZxid(v);
  if ((key === 'leader' || key === 'sid' || key === 'peer') && typeof v === 'number') return sid(v);
  if (Array.isArray(v)) return v.length > 6 ? `[${v.length} items]` : `[${v.map((x) => value(key, x)).join(' ')}]`;
  if (v !== null && typeof v === 'object') {
    const s = JSON.stringify(v);
    return s.length > 40 ? s.slice(0, 37) + '...' : s;
  }
  return String(v);
}

/** The interesting fields of a payload, `key value` pairs, at most `max` characters. */
export function fields(data: Readonly<Record<string, unknown>>, skip: readonly string[] = [], max = 110): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (k === 'type' || skip.includes(k) || v === undefined) continue;
    parts.push(`${k} ${value(k, v)}`);
  }
  const s = parts.join(', ');
  return s.length > max ? s.slice(0, max - 3) + '...' : s;
}

/** One sentence for a node trace event. */
export function describeNodeEvent(node: string, e: NodeEvent): string {
  const { event, data } = e;
  switch (event) {
    case 'state':
      return `${node} is now ${data.state}${data.epoch !== undefined ? ` (epoch ${data.epoch})` : ''}`;
    case 'vote':
      return `${node} now proposes ${sid(data.leader)}: ${tripleText(triple(data))} in round ${data.round}`;
    case 'election.start':
      return `${node} starts a leader election (round ${data.round}) proposing itself: ${tripleText(triple(data.vote))}`;
    case 'election.decided': {
      const who = sid(data.leader);
      const what = data.state === 'LEADING' ? 'decides to lead' : `decides to follow ${who}${data.state === 'OBSERVING' ? ' as an observer' : ''}`;
      return `${node} ${what}: ${tripleText(triple(data))}, round ${data.round}, votes from ${nodeList(data.votesFrom)}`;
    }
    case 'epoch.accepted':
      return `${node} accepts epoch ${data.epoch} (acceptedEpoch written to disk)`;
    case 'epoch.current':
      return `${node} sets currentEpoch ${data.epoch}`;
    case 'leader.established':
      return `${node} is the established leader of epoch ${data.epoch} (zxid ${hexZxid(data.zxid)}, quorum ${nodeList(data.quorum)})`;
    case 'sync.send':
      return `${node} syncs ${sid(data.peer)} with ${data.mode}`;
    case 'propose':
      return `${node} proposes ${hexZxid(data.zxid)}`;
    case 'ack':
      return `${node} acks ${hexZxid(data.zxid)} from ${sid(data.from)}`;
    case 'commit':
      return `${node} commits ${hexZxid(data.zxid)}`;
    case 'apply':
      return `${node} applies ${hexZxid(data.zxid)}`;
    case 'db.load':
      return `${node} rebuilds its tree from disk (up to ${hexZxid(data.zxid)})`;
    case 'client.invoke':
      return `${node} calls ${data.op}${data.path !== undefined ? ` ${data.path}` : ''} (session ${hexZxid(data.session)}, xid ${data.xid})`;
    case 'client.return':
      return `${node} gets ${rcName(data.rc)} for xid ${data.xid}${data.zxid >= 0 ? ` (zxid ${hexZxid(data.zxid)})` : ''}`;
    case 'client.connected':
      return `${node} connected${data.server !== null ? ` to ${sid(data.server)}` : ''} (session ${hexZxid(data.session)})`;
    case 'client.disconnected':
      return `${node} lost its connection${data.server !== null ? ` to ${sid(data.server)}` : ''}`;
    default: {
      const f = fields(data);
      if (event.startsWith('session.')) return `${node}: session ${event.slice(8)}${f ? ` (${f})` : ''}`;
      return `${node}: ${event}${f ? ` (${f})` : ''}`;
    }
  }
}

/** One sentence for any happening. */
export function describe(h: Happening): string {
  switch (h.k) {
    case 'msg': {
      const f = fields(h.msg);
      const how = h.fate === 'deliver' ? 'delivered' : h.fate === 'drop' ? `dropped${h.reason ? ` (${h.reason})` : ''}` : 'duplicated';
      return `${h.from} → ${h.to} ${h.type}${f ? ` {${f}}` : ''} ${how}`;
    }
    case 'fault':
      return describeFault(h);
    case 'node':
      return describeNodeEvent(h.node, h);
    case 'notify':
      return h.type === 'None'
        ? `${h.node}'s application is told: ${h.state}`
        : `${h.node}'s application is told: ${h.type} ${h.path ?? ''}${h.zxid >= 0 ? ` (zxid ${hexZxid(h.zxid)})` : ''}`;
  }
}

function describeFault(h: FaultHappening): string {
  const n = h.node ?? '?';
  switch (h.fault) {
    case 'partition':
      if (h.isolated !== undefined) return `network partition: ${h.isolated} is cut off from everyone`;
      return `network partition: ${groupsText(h.groups ?? [])} (no messages cross the bar)`;
    case 'heal':
      return 'network healed: every node can reach every other again';
    case 'crash':
      if (isClient(n)) return `${n} crashes (the client process dies; its session lives on at the servers until it expires)`;
      return `${n} crashes (memory lost; only what was fsynced survives${typeof h.data['lost'] === 'number' && h.data['lost'] > 0 ? `, ${String(h.data['lost'])} unsynced log records lost` : ''})`;
    case 'restart':
      return `${n} restarts from its disk`;
    case 'boot':
      return `${n} boots`;
    case 'pause':
      return `${n} is paused (like a long GC pause: alive but silent)`;
    case 'resume':
      return `${n} resumes`;
    case 'clog':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} clogged (messages held back)`;
    case 'unclog':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} unclogged${h.data['released'] !== undefined ? ` (${String(h.data['released'])} held messages released)` : ''}`;
    case 'cut':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} cut`;
    case 'uncut':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} restored`;
    case 'skew': {
      const jump = h.data['jumpMs'];
      return typeof jump === 'number' && jump !== 0
        ? `${n}'s wall clock jumps by ${jump} ms`
        : `${n}'s clock now runs at rate ${String(h.data['rate'])}`;
    }
    case 'link':
      return `link ${h.from ?? '?'} → ${h.to ?? '?'} changed (${fields(h.data, ['from', 'to'])})`;
    case 'disk':
      return `${n}'s disk changes: ${diskText(h.data)}`;
  }
}

/** A disk fault's latencies in words: `fsync takes 5 ms plus a random tail (mean 10 ms, at most 200 ms)`. */
export function diskText(data: Readonly<Record<string, unknown>>): string {
  const ms = (us: unknown): string => (typeof us === 'number' ? `${Math.round(us / 100) / 10} ms` : '?');
  const parts: string[] = [];
  for (const op of ['fsync', 'writeMeta', 'snapshot', 'truncate']) {
    const l = data[op] as { minUs?: unknown; tailMeanUs?: unknown; tailMaxUs?: unknown } | undefined;
    if (l === undefined || l === null || typeof l !== 'object') continue;
    parts.push(`${op} takes ${ms(l.minUs)} plus a random tail (mean ${ms(l.tailMeanUs)}, at most ${ms(l.tailMaxUs)})`);
  }
  return parts.length === 0 ? 'no latency changed' : parts.join('; ');
}

/** Partition groups as `s1 s2 | s3 s4 s5`; a single group is cut from everyone else. */
export function groupsText(groups: readonly (readonly string[])[]): string {
  const parts = groups.map((g) => g.join(' '));
  if (parts.length === 1) parts.push('the rest');
  return parts.join(' | ');
}
