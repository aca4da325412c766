/**
 * The incremental shortcuts (re-verify only what changed) must not hide violations: a leader that
 * was verified once and then lost a committed txn (its log cut) is caught at its next
 * establishment; a follower log with a hole is caught by the O(log n) prefix test.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from '../testing/trace-builder.ts';
import { leaderLogCompleteness } from './leader-completeness.ts';
import { processConsistency } from './process-consistency.ts';
import { committedLogDurability } from './durability.ts';

describe('LeaderLogCompleteness across re-establishments', () => {
  function trace(cut: boolean) {
    const b = new TraceBuilder().boot('s1', 's2', 's3');
    b.establish('s1', 1, ['s2', 's3']);
    b.txn('s1', z(1, 1), ['s1', 's2', 's3']);
    b.txn('s1', z(1, 2), ['s1', 's2', 's3']);
    b.establish('s1', 2, ['s2', 's3'], z(1, 2)); // verified: holds 1:1 and 1:2
    b.txn('s1', z(2, 1), ['s1', 's2', 's3']);
    if (cut) b.ev('s1', 'log.truncate', { zxid: z(1, 1) }); // loses 1:2 and 2:1
    b.establish('s1', 3, ['s2', 's3'], z(2, 1));
    return b.records;
  }

  it('passes when nothing was lost', () => {
    expect(leaderLogCompleteness(trace(false)).ok).toBe(true);
  });

  it('catches a committed txn cut from a leader verified before', () => {
    const r = leaderLogCompleteness(trace(true));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/lacks committed 0x100000002 .* and 1 more/);
    expect(committedLogDurability(trace(true)).ok).toBe(false);
  });
});

describe('ProcessConsistency prefix test', () => {
  function trace(hole: boolean) {
    const b = new TraceBuilder().boot('s1', 's2');
    b.ev('s1', 'state', { state: 'LEADING' });
    for (const x of [1, 2, 3]) b.ev('s1', 'log.append', { zxid: z(1, x) });
    b.ev('s2', 'state', { state: 'FOLLOWING' });
    for (const x of hole ? [1, 3] : [1, 2, 3]) b.ev('s2', 'log.append', { zxid: z(1, x) });
    b.ev('s1', 'sync.send', { peer: 2, mode: 'DIFF', from: z(1, 3), to: z(1, 3) });
    b.ev('s2', 'epoch.current', { epoch: 2 });
    return b.records;
  }

  it('passes a true prefix', () => {
    expect(processConsistency(trace(false)).ok).toBe(true);
  });

  it('catches a hole', () => {
    const r = processConsistency(trace(true));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/skips 0x100000002/);
  });
});
