/**
 * ProcessConsistency with a leader whose disk lags its proposals (ZooKeeper 3.8 logs on the leader
 * asynchronously; Leader.startForwarding hands a syncing follower its outstanding proposals). The
 * follower may log them first; anything else beyond the leader's log is still a violation.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from '../testing/trace-builder.ts';
import { processConsistency } from './process-consistency.ts';

/** s1 leads epoch 1 and has logged 1:1..1:2, proposed 1:3 and 1:4; s2 syncs and logs `follower`. */
function trace(follower: readonly number[], opts: { proposed?: readonly number[]; newTerm?: boolean } = {}) {
  const b = new TraceBuilder().boot('s1', 's2');
  b.ev('s1', 'state', { state: 'LEADING' });
  for (const x of [1, 2]) b.ev('s1', 'propose', { zxid: z(1, x) }), b.ev('s1', 'log.append', { zxid: z(1, x) });
  // A new term (the leader went LOOKING and leads again) forgets its earlier proposals.
  if (opts.newTerm) b.ev('s1', 'state', { state: 'LEADING' });
  for (const x of opts.proposed ?? [3, 4]) b.ev('s1', 'propose', { zxid: z(1, x) });
  b.ev('s2', 'state', { state: 'FOLLOWING' });
  b.ev('s1', 'sync.send', { peer: 2, mode: 'DIFF', from: z(1, 2), to: z(1, 2) });
  for (const x of follower) b.ev('s2', 'log.append', { zxid: z(1, x) });
  b.ev('s2', 'epoch.current', { epoch: 1 });
  return b.records;
}

describe('ProcessConsistency beyond the leader logged end', () => {
  it("passes a follower that logged the leader's outstanding proposals first", () => {
    expect(processConsistency(trace([1, 2, 3])).violations).toEqual([]);
    expect(processConsistency(trace([1, 2, 3, 4])).violations).toEqual([]);
  });

  it('catches an entry the leader neither logged nor proposed', () => {
    const r = processConsistency(trace([1, 2, 3, 4, 5]));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/0x100000005 was never proposed/);
  });

  it('catches a follower that skips one of the forwarded proposals', () => {
    const r = processConsistency(trace([1, 2, 4]));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/skips proposal 0x100000003/);
  });

  it('does not count proposals of an earlier leadership', () => {
    const r = processConsistency(trace([1, 2, 3], { proposed: [], newTerm: true }));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/beyond leader s1's 0x100000002/);
  });

  it('still catches a hole below the leader logged end', () => {
    const r = processConsistency(trace([1, 3]));
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/skips 0x100000002/);
  });
});
