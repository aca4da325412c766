import { describe, expect, it } from 'vitest';
import { narrate, narrateLines } from './narrate.ts';
import { splitBrainTrace, TraceBuilder } from './timeline/testing/synthetic.ts';
import { realSplitBrain } from './timeline/testing/real-runs.ts';

describe('narration', () => {
  it('tells the split brain story in order, one line per notable event', () => {
    const text = narrate(splitBrainTrace(), {
      verdicts: [{ name: 'linearizability', ok: false, violations: [{ t: 7_000_000, node: 'c2', message: 'create /c lost', records: [] }] }],
    });
    const lines = text.trimEnd().split('\n');
    const expected = [
      /^t=0\.2\d\ds s5 elected leader of epoch 1 with zxid 0x100000000, votes from s1 s2 s3 s4 s5$/,
      /^t=3\.000s network partition: s1 s2 s3 \| s4 s5/,
      /^t=5\.000s s1 lost its leader and starts an election$/,
      /^t=5\.2\d\ds 2 leaders at once until t=7\.000s: s5 \(epoch 1\), s3 \(epoch 2\)$/,
      /^t=5\.2\d\ds s3 elected leader of epoch 2 with zxid 0x200000000, votes from s1 s2 s3$/,
      /^t=7\.000s c2 call xid 2 failed: ConnectionLoss$/,
      /^t=7\.000s s5 steps down as leader and starts an election$/,
      /^t=7\.000s CHECK FAILED linearizability: c2: create \/c lost$/,
      /^t=9\.000s network healed/,
      /^t=9\.300s s3 finds session 0x400000000000000 expired and proposes closing it$/,
      /^t=9\.302s session 0x400000000000000 expired: its closeSession committed \(applied first on s3\)$/,
      /^t=10\.000s s2 crashes/,
      /^t=10\.600s s2 restarts from its disk$/,
    ];
    // Each expected line appears, in this order.
    let at = 0;
    for (const re of expected) {
      const i = lines.findIndex((l, k) => k >= at && re.test(l));
      expect(i, `missing after line ${at}: ${re}`).toBeGreaterThanOrEqual(0);
      at = i + 1;
    }
    // Every server applies the expiry; it is told once.
    expect(lines.filter((l) => /expired/.test(l))).toHaveLength(2);
    // Messages, votes and commits are not narrated.
    expect(lines.some((l) => /notification|PROPOSAL|commits/.test(l))).toBe(false);
    const times = narrateLines(splitBrainTrace()).map((l) => l.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('notices a leader that won an election but never established its epoch', () => {
    const b = new TraceBuilder();
    b.node(0, 's1', 'state', { state: 'LOOKING' });
    b.node(200_000, 's1', 'election.decided', { state: 'LEADING', leader: 1, zxid: 0, peerEpoch: 0, round: 3, votesFrom: [1, 2], via: 'quorum', ms: 0 });
    b.node(200_000, 's1', 'state', { state: 'LEADING' });
    b.node(4_200_000, 's1', 'state', { state: 'LOOKING' });
    expect(narrate(b.done())).toContain('t=0.200s s1 won the election (round 3) but never established its epoch (gave up by t=4.200s)');
  });

  it('narrates a real ensemble run: both elections and the partition', () => {
    const run = realSplitBrain(1);
    const text = narrate(run.trace);
    expect(text).toMatch(new RegExp(`${run.oldLeader} elected leader of epoch 1 with zxid 0x100000000, votes from`));
    expect(text).toMatch(new RegExp(`${run.newLeader} elected leader of epoch 2 with zxid 0x200000000, votes from`));
    expect(text).toContain(`network partition: ${run.minority.join(' ')} | the rest`);
    expect(text).toMatch(/2 leaders at once/);
  });
});
