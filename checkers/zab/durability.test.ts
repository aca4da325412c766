/**
 * CommittedLogDurability (a) around a TRUNC sync. ZooKeeper 3.8 (LearnerHandler.syncFollower +
 * Leader.startForwarding) sends TRUNC to the leader's last committed zxid, then forwards its
 * outstanding proposals; one of them may be committed by the other servers while the TRUNC is in
 * flight. That cut is legal only if the same sync hands the txn back before the follower takes the
 * epoch. A TRUNC decided after the commit, or a sync that never hands it back, is a real loss.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from '../testing/trace-builder.ts';
import { committedLogDurability } from './durability.ts';

type Variant = 'handedBack' | 'neverHandedBack' | 'committedBeforeTrunc' | 'abandoned';

function trace(variant: Variant) {
  const b = new TraceBuilder().boot('s1', 's2', 's3');
  b.establish('s1', 1, ['s2', 's3']);
  b.txn('s1', z(1, 1), ['s1', 's2', 's3']);
  // 1:2 is proposed; s2 logs it, then loses its leader and comes back.
  b.propose('s1', z(1, 2), ['s2', 's3'], 'create');
  for (const s of ['s1', 's2']) b.ev(s, 'log.append', { zxid: z(1, 2) }), b.ev(s, 'log.durable', { zxid: z(1, 2) });
  b.ev('s2', 'state', { state: 'LOOKING' });
  b.ev('s2', 'state', { state: 'FOLLOWING' });
  b.ev('s2', 'epoch.accepted', { epoch: 1 });
  const commit = () => {
    b.ev('s3', 'log.append', { zxid: z(1, 2) });
    b.ev('s3', 'log.durable', { zxid: z(1, 2) });
    return b.ev('s1', 'commit', { zxid: z(1, 2) });
  };
  const early = variant === 'committedBeforeTrunc' ? commit() : -1;
  b.ev('s1', 'sync.send', { peer: 2, mode: 'TRUNC', from: z(1, 2), to: z(1, 1) });
  const late = variant === 'committedBeforeTrunc' ? -1 : commit();
  const cut = b.ev('s2', 'log.truncate', { zxid: z(1, 1) });
  if (variant === 'abandoned') {
    b.host('s2', 'crash', { lost: 0, kept: 0 });
    return { records: b.records, cut, early, late, current: -1 };
  }
  // NEWLEADER: the forwarded proposal is logged again (unless the sync forgot it).
  if (variant !== 'neverHandedBack') b.ev('s2', 'log.append', { zxid: z(1, 2) });
  const current = b.ev('s2', 'epoch.current', { epoch: 1 });
  return { records: b.records, cut, early, late, current };
}

describe('CommittedLogDurability and TRUNC + forwarding', () => {
  it('passes when a txn committed after the TRUNC decision is handed back by the same sync', () => {
    expect(committedLogDurability(trace('handedBack').records).violations).toEqual([]);
  });

  it('passes when the follower abandons that sync (its copy was not in the quorum)', () => {
    expect(committedLogDurability(trace('abandoned').records).violations).toEqual([]);
  });

  it('catches a sync that cuts such a txn and never hands it back', () => {
    const t = trace('neverHandedBack');
    const r = committedLogDurability(t.records);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/without committed 0x100000002/);
    expect(r.violations[0]!.records).toEqual([t.current, t.cut, t.late]);
  });

  it('catches a TRUNC decided after the txn was committed', () => {
    const t = trace('committedBeforeTrunc');
    const r = committedLogDurability(t.records);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/dropping committed 0x100000002/);
    expect(r.violations[0]!.records).toEqual([t.cut, t.early]);
  });
});
