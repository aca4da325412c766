/**
 * Ready-made expectations over the live ensemble and the script's calls, each returning a named
 * verdict with a detail that says what was seen (so a failure explains itself).
 */
import type { NodeId } from '../../protocol/contract.ts';
import type { Expectation } from '../../sim/scenario.ts';
import { decode } from '../../trace/view.ts';
import type { Zk } from './world.ts';

function v(name: string, ok: boolean, detail: string): Expectation {
  return { name, ok, detail };
}

/** Some live server is an established leader of an epoch greater than `epoch`. */
export function leaderOfEpochAbove(z: Zk, epoch: number): Expectation {
  const l = z.leaders();
  return v(`a leader of epoch > ${epoch} exists`, l.some((x) => x.epoch > epoch), l.map((x) => `${x.id}@${x.epoch}`).join(' ') || 'no leader');
}

/** Exactly one established leader among the live servers. */
export function oneLeader(z: Zk): Expectation {
  const l = z.leaders();
  return v('exactly one leader', l.length === 1, l.map((x) => `${x.id}@${x.epoch}`).join(' ') || 'no leader');
}

export function notLeading(z: Zk, id: NodeId): Expectation {
  const st = z.stateOf(id);
  return v(`${id} is not leading`, st !== 'LEADING', st);
}

export function leading(z: Zk, id: NodeId): Expectation {
  const st = z.stateOf(id);
  return v(`${id} is leading`, st === 'LEADING' && z.leader() === id, st);
}

/** Every live server answers clients (an election is over and everyone synced). */
export function allServing(z: Zk): Expectation {
  const up = z.servers.filter((s) => z.isUp(s));
  const serving = z.serving();
  return v('every live server is serving', up.length > 0 && serving.length === up.length, `${serving.length}/${up.length} serving`);
}

/** The call labelled `label` got an OK answer. */
export function acked(z: Zk, label: string): Expectation {
  const c = z.labelled(label);
  const rc = c?.reply?.rc;
  return v(`${c?.client ?? '?'}'s ${label} was acknowledged`, rc === 0, c === undefined ? 'never issued' : rc === undefined ? 'no answer' : `rc=${rc}`);
}

/** The call labelled `label` was NOT acknowledged (failed or never answered). */
export function notAcked(z: Zk, label: string): Expectation {
  const c = z.labelled(label);
  const rc = c?.reply?.rc;
  return v(`${c?.client ?? '?'}'s ${label} was not acknowledged`, c !== undefined && rc !== 0, c === undefined ? 'never issued' : rc === undefined ? 'no answer' : `rc=${rc}`);
}

/** No serving server holds `path`. */
export function goneEverywhere(z: Zk, path: string): Expectation {
  const serving = z.serving();
  const holders = serving.filter((s) => z.has(s, path));
  return v(`${path} is gone`, serving.length > 0 && holders.length === 0, holders.length ? `still on ${holders.join(' ')}` : `${serving.length} serving servers checked`);
}

/** Every serving server holds `path`. */
export function presentEverywhere(z: Zk, path: string): Expectation {
  const serving = z.serving();
  const missing = serving.filter((s) => !z.has(s, path));
  return v(`${path} exists on every serving server`, serving.length > 0 && missing.length === 0, missing.length ? `missing on ${missing.join(' ')}` : `${serving.length} serving servers checked`);
}

/** Every serving server has applied the same last zxid. */
export function converged(z: Zk): Expectation {
  const zs = z.serving().map((s) => z.server(s).db.lastProcessedZxid);
  const distinct = new Set(zs);
  return v('serving servers agree on the last zxid', zs.length > 0 && distinct.size === 1, [...distinct].map((x) => '0x' + x.toString(16)).join(' '));
}

/** Generic: a named condition with a detail. */
export function that(name: string, ok: boolean, detail = ''): Expectation {
  return v(name, ok, detail);
}

/** Every persistent create a client got OK for is on every serving server (no acknowledged write lost). */
export function ackedCreatesPresent(z: Zk): Expectation {
  const paths = z.calls
    .filter((c) => c.op['op'] === 'create' && ((Number(c.op['flags'] ?? 0) & 1) === 0) && c.reply?.rc === 0)
    .map((c) => String(c.reply?.path ?? c.op['path']));
  const serving = z.serving();
  const missing: string[] = [];
  for (const p of paths) for (const s of serving) if (!z.has(s, p)) missing.push(`${p}@${s}`);
  return v('every acknowledged create survives on every serving server', serving.length > 0 && missing.length === 0, missing.length ? `missing ${missing.slice(0, 5).join(' ')}` : `${paths.length} creates checked`);
}

/** How many calls labelled with this prefix were acknowledged, out of how many issued. */
export function ackCount(z: Zk, prefix: string): { acked: number; issued: number } {
  const cs = z.calls.filter((c) => c.label?.startsWith(prefix));
  return { acked: cs.filter((c) => c.reply?.rc === 0).length, issued: cs.length };
}

/**
 * Read from the trace (not from the live servers): the write to `path` was proposed by `server`
 * (a PROPOSAL for it left `server`) and entered `server`'s log, yet no server ever committed or
 * applied it, and every server that logged it later discarded it (a TRUNC below it, or a SNAP past
 * it). The split-brain lesson: a leader cut off from its quorum logs a write it can never commit.
 */
export function loggedThenDiscarded(z: Zk, server: NodeId, path: string): Expectation {
  const name = `${server} logged the write to ${path}, nobody committed it, and it was discarded everywhere`;
  const events = decode(z.sim.trace.records);
  const proposed = new Set<number>();
  for (const { node, e } of events) if (node === server && e.k === 'proposalSent' && e.txn.path === path) proposed.add(e.zxid);
  if (proposed.size === 0) return v(name, false, `${server} never proposed a write to ${path}`);
  const zxids = [...proposed];
  const logged = new Map<string, number>(); // node -> its last append of one of those zxids
  let decided = '';
  events.forEach(({ node, e }, i) => {
    if (!('zxid' in e) || !proposed.has(e.zxid)) return;
    if (e.k === 'logAppend') logged.set(node, i);
    if (e.k === 'commit' || e.k === 'apply') decided ||= `${e.k} on ${node}`;
  });
  if (!logged.has(server)) return v(name, false, `${server} proposed it but never logged it`);
  if (decided !== '') return v(name, false, `it was decided: ${decided}`);
  const kept = [...logged.entries()].filter(([n, at]) => !events.some(({ node, e }, i) => i > at && node === n
    && ((e.k === 'logTruncate' && zxids.every((x) => e.zxid < x)) || (e.k === 'snapshotLoad' && zxids.every((x) => e.zxid > x)))));
  return v(name, kept.length === 0, kept.length > 0
    ? `still in the log of ${kept.map(([n]) => n).join(' ')}`
    : `zxid ${zxids.map((x) => '0x' + x.toString(16)).join(' ')} logged by ${[...logged.keys()].sort().join(' ')}, then cut (TRUNC) or replaced (SNAP) on each`);
}
