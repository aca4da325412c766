import { describe, expect, it } from 'vitest';
import { decode } from './events.ts';
import type { TraceRecord } from './types.ts';

const rec = (event: string, data: Record<string, unknown>, node = 's1'): TraceRecord => ({ t: 1, node, ev: 'trace', event, data });

describe('the trace adapter', () => {
  it('reads node trace effects and host records, skipping the rest', () => {
    const out = decode([
      { t: 0, node: 's1', ev: 'boot' },
      rec('apply', { zxid: 5, type: 'create' }),
      { t: 2, node: 's1', ev: 'timer', timer: 'x' },
      rec('nonsense', {}),
      { t: 3, node: 's1', ev: 'crash', lost: 1, kept: 0 },
    ]);
    expect(out.map((d) => [d.i, d.e.k])).toEqual([
      [0, 'boot'],
      [1, 'apply'],
      [4, 'crash'],
    ]);
  });

  it('names servers given as sids and keeps session ids canonical', () => {
    const [sync, est, inv] = decode([
      rec('sync.send', { peer: 3, mode: 'DIFF', from: 1, to: 2 }),
      rec('leader.established', { epoch: 2, zxid: 0, quorum: [1, 2] }),
      rec('client.invoke', { session: '0xAB', xid: 1, op: 'getData', path: '/a' }, 'c1'),
    ]);
    expect(sync!.e).toEqual({ k: 'syncSend', peer: 's3', mode: 'DIFF', from: 1, to: 2 });
    expect(est!.e).toEqual({ k: 'established', epoch: 2, zxid: 0, quorum: ['s1', 's2'] });
    expect(inv!.e).toEqual({ k: 'invoke', session: '0xab', xid: 1, op: 'getData', path: '/a' });
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
