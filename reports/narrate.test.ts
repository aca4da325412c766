import { describe, expect, it } from 'vitest';
import { narrate, narrateLines } from './narrate.ts';
import { splitBrainTrace, TraceBuilder } from './timeline/testing/synthetic.ts';
import { realSplitBrain } from './timeline/testing/real-runs.ts';
import { runChecked } from '../scenarios/lib/run.ts';
import type { Scenario } from '../sim/scenario.ts';
import initialElection from '../scenarios/initial-election.ts';
import flapping from '../scenarios/flapping-partition.ts';
import counter from '../scenarios/recipe-counter.ts';
import master from '../scenarios/recipe-master.ts';
import observers from '../scenarios/observers.ts';
import syncCrash from '../scenarios/follower-crash-during-sync.ts';
import sessionExpiry from '../scenarios/session-expiry.ts';
import splitBrain from '../scenarios/split-brain.ts';
import group from '../scenarios/recipe-group.ts';
import { zkScenario } from '../scenarios/lib/define.ts';

const told = (s: Scenario): string[] => narrate(runChecked(s).result.sim.trace.records).trimEnd().split('\n');

describe('narration', () => {
  it('tells the split brain story in order, one line per notable event', () => {
    const text = narrate(splitBrainTrace(), {
      verdicts: [{ name: 'linearizability', ok: false, violations: [{ t: 7_000_000, node: 'c2', message: 'create /c lost', records: [] }] }],
    });
    const lines = text.trimEnd().split('\n');
    const expected = [
      /^t=0\.2\d\ds s5 wins epoch 1: \(epoch 0, zxid 0x0, myid 5\) beats s4's \(epoch 0, zxid 0x0, myid 4\), .* on myid; decided by s1 s2 s3 s4 s5/,
      /^t=0\.2\d\ds ballot of round 1: s1 → s5 \(on myid\); .*s5 kept its own vote$/,
      /^t=0\.2\d\ds s5 leads epoch 1 \(won with zxid 0x0; NEWLEADER acked by s1 s2 s3 s4 s5\)$/,
      /^t=3\.000s network partition: s1 s2 s3 \| s4 s5 \| c1 c2 c3 .*c2 is cut off from its server s4$/,
      /^t=5\.000s s1 lost its leader and starts an election$/,
      /^t=5\.2\d\ds 2 leaders at once until t=7\.000s: s5 \(epoch 1\), s3 \(epoch 2\)$/,
      /^t=5\.2\d\ds s3 leads epoch 2 \(won with zxid 0x100000002; NEWLEADER acked by s1 s2 s3\)$/,
      /^t=7\.000s c2 create \/c failed: ConnectionLoss \(xid 2\)$/,
      /^t=7\.000s s5 steps down as leader and starts an election$/,
      /^t=7\.000s CHECK FAILED linearizability: c2: create \/c lost$/,
      /^t=9\.000s network healed/,
      /^t=9\.0\d\ds s5, the old leader of epoch 1, rejoins under s3 \(epoch 2\) by TRUNC/,
      /^t=9\.300s s3 finds session 0x400000000000000 \(c2's\) expired and proposes closing it$/,
      /^t=9\.302s session 0x400000000000000 \(c2's\) expired: its closeSession committed \(applied first on s3\); its ephemerals are gone$/,
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
    // Messages and commits are not narrated.
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
    expect(text).toMatch(new RegExp(`${run.oldLeader} wins epoch 1: \\(epoch 0, zxid 0x0, myid \\d\\) beats .* on myid; decided by .* after the 200 ms finalize wait`));
    expect(text).toMatch(new RegExp(`${run.newLeader} wins epoch 2: \\(epoch 1, zxid 0x1[0-9a-f]{8}, myid \\d\\) beats`));
    expect(text).toMatch(new RegExp(`${run.newLeader} leads epoch 2 \\(won with zxid 0x1[0-9a-f]{8}; NEWLEADER acked by`));
    expect(text).toContain(`network partition: ${run.minority.join(' ')} | `);
    expect(text).toMatch(/2 leaders at once/);
  });

  it('initial-election: every election with the vote triples and why the winner won', () => {
    const lines = told(initialElection);
    const wins = lines.filter((l) => / wins epoch /.test(l));
    expect(wins).toHaveLength(2);
    expect(wins[0]).toMatch(/^t=0\.2\d\ds s5 wins epoch 1: \(epoch 0, zxid 0x0, myid 5\) beats s4's \(epoch 0, zxid 0x0, myid 4\), s3's .* on myid; decided by s\d s\d s\d after the 200 ms finalize wait$/);
    expect(wins[1]).toMatch(/^t=3\.\d{3}s s3 wins epoch 2: \(epoch 1, zxid 0x100000003, myid 3\) beats s4's \(epoch 1, zxid 0x0, myid 4\) on zxid; s2's \(epoch 1, zxid 0x100000003, myid 2\) and s1's \(epoch 1, zxid 0x100000003, myid 1\) on myid; decided by s1 s3 s4 after the 200 ms finalize wait$/);
    // The ballot: who moved to whom, on which component, told by whom.
    expect(lines).toContainEqual(expect.stringMatching(/ballot of round 2: .*s4 → s\d \(on zxid, told by s\d, moving to round 2\)( → s3 \(on myid, told by s3\))?;.* s3 .*kept (its|their) own votes?$/));
    // The leader line carries the winning vote's zxid, not NEWLEADER's (epoch, 0).
    expect(lines).toContainEqual(expect.stringMatching(/s3 leads epoch 2 \(won with zxid 0x100000003; NEWLEADER acked by s\d s\d s\d\)$/));
    expect(lines.join('\n')).not.toMatch(/0x200000000/);
    // The election line spans the election: from the first vote to the established leader.
    const spans = narrateLines(runChecked(initialElection).result.sim.trace.records).filter((l) => / wins epoch 2/.test(l.text)).map((l) => l.span);
    expect(spans[0]?.fromUs).toBe(3_000_000);
    expect(spans[0]!.toUs).toBeGreaterThan(3_200_000);
    // s4 restarted empty: it is synced by SNAP, and the narration says why.
    expect(lines).toContainEqual(expect.stringMatching(/s4 rejoins under s3 \(epoch 2\) by SNAP: its log ends at 0x0, outside the leader's in-memory committed log/));
  });

  it('collapses a client retrying through flapping partitions into counted lines', () => {
    const lines = told(flapping);
    const loss = lines.filter((l) => /ConnectionLoss/.test(l));
    expect(loss.length).toBeGreaterThan(0);
    expect(loss.length).toBeLessThan(15); // 177 lines before
    expect(loss).toContainEqual(expect.stringMatching(/^t=\S+ c[12]: \d+ calls failed with ConnectionLoss until t=\S+$/));
    // Every partition names all sides, clients included, and where each client's server is.
    for (const l of lines.filter((x) => /network partition/.test(x))) expect(l).toMatch(/clients included|c\d/);
    expect(lines).toContainEqual(expect.stringMatching(/is cut off from everyone, clients included; c1 is (on the side of|cut off from) its server s\d/));
  });

  it('tells expected conflicts as outcomes, not failures', () => {
    const c = told(counter);
    expect(c.some((l) => /failed: BadVersion/.test(l))).toBe(false);
    expect(c).toContainEqual(expect.stringMatching(/c1 setData \/counter → BadVersion \d+ times until t=\S+: its expected version is stale/));
    const m = told(master);
    expect(m.some((l) => /failed: NodeExists/.test(l))).toBe(false);
    expect(m).toContainEqual(expect.stringMatching(/c\d create \/master → NodeExists: someone else created it first/));
  });

  it('observers look for a leader without starting an election; disk faults and client crashes read plainly', () => {
    const o = told(observers);
    expect(o).toContainEqual(expect.stringMatching(/s4 \(an observer\) lost its leader .* and looks for the new one \(it does not vote\)$/));
    expect(o.some((l) => /s[45] .*starts an election/.test(l))).toBe(false);
    const d = told(syncCrash);
    expect(d).toContainEqual(expect.stringMatching(/s1's disk changes: fsync 20 ms \+ ~5 ms tail \(max 40 ms\), writeMeta/));
    expect(d.some((l) => /\{"/.test(l))).toBe(false);
    const e = told(sessionExpiry);
    expect(e).toContainEqual(expect.stringMatching(/c3 crashes \(the client process is gone; its session lives on at the servers until it expires\)$/));
    expect(e.some((l) => /^t=\S+ c\d crashes .*fsync/.test(l))).toBe(false);
    expect(e).toContainEqual(expect.stringMatching(/session 0x[0-9a-f]+ \(c3's\) expired: its closeSession committed .*its ephemerals are gone$/));
  });

  it('split-brain: the client on the old leader\'s side, the doomed write logged and never committed, discarded at the rejoin', () => {
    const lines = told(splitBrain);
    expect(lines).toContainEqual(expect.stringMatching(/^t=2\.000s network partition: s5 s1 c1 \| s2 s3 s4 c2 \(no messages cross the bar\); c1 is on the side of its server s5, c2 is on the side of its server s2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^t=2\.1\d\ds s5 logs and proposes 0x100000004 \(create2 \/doomed\), which never commits: no quorum acks it before s5 leaves its role at t=12\.\d+s$/));
    expect(lines).toContainEqual(expect.stringMatching(/s5, the old leader of epoch 1, rejoins under s4 \(epoch 2\) by (SNAP|TRUNC|DIFF).*0x100000003 were never committed and are discarded|s5, the old leader of epoch 1, rejoins under s4 \(epoch 2\) by TRUNC/));
    // Isolating a client names only the clients cut off from their server.
    expect(told(group)).toContainEqual(expect.stringMatching(/network partition: c5 is cut off from everyone; c5 is cut off from its server s\d$/));
  });

  it('tells a late start and a graceful stop', () => {
    const lines = told(zkScenario({
      name: 'late-and-stop', description: '', seed: 1, servers: 3, durationMs: 4_000, startAtMs: { s3: 1_000 },
      script(z) {
        z.at(2_000, (z) => z.stop('s1'));
      },
    }));
    expect(lines).toContainEqual('t=1.000s s3 starts (later than the others)');
    expect(lines).toContainEqual('t=2.000s s1 is stopped gracefully (its log is kept whole; peers see its connections close at once)');
  });
});
