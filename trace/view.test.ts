import { describe, expect, it } from 'vitest';
import { decode } from './view.ts';
import type { EventData, EventName, TraceRecord } from './records.ts';

const rec = <N extends EventName>(event: N, data: EventData<N>, node = 's1'): TraceRecord =>
  ({ t: 1, node, ev: 'trace', event, data }) as TraceRecord;

describe('the typed event view', () => {
  it('reads node trace effects and host records, skipping the rest', () => {
    const out = decode([
      { t: 0, node: '*', ev: 'header', schema: 1, seed: 1, nodes: ['s1'] },
      { t: 0, node: 's1', ev: 'boot' },
      rec('apply', { zxid: 5, type: 'create', digest: 77 }),
      { t: 2, node: 's1', ev: 'timer', timer: 'x' },
      rec('zab.abandon', { reason: 'x' }),
      { t: 3, node: 's1', ev: 'crash', lost: 1, kept: 0 },
      rec('db.load', { zxid: 4, digest: 9 }),
    ]);
    expect(out.map((d) => [d.i, d.e.k])).toEqual([
      [1, 'boot'],
      [2, 'apply'],
      [5, 'crash'],
      [6, 'dbLoad'],
    ]);
    expect(out[1]!.e).toEqual({ k: 'apply', zxid: 5, txn: { type: 'create' }, digest: 77 });
  });

  it('names servers given as sids', () => {
    const [sync, est, ack] = decode([
      rec('sync.send', { peer: 3, mode: 'DIFF', from: 1, to: 2 }),
      rec('leader.established', { epoch: 2, zxid: 0, quorum: [1, 2] }),
      rec('ack', { zxid: 1, from: 2 }),
    ]);
    expect(sync!.e).toEqual({ k: 'syncSend', peer: 's3', mode: 'DIFF', from: 1, to: 2 });
    expect(est!.e).toEqual({ k: 'established', epoch: 2, zxid: 0, quorum: ['s1', 's2'] });
    expect(ack!.e).toEqual({ k: 'ack', zxid: 1, from: 's2' });
  });

  it('carries the negotiated session timeout', () => {
    const [d] = decode([rec('session.create', { session: '0xab', timeoutMs: 6000 })]);
    expect(d!.e).toEqual({ k: 'sessionCreate', session: '0xab', timeoutMs: 6000 });
  });

  it('reads the txn out of a PROPOSAL send, multi sub-txns included', () => {
    const txn = {
      hdr: { sessionId: '0x5', cxid: 3, zxid: 9, time: 0, type: 'multi' },
      body: { type: 'multi', txns: [{ type: 'create', path: '/x', ephemeral: true }, { type: 'delete', path: '/y' }] },
    };
    const [d] = decode([{ t: 0, node: 's1', ev: 'send', to: 's2', m: 1, type: 'PROPOSAL', msg: { type: 'PROPOSAL', entry: { zxid: 9, txn } } }]);
    expect(d!.e.k).toBe('proposalSent');
    if (d!.e.k !== 'proposalSent') return;
    expect(d!.e.txn.subs).toEqual([
      { type: 'create', session: '0x5', path: '/x', ephemeral: true },
      { type: 'delete', session: '0x5', path: '/y' },
    ]);
    expect(d!.e.json()).toBe(JSON.stringify(txn));
  });

  it('takes the election credential from election.start', () => {
    const [d] = decode([rec('election.start', { round: 4, vote: { leader: 1, zxid: 7, electionEpoch: 4, peerEpoch: 2 } })]);
    expect(d!.e).toEqual({ k: 'electionStart', round: 4, vote: { leader: 1, zxid: 7, peerEpoch: 2 } });
  });
});
