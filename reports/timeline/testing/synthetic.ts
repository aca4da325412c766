/**
 * Synthetic ensemble traces for the timeline's tests and bench, written until (and alongside) real
 * simulator runs: a hand-told split-brain story, and a seeded generator of arbitrarily long traces.
 * They follow ZooKeeper 3.8's message flow (FLE notifications, FOLLOWERINFO/LEADERINFO/ACKEPOCH,
 * DIFF/TRUNC + NEWLEADER/UPTODATE, PROPOSAL/ACK/COMMIT, PING) but are NOT a simulation: nothing here
 * decides anything, the story is scripted.
 */
import seedrandom from 'seedrandom';
import type { EventData, EventName, TraceRecord } from '../../../trace/records.ts';
import { SCHEMA_VERSION } from '../../../trace/schema.ts';
import { makeZxid } from '../../../protocol/zxid.ts';
import { sidOf } from '../../../trace/view.ts';

const MS = 1000;

export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  private groups: string[][] | undefined;
  private readonly down = new Set<string>();
  private readonly rnd: () => number;
  private m = 0;

  constructor(seed = 'timeline', nodes: readonly string[] = ['s1', 's2', 's3', 's4', 's5', 'c1', 'c2', 'c3']) {
    this.rnd = seedrandom(seed);
    // Every trace starts with the header (trace/README.md).
    this.records.push({ t: 0, node: '*', ev: 'header', schema: SCHEMA_VERSION, seed, nodes: [...nodes] });
  }

  /** One-way latency in µs: 0.5–2.5 ms. */
  latency(): number {
    return Math.round(500 + this.rnd() * 2000);
  }

  reachable(a: string, b: string): boolean {
    if (this.down.has(a) || this.down.has(b)) return false;
    if (!this.groups) return true;
    const ga = this.groups.findIndex((g) => g.includes(a));
    const gb = this.groups.findIndex((g) => g.includes(b));
    return ga === -1 || gb === -1 || ga === gb;
  }

  /** Sends `msg` at time `t` (µs), as the kernel records it; returns the delivery time (or `t` if dropped). */
  send(t: number, from: string, to: string, type: string, fields: Record<string, unknown> = {}): number {
    const at = t + this.latency();
    const m = ++this.m;
    const msg = { type, ...fields };
    this.records.push({ t, node: from, ev: 'send', to, m, type, msg });
    if (this.reachable(from, to)) {
      this.records.push({ t: at, node: to, ev: 'recv', from, m, type });
      return at;
    }
    const reason = this.down.has(to) || this.down.has(from) ? 'down' : 'cut';
    this.records.push({ t: reason === 'cut' ? t : at, node: to, ev: 'drop', from, m, type, reason });
    return t;
  }

  /** A node's own trace effect. */
  node<N extends EventName>(t: number, node: string, event: N, data: EventData<N>): void {
    this.records.push({ t, node, ev: 'trace', event, data } as TraceRecord);
  }

  partition(t: number, groups: string[][]): void {
    this.groups = groups;
    this.records.push({ t, node: '*', ev: 'fault', fault: 'partition', groups });
  }

  heal(t: number): void {
    this.groups = undefined;
    this.records.push({ t, node: '*', ev: 'fault', fault: 'heal' });
  }

  boot(t: number, nodes: readonly string[]): void {
    for (const node of nodes) this.records.push({ t, node, ev: 'boot' });
  }

  crash(t: number, node: string): void {
    this.down.add(node);
    this.records.push({ t, node, ev: 'crash', lost: 0, kept: 0 });
  }

  restart(t: number, node: string): void {
    this.down.delete(node);
    this.records.push({ t, node, ev: 'restart', log: 3, snapshots: 0, meta: 2 });
  }

  /** The records in time order (stable: same-time records keep their emission order). */
  done(): TraceRecord[] {
    return this.records.map((r, i) => [r, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([r]) => r);
  }
}

const num = sidOf;

/** Fast leader election among `voters`; everyone ends up voting for `winner`. Returns decision time. */
export function election(
  b: TraceBuilder, t: number, voters: readonly string[], all: readonly string[], winner: string,
  zxid: number, peerEpoch: number, round: number,
): number {
  for (const s of voters) {
    b.node(t, s, 'state', { state: 'LOOKING' });
    b.node(t, s, 'election.start', { round, vote: { leader: num(s), zxid, electionEpoch: round, peerEpoch } });
    b.node(t + 10, s, 'vote', { leader: num(s), zxid, electionEpoch: round, peerEpoch, round });
    for (const p of all) if (p !== s) b.send(t + 20, s, p, 'notification', { leader: num(s), zxid, peerEpoch, round, state: 'LOOKING' });
  }
  const t2 = t + 4 * MS;
  for (const s of voters) {
    if (s === winner) continue;
    b.node(t2, s, 'vote', { leader: num(winner), zxid, electionEpoch: round, peerEpoch, round });
    for (const p of all) if (p !== s) b.send(t2 + 20, s, p, 'notification', { leader: num(winner), zxid, peerEpoch, round, state: 'LOOKING' });
  }
  const td = t2 + 200 * MS; // finalizeWait
  for (const s of voters) {
    const st = s === winner ? 'LEADING' : 'FOLLOWING';
    b.node(td, s, 'election.decided', { state: st, leader: num(winner), zxid, peerEpoch, round, votesFrom: voters.map(num), via: 'quorum', ms: 200 });
    b.node(td, s, 'state', { state: st });
  }
  return td;
}

/** Discovery + synchronisation of `followers` with `leader` into `epoch`. Returns when UPTODATE lands. */
export function establish(
  b: TraceBuilder, t: number, leader: string, followers: readonly string[], epoch: number, mode: (f: string) => 'DIFF' | 'TRUNC' | 'SNAP',
  announce = true,
): number {
  let end = t;
  const lastZxid = makeZxid(epoch, 0);
  if (announce) b.node(t + 3 * MS, leader, 'epoch.accepted', { epoch });
  for (const f of followers) {
    const a = b.send(t + 100, f, leader, 'FOLLOWERINFO', { acceptedEpoch: epoch - 1 });
    const c = b.send(Math.max(a, t + 3 * MS), leader, f, 'LEADERINFO', { epoch });
    b.node(c, f, 'epoch.accepted', { epoch });
    const d = b.send(c + 100, f, leader, 'ACKEPOCH', { currentEpoch: epoch - 1 });
    b.node(d, leader, 'sync.send', { peer: num(f), mode: mode(f), from: lastZxid, to: lastZxid });
    const e = b.send(d + 50, leader, f, mode(f), { zxid: lastZxid });
    const g = b.send(e + 10, leader, f, 'NEWLEADER', { zxid: lastZxid });
    b.node(g + 300, f, 'epoch.current', { epoch });
    const h = b.send(g + 400, f, leader, 'ACK', { zxid: lastZxid });
    const u = b.send(h + 100, leader, f, 'UPTODATE');
    end = Math.max(end, u);
  }
  if (announce) {
    b.node(end - 150, leader, 'epoch.current', { epoch });
    b.node(end - 100, leader, 'leader.established', { epoch, zxid: lastZxid, quorum: [leader, ...followers].map(num).sort((x, y) => x - y) });
  }
  return end;
}

/** A client write through `server` to `leader`, committed if a quorum of `members` acks. */
export function write(
  b: TraceBuilder, t: number, client: string, session: string, xid: number, server: string, leader: string,
  followers: readonly string[], zxid: number, op: string, path: string, quorum: number,
): void {
  b.node(t, client, 'client.invoke', { session, xid, op, path });
  const atServer = b.send(t, client, server, 'request', { xid, op, path });
  if (atServer === t) return;
  const atLeader = server === leader ? atServer : b.send(atServer + 50, server, leader, 'REQUEST', { xid, op, path });
  if (atLeader === atServer && server !== leader) return;
  b.node(atLeader + 100, leader, 'propose', { zxid });
  let acks = 1;
  let commitAt = atLeader + 500;
  const ackTimes: number[] = [];
  for (const f of followers) {
    const p = b.send(atLeader + 100, leader, f, 'PROPOSAL', { zxid });
    if (p === atLeader + 100) continue;
    const a = b.send(p + 400, f, leader, 'ACK', { zxid }); // after the fsync
    if (a === p + 400) continue;
    b.node(a, leader, 'ack', { zxid, from: num(f) });
    ackTimes.push(a);
  }
  ackTimes.sort((x, y) => x - y);
  acks += ackTimes.length;
  if (acks < quorum) return;
  commitAt = ackTimes[quorum - 2] ?? commitAt;
  b.node(commitAt, leader, 'commit', { zxid });
  b.node(commitAt + 10, leader, 'apply', { zxid, type: op, digest: 0 });
  let replyAt = commitAt;
  for (const f of followers) {
    const c = b.send(commitAt + 20, leader, f, 'COMMIT', { zxid });
    if (c === commitAt + 20) continue;
    b.node(c + 30, f, 'apply', { zxid, type: op, digest: 0 });
    if (f === server) replyAt = c + 40;
  }
  if (server === leader) replyAt = commitAt + 40;
  const back = b.send(replyAt, server, client, 'reply', { xid, rc: 0, zxid });
  if (back !== replyAt) b.node(back, client, 'client.return', { session, xid, rc: 0, zxid });
}

/** The leader pings its followers; they answer. */
export function pings(b: TraceBuilder, t: number, leader: string, followers: readonly string[]): void {
  for (const f of followers) {
    const at = b.send(t, leader, f, 'PING');
    if (at !== t) b.send(at + 50, f, leader, 'PING');
  }
}

/**
 * Split brain, the classic lesson: s5 leads epoch 1; a partition cuts {s4, s5} from {s1, s2, s3};
 * the majority elects s3 leader of epoch 2 while s5 still believes it leads epoch 1 (two leaders at
 * once, but only one can commit); s5 gives up, the partition heals, s4 and s5 are truncated into
 * epoch 2; then s2 crashes and restarts.
 */
export function splitBrainTrace(seed = 'split-brain'): TraceRecord[] {
  const b = new TraceBuilder(seed);
  const all = ['s1', 's2', 's3', 's4', 's5'];
  const S1 = '0x100000000000000'; // session ids (top byte = the server that made them)
  const S2 = '0x400000000000000';
  b.boot(0, all);
  const td = election(b, 0, all, all, 's5', 0, 0, 1);
  const up = establish(b, td, 's5', ['s1', 's2', 's3', 's4'], 1, () => 'DIFF');
  const f1 = ['s1', 's2', 's3', 's4'];
  // Emission order matters: the builder drops messages by the network state at the time of the call.
  const pingEvery = (from: number, to: number, leader: string, fs: readonly string[]): void => {
    for (let t = from; t < to; t += 1000 * MS) pings(b, t, leader, fs);
  };
  pingEvery(up + 50 * MS, 3000 * MS, 's5', f1);
  b.node(400 * MS, 'c1', 'client.connected', { server: 's1', session: S1 });
  write(b, 600 * MS, 'c1', S1, 1, 's1', 's5', f1, makeZxid(1, 1), 'create', '/a', 3);
  b.node(1500 * MS, 'c2', 'client.connected', { server: 's4', session: S2 });
  write(b, 2000 * MS, 'c2', S2, 1, 's4', 's5', f1, makeZxid(1, 2), 'create', '/b', 3);

  b.partition(3000 * MS, [['s1', 's2', 's3'], ['s4', 's5']]);
  pingEvery(up + 3050 * MS, 7000 * MS, 's5', f1);
  write(b, 3500 * MS, 'c2', S2, 2, 's4', 's5', f1, makeZxid(1, 3), 'create', '/c', 3); // only s4 acks: stuck
  // The majority notices its leader is silent and elects s3 (highest sid among the best zxids).
  const t2 = election(b, 5000 * MS, ['s1', 's2', 's3'], all, 's3', makeZxid(1, 2), 1, 2);
  b.node(5000 * MS, 'c1', 'client.disconnected', { server: 's1', session: S1, reason: 'read timeout' });
  const up2 = establish(b, t2, 's3', ['s1', 's2'], 2, () => 'DIFF');
  b.node(up2 + 100 * MS, 'c1', 'client.connected', { server: 's1', session: S1 });
  write(b, up2 + 300 * MS, 'c1', S1, 2, 's1', 's3', ['s1', 's2'], makeZxid(2, 1), 'setData', '/a', 3);
  for (let t = up2 + 500 * MS; t < 9000 * MS; t += 1000 * MS) pings(b, t, 's3', ['s1', 's2']);
  // The old leader finally sees it lost its quorum: s4 and s5 go LOOKING but cannot win without the majority.
  b.node(7000 * MS, 'c2', 'client.return', { session: S2, xid: 2, rc: -4, zxid: -1 });
  b.node(7000 * MS, 'c2', 'client.disconnected', { server: 's4', session: S2, reason: 'read timeout' });
  for (const s of ['s4', 's5']) {
    b.node(7000 * MS, s, 'state', { state: 'LOOKING' });
    b.node(7000 * MS, s, 'election.start', { round: 2, vote: { leader: num(s), zxid: makeZxid(1, 3), electionEpoch: 2, peerEpoch: 1 } });
    b.node(7001 * MS, s, 'vote', { leader: 5, zxid: makeZxid(1, 3), electionEpoch: 2, peerEpoch: 1, round: 2 });
    for (const p of all) if (p !== s) b.send(7002 * MS, s, p, 'notification', { leader: 5, zxid: makeZxid(1, 3), peerEpoch: 1, round: 2, state: 'LOOKING' });
  }
  b.heal(9000 * MS);
  // Established servers answer the lookers with their current vote; s4 and s5 join epoch 2.
  for (const s of ['s4', 's5']) {
    for (const p of ['s1', 's2', 's3']) {
      const at = b.send(9005 * MS, s, p, 'notification', { leader: 5, zxid: makeZxid(1, 3), peerEpoch: 1, round: 2, state: 'LOOKING' });
      b.send(at + 50, p, s, 'notification', { leader: 3, zxid: makeZxid(2, 1), peerEpoch: 2, round: 2, state: p === 's3' ? 'LEADING' : 'FOLLOWING' });
    }
    b.node(9008 * MS, s, 'vote', { leader: 3, zxid: makeZxid(2, 1), electionEpoch: 2, peerEpoch: 2, round: 2 });
    b.node(9010 * MS, s, 'election.decided', { state: 'FOLLOWING', leader: 3, zxid: makeZxid(2, 1), peerEpoch: 2, round: 2, votesFrom: [1, 2, 3, num(s)], via: 'quorum', ms: 200 });
    b.node(9010 * MS, s, 'state', { state: 'FOLLOWING' });
  }
  establish(b, 9010 * MS, 's3', ['s4', 's5'], 2, () => 'TRUNC', false);
  b.node(9300 * MS, 's3', 'session.expiring', { session: S2 });
  for (const [dt, s] of [[2, 's3'], [3, 's1'], [4, 's4']] as const) b.node((9300 + dt) * MS, s, 'session.expire', { session: S2 });
  write(b, 9400 * MS, 'c1', S1, 3, 's1', 's3', ['s1', 's2', 's4', 's5'], makeZxid(2, 2), 'closeSession', '', 3);
  const f2 = ['s1', 's2', 's4', 's5'];
  pingEvery(9500 * MS, 10000 * MS, 's3', f2);
  b.crash(10000 * MS, 's2');
  pingEvery(10500 * MS, 10600 * MS, 's3', f2);
  b.restart(10600 * MS, 's2');
  pingEvery(11500 * MS, 12000 * MS, 's3', f2);
  const t3 = 10700 * MS;
  b.node(t3, 's2', 'state', { state: 'LOOKING' });
  b.node(t3, 's2', 'election.start', { round: 1, vote: { leader: 2, zxid: makeZxid(2, 1), electionEpoch: 1, peerEpoch: 2 } });
  b.node(t3 + 10, 's2', 'vote', { leader: 2, zxid: makeZxid(2, 1), electionEpoch: 1, peerEpoch: 2, round: 1 });
  for (const p of all) if (p !== 's2') {
    const at = b.send(t3 + 20, 's2', p, 'notification', { leader: 2, zxid: makeZxid(2, 1), peerEpoch: 2, round: 1, state: 'LOOKING' });
    b.send(at + 50, p, 's2', 'notification', { leader: 3, zxid: makeZxid(2, 2), peerEpoch: 2, round: 2, state: p === 's3' ? 'LEADING' : 'FOLLOWING' });
  }
  b.node(t3 + 5 * MS, 's2', 'vote', { leader: 3, zxid: makeZxid(2, 2), electionEpoch: 1, peerEpoch: 2, round: 1 });
  b.node(t3 + 6 * MS, 's2', 'election.decided', { state: 'FOLLOWING', leader: 3, zxid: makeZxid(2, 2), peerEpoch: 2, round: 1, votesFrom: [1, 3, 4, 5, 2], via: 'quorum', ms: 200 });
  b.node(t3 + 6 * MS, 's2', 'state', { state: 'FOLLOWING' });
  establish(b, t3 + 6 * MS, 's3', ['s2'], 2, () => 'DIFF', false);
  return b.done();
}

/**
 * A long seeded trace of `events` records: rounds of election → discovery/sync → a burst of client
 * writes with pings, now and then a follower crash and restart. For scale tests and the bench.
 */
export function largeTrace(events: number, seed = 'large'): TraceRecord[] {
  const b = new TraceBuilder(seed);
  const plan = seedrandom(seed + '/plan');
  const all = ['s1', 's2', 's3', 's4', 's5'];
  const clients = ['c1', 'c2', 'c3'];
  const xids = new Map<string, number>();
  let t = 0;
  let epoch = 0;
  let counter = 0;
  let round = 1;
  b.boot(0, all);
  while (b.records.length < events) {
    const leader = all[Math.floor(plan() * all.length)] ?? 's1';
    const followers = all.filter((s) => s !== leader);
    const td = election(b, t, all, all, leader, makeZxid(epoch, counter), epoch, round++);
    epoch += 1;
    counter = 0;
    t = establish(b, td, leader, followers, epoch, () => 'DIFF') + 10 * MS;
    const burst = 100 + Math.floor(plan() * 200);
    for (let k = 0; k < burst && b.records.length < events; k++) {
      const c = clients[k % clients.length] ?? 'c1';
      const server = followers[k % followers.length] ?? leader;
      const xid = (xids.get(c) ?? 0) + 1;
      xids.set(c, xid);
      counter += 1;
      write(b, t, c, '0x' + (0x100 + (k % clients.length)).toString(16), xid, server, leader, followers, makeZxid(epoch, counter), 'setData', `/k${k % 17}`, 3);
      if (k % 20 === 0) pings(b, t + 2 * MS, leader, followers);
      t += Math.round((3 + plan() * 20) * MS);
    }
    const victim = followers[Math.floor(plan() * followers.length)] ?? 's1';
    b.crash(t, victim);
    b.restart(t + 300 * MS, victim);
    t += 500 * MS;
    b.node(t, leader, 'state', { state: 'LOOKING' }); // the leader steps down: next round
  }
  return b.done().slice(0, events);
}
