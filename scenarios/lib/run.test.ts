import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../sim/trace.ts';
import type { EventData, EventName } from '../../trace/records.ts';
import { checkedRecord } from '../../trace/decode.ts';
import splitBrain from '../split-brain.ts';
import { checkOptions, runChecked } from './run.ts';
import { summarize } from './summary.ts';

const tr = <N extends EventName>(t: number, node: string, event: N, data: EventData<N>): TraceRecord =>
  checkedRecord({ t, node, ev: 'trace', event, data });

describe('runChecked', () => {
  it('progress slices do not change the run; the check settings follow the script', () => {
    const plain = runChecked(splitBrain, { seed: 4 });
    const calls: number[] = [];
    const sliced = runChecked(splitBrain, { seed: 4, onProgress: (now) => calls.push(now) });
    expect(sliced.result.sha256).toBe(plain.result.sha256);
    expect(calls.length).toBe(50);
    expect(calls[calls.length - 1]).toBe(splitBrain.durationUs);
    // The heal at 25 s is the script's last fault: the timed checkers count from there.
    expect(checkOptions(splitBrain)).toMatchObject({ ensembleSize: 5, healedAt: 25_000_000 });
    expect(plain.verdicts.map((v) => v.name)).toContain('Liveness');
  });
});

describe('summarize', () => {
  const base = [
    tr(1, 's1', 'leader.established', { epoch: 1, zxid: 2 ** 32, quorum: [] }),
    tr(2, 'c1', 'client.invoke', { session: 'a', xid: 1, op: 'create', path: '/x' }),
    tr(3, 's1', 'log.append', { zxid: 2 ** 32 + 1 }),
    tr(3, 's2', 'log.append', { zxid: 2 ** 32 + 1 }),
    tr(4, 'c1', 'client.return', { session: 'a', xid: 1, rc: 0, zxid: 2 ** 32 + 1 }),
    tr(5, 'c1', 'client.invoke', { session: 'a', xid: 2, op: 'getData', path: '/x' }),
    tr(6, 'c1', 'client.return', { session: 'a', xid: 2, rc: 0, zxid: 2 ** 32 + 1 }),
  ];

  it('counts acknowledged writes (not reads) and finds none lost when the newest leader holds them', () => {
    const s = summarize([...base, tr(7, 's2', 'leader.established', { epoch: 2, zxid: 2 ** 33, quorum: [] })]);
    expect(s.leaders).toEqual([
      { epoch: 1, sid: 1, electedAtMs: 0.001 },
      { epoch: 2, sid: 2, electedAtMs: 0.007 },
    ]);
    expect(s.writes).toEqual({ acknowledged: 1, lost: 0 });
  });

  it('an acknowledged write the newest leader truncated away is lost', () => {
    const s = summarize([
      ...base,
      tr(6, 's2', 'log.append', { zxid: 2 ** 32 + 2 }),
      tr(7, 's2', 'log.truncate', { zxid: 0 }),
      tr(7, 's2', 'log.append', { zxid: 2 ** 33 + 1 }),
      tr(8, 's2', 'leader.established', { epoch: 2, zxid: 2 ** 33, quorum: [] }),
    ]);
    expect(s.writes).toEqual({ acknowledged: 1, lost: 1 });
  });
});
