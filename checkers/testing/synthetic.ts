/**
 * Large synthetic traces in the simulator's record format, for benches: an ensemble that elects a
 * leader per epoch and replicates `txns` txns (PROPOSAL sends, log appends, fsyncs, acks, commits,
 * applies) from one client session, with a leader change every `perEpoch` txns. Healthy by
 * construction: every checker must pass on it.
 */
import { makeZxid } from '../../protocol/zxid.ts';
import { SCHEMA_VERSION } from '../../trace/schema.ts';
import type { EventData, EventName, TraceRecord } from '../../trace/records.ts';
import { sidOf } from '../../trace/view.ts';

export function syntheticTrace(txns: number, servers = 3, perEpoch = 50_000): TraceRecord[] {
  const out: TraceRecord[] = [];
  let t = 0;
  const ids = Array.from({ length: servers }, (_, i) => `s${i + 1}`);
  const ev = <N extends EventName>(node: string, event: N, data: EventData<N>): void => {
    out.push({ t: (t += 7), node, ev: 'trace', event, data } as TraceRecord);
  };
  out.push({ t, node: '*', ev: 'header', schema: SCHEMA_VERSION, seed: 0, nodes: [...ids, 'c1'] });
  for (const s of [...ids, 'c1']) out.push({ t, node: s, ev: 'boot' });
  const S = '0x100000001';
  let m = 0;
  let epoch = 0;
  let counter = 0;
  let lastZxid = 0;
  let xid = 0;
  let leader = ids[0]!;
  for (let n = 0; n < txns; n++) {
    if (n % perEpoch === 0) {
      epoch++;
      counter = 0;
      // Every server holds the same log, so FLE picks the highest sid each time.
      leader = ids[servers - 1]!;
      const sid = sidOf(leader);
      for (const s of ids) {
        ev(s, 'state', { state: 'LOOKING' });
        ev(s, 'election.start', { round: epoch, vote: { leader: sidOf(s), zxid: lastZxid, electionEpoch: epoch, peerEpoch: epoch - 1 } });
      }
      const voters = ids.map((s) => sidOf(s));
      for (const s of ids) {
        const mine = s === leader;
        ev(s, 'election.decided', { state: mine ? 'LEADING' : 'FOLLOWING', leader: sid, zxid: lastZxid, peerEpoch: epoch - 1, round: epoch, votesFrom: voters, via: 'quorum', ms: 0 });
        ev(s, 'state', { state: mine ? 'LEADING' : 'FOLLOWING', epoch: epoch - 1 });
        ev(s, 'epoch.accepted', { epoch });
      }
      for (const s of ids) if (s !== leader) ev(leader, 'sync.send', { peer: sidOf(s), mode: 'DIFF', from: lastZxid, to: lastZxid });
      for (const s of ids) ev(s, 'epoch.current', { epoch });
      ev(leader, 'leader.established', { epoch, zxid: makeZxid(epoch, 0), quorum: ids.map((s) => sidOf(s)) });
    }
    const zxid = makeZxid(epoch, ++counter);
    const path = `/n${n % 1000}`;
    const type = n === 0 ? 'createSession' : n % 3 === 1 ? 'create' : n % 3 === 2 ? 'setData' : 'delete';
    ev('c1', 'client.invoke', { session: S, xid, op: type, path });
    ev(leader, 'propose', { zxid });
    const txn = { hdr: { sessionId: S, cxid: xid, zxid, time: t, type }, body: { type, path, ephemeral: false } };
    for (const s of ids) if (s !== leader) out.push({ t: (t += 3), node: leader, ev: 'send', to: s, m: ++m, type: 'PROPOSAL', msg: { type: 'PROPOSAL', conn: 'x', seq: m, entry: { zxid, txn } } });
    for (const s of ids) {
      ev(s, 'log.append', { zxid });
      ev(s, 'log.durable', { zxid });
      if (s !== leader) ev(leader, 'ack', { zxid, from: sidOf(s) });
    }
    ev(leader, 'commit', { zxid });
    for (const s of ids) ev(s, 'apply', { zxid, type, digest: n });
    ev('c1', 'client.return', { session: S, xid: xid++, rc: 0, zxid });
    lastZxid = zxid;
  }
  return out;
}
