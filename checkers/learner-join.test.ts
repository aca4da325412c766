/**
 * LearnerJoin on hand-made traces: a learner that leaves a fault-free sync with an established
 * leader is caught (ZOOKEEPER-4394's and -4685's shapes, and a hung sync); the same story is not
 * judged when a fault touches the pair, the leader was not established yet, the leader stepped down
 * first, or the learner's acceptedEpoch is ahead of the leader's epoch. Real runs:
 * `harness/zoo.test.ts` (both bugs found by it at fixed seeds) and `harness/property.test.ts`
 * (generated correct runs pass it).
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from './testing/trace-builder.ts';
import { learnerJoin } from './learner-join.ts';

/** s2 leads epoch 2 with s3; s1 restarts and starts to sync with s2 (FOLLOWING). */
function story(opts: { before?: (b: TraceBuilder) => void; establishedAfter?: boolean; accepted?: number } = {}): TraceBuilder {
  const b = new TraceBuilder();
  b.boot('s1', 's2', 's3');
  opts.before?.(b);
  const establish = () => {
    b.ev('s2', 'leader.established', { epoch: 2, zxid: z(2, 0), quorum: [2, 3] });
    b.ev('s2', 'serving', { role: 'leader' });
  };
  if (!opts.establishedAfter) establish();
  if (opts.accepted !== undefined) b.ev('s1', 'epoch.accepted', { epoch: opts.accepted });
  b.ev('s1', 'election.decided', { state: 'FOLLOWING', leader: 2, zxid: z(1, 3), peerEpoch: 2, round: 2, votesFrom: [2, 3], via: 'outofelection', ms: 0.4 });
  b.ev('s1', 'state', { state: 'FOLLOWING', epoch: 1 });
  if (opts.establishedAfter) establish();
  return b;
}

/** The learner fails its sync: the leader drops it, it abandons and goes LOOKING. */
function fails(b: TraceBuilder): TraceBuilder {
  b.ev('s2', 'zab.learnerDropped', { peer: 1, reason: 'next packet was supposed to be the NEWLEADER ack' });
  b.ev('s1', 'zab.abandon', { reason: 'leader closed the connection' });
  b.ev('s1', 'state', { state: 'LOOKING' });
  return b;
}

describe('LearnerJoin', () => {
  it('passes a learner that syncs and serves', () => {
    const b = story();
    b.ev('s1', 'serving', { role: 'follower' });
    expect(learnerJoin(b.records).ok).toBe(true);
  });

  it('catches a learner dropped from a fault-free sync with an established leader (4685), pointing at the abandon, the drop and the decision', () => {
    const b = fails(story());
    const r = learnerJoin(b.records);
    expect(r.ok).toBe(false);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0]!;
    expect(v.node).toBe('s1');
    expect(v.message).toMatch(/s1 failed to join established leader s2 \(epoch 2\).*abandoned: "leader closed the connection"; s2 dropped it: "next packet was supposed to be the NEWLEADER ack"/);
    const [at, drop, decided] = v.records;
    expect(b.records[at!]).toMatchObject({ event: 'zab.abandon' });
    expect(b.records[drop!]).toMatchObject({ event: 'zab.learnerDropped' });
    expect(b.records[decided!]).toMatchObject({ event: 'election.decided' });
  });

  it('catches a learner that fails on its own (4394: a COMMIT before UPTODATE)', () => {
    const b = story();
    b.ev('s1', 'zab.error', { reason: 'commit for unknown zxid before UPTODATE', zxid: z(2, 3) });
    b.ev('s1', 'zab.abandon', { reason: 'commit before UPTODATE' });
    b.ev('s1', 'state', { state: 'LOOKING' });
    expect(learnerJoin(b.records).violations[0]?.message).toMatch(/abandoned: "commit before UPTODATE"$/);
  });

  it('catches a sync still open after the bound, once', () => {
    const b = story();
    b.at(40_000_000).ev('s3', 'commit', { zxid: z(2, 1) });
    b.ev('s3', 'commit', { zxid: z(2, 2) });
    expect(learnerJoin(b.records).ok).toBe(false);
    expect(learnerJoin(b.records).violations).toHaveLength(1);
    expect(learnerJoin(b.records).violations[0]!.message).toMatch(/still not synced .* \(bound 30s\)/);
    expect(learnerJoin(b.records, { learnerJoinBoundUs: 60_000_000 }).ok).toBe(true);
  });

  it('does not judge a sync during a partition, or a fault at the learner or the leader', () => {
    const faults: [string, (b: TraceBuilder) => void][] = [
      ['partition', (b) => b.host('*', 'fault', { fault: 'partition', groups: [['s1'], ['s2', 's3']] })],
      ['cut at the leader', (b) => b.host('*', 'fault', { fault: 'cut', from: 's2', to: 's1' })],
      ['lossy link', (b) => b.host('*', 'fault', { fault: 'link', from: 's1', to: 's2', loss: 0.5 })],
      ['slow disk', (b) => b.host('s1', 'fault', { fault: 'disk', fsync: { minUs: 50_000, tailMeanUs: 50_000, tailMaxUs: 200_000 } })],
      ['pause', (b) => b.host('s2', 'pause')],
    ];
    for (const [name, fault] of faults) expect(learnerJoin(fails(story({ before: fault })).records).ok, name).toBe(true);
  });

  it('judges again once the fault is undone before the sync starts, and ignores faults elsewhere', () => {
    const healed = (b: TraceBuilder) => {
      b.host('*', 'fault', { fault: 'cut', from: 's2', to: 's1' });
      b.host('*', 'fault', { fault: 'link', from: 's3', to: 's1', loss: 0.5 });
      b.host('*', 'fault', { fault: 'heal' });
      b.host('*', 'fault', { fault: 'link', from: 's3', to: 's1', loss: 0 });
      b.host('*', 'fault', { fault: 'clog', from: 's3', to: 'c1' });
    };
    expect(learnerJoin(fails(story({ before: healed })).records).ok).toBe(false);
  });

  it('does not judge a sync with a leader not yet established, one that stepped down, or one whose epoch is below the learner\'s acceptedEpoch', () => {
    expect(learnerJoin(fails(story({ establishedAfter: true })).records).ok).toBe(true);
    const stepped = story();
    stepped.ev('s2', 'zab.abandon', { reason: 'not sufficient followers synced' });
    stepped.ev('s2', 'state', { state: 'LOOKING' });
    expect(learnerJoin(fails(stepped).records).ok).toBe(true);
    expect(learnerJoin(fails(story({ accepted: 3 })).records).ok).toBe(true);
    expect(learnerJoin(fails(story({ accepted: 2 })).records).ok).toBe(false);
  });
});
