import { describe, expect, it } from 'vitest';
import { compareVotes, decisiveField, electionSentence, elections, tripleText } from './elections.ts';
import { runChecked } from '../scenarios/lib/run.ts';
import initialElection from '../scenarios/initial-election.ts';

describe('elections from the trace', () => {
  it('orders votes as FLE does: peerEpoch, then zxid, then myid', () => {
    const a = { epoch: 1, zxid: 0x100000003, myid: 3 };
    expect(compareVotes(a, { epoch: 1, zxid: 0, myid: 4 })).toBe(1);
    expect(decisiveField(a, { epoch: 1, zxid: 0, myid: 4 })).toBe('zxid');
    expect(compareVotes(a, { epoch: 2, zxid: 0, myid: 1 })).toBe(-1);
    expect(decisiveField(a, { epoch: 2, zxid: 0, myid: 1 })).toBe('epoch');
    expect(decisiveField(a, { ...a, myid: 2 })).toBe('myid');
    expect(decisiveField(a, a)).toBeNull();
    expect(tripleText(a)).toBe('(epoch 1, zxid 0x100000003, myid 3)');
  });

  it('finds both elections of initial-election and why each winner won', () => {
    const run = runChecked(initialElection);
    const { elections: es } = elections(run.result.sim.trace.records);
    expect(es.map((e) => [e.winner, e.epoch])).toEqual([['s5', 1], ['s3', 2]]);
    const [first, second] = es as [NonNullable<(typeof es)[0]>, NonNullable<(typeof es)[0]>];
    // Fresh servers: everyone holds (0, 0); the highest myid wins.
    expect(first.contenders.map((c) => c.node)).toEqual(['s5', 's4', 's3', 's2', 's1']);
    expect(first.contenders.slice(1).every((c) => c.beatenOn === 'myid')).toBe(true);
    // s3 beats s4 on zxid (s4 missed two writes), s1 and s2 on myid.
    expect(second.winning).toEqual({ epoch: 1, zxid: 0x100000003, myid: 3 });
    expect(second.contenders.find((c) => c.node === 's4')).toEqual({ node: 's4', credential: { epoch: 1, zxid: 0, myid: 4 }, beatenOn: 'zxid' });
    expect(second.contenders.find((c) => c.node === 's2')?.beatenOn).toBe('myid');
    expect(second.contenders.some((c) => c.node === 's5')).toBe(false); // crashed, not a contender
    expect(second.decidedBy).toEqual(['s1', 's3', 's4']);
    expect(second.via).toBe('lookingQuorum');
    expect(second.finalizeWaitMs).toBe(200);
    // s4 (zxid 0x0) first gives up its own vote on zxid, when a notification of the newer round
    // arrives (which peer's comes first depends on the run's latencies), and ends on s3.
    const s4 = second.ballot.filter((b) => b.node === 's4' && b.reason !== 'start');
    expect(s4[0]).toMatchObject({ reason: 'zxid', newRound: true });
    expect(s4[s4.length - 1]).toMatchObject({ toLeader: 's3' });
    expect(second.decisions.map((d) => d.node).sort()).toEqual(['s1', 's2', 's3', 's4']);
    expect(electionSentence(second)).toBe(
      "s3 wins epoch 2: (epoch 1, zxid 0x100000003, myid 3) beats s4's (epoch 1, zxid 0x0, myid 4) on zxid; s2's (epoch 1, zxid 0x100000003, myid 2) and s1's (epoch 1, zxid 0x100000003, myid 1) on myid; decided by s1 s3 s4 after the 200 ms finalize wait",
    );
  });
});
