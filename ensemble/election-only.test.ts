/**
 * The election hosted by the simulation kernel (`sim/`), inside trivial wrapper nodes that do
 * nothing but elect: no Zab. A follower that loses its leader's connection goes back to LOOKING,
 * which is what the QuorumPeer does once Zab notices the leader is gone.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, Input, NodeId, ProtocolNode } from '../protocol/contract.ts';
import { Simulation, ms } from '../sim/index.ts';
import type { TraceRecord } from '../sim/index.ts';
import { FastLeaderElection } from '../protocol/election/fle.ts';
import type { Notification, ServerState } from '../protocol/election/types.ts';

interface Disk {
  zxid: number;
  epoch: number;
}

class ElectionOnlyNode implements ProtocolNode {
  private readonly fle: FastLeaderElection;
  private state: ServerState = 'LOOKING';
  private leader = -1;
  /** The peer at the other end of each election connection (opened or accepted). */
  private readonly peers = new Map<string, NodeId>();

  constructor(
    readonly id: NodeId,
    participants: number[],
    private readonly disk: Disk,
  ) {
    this.fle = new FastLeaderElection({ myid: Number(id.slice(1)), participants, observers: [] }); // nodes `s<myid>`
  }

  step(input: Input, now: number): Effect[] {
    let fx: Effect[] = [];
    switch (input.kind) {
      case 'start':
        fx = [{ kind: 'listen', port: 'election' }, ...this.fle.lookForLeader(this.disk.zxid, this.disk.epoch, now)];
        break;
      case 'accepted':
        this.peers.set(input.conn, input.from);
        fx = this.fle.onAccepted(input.from, now);
        break;
      case 'message':
        if (input.msg.type === 'NOTIFICATION') fx = this.fle.onNotification(input.from, input.msg as Notification, now);
        break;
      case 'timer':
        fx = this.fle.onTimer(input.timer, now);
        break;
      case 'closed':
      case 'lost': {
        // The leader's process died: its connections are reset (no Zab here to notice it).
        const peer = this.peers.get(input.conn);
        this.peers.delete(input.conn);
        fx = this.fle.onConnGone(input.conn, input.kind === 'closed' ? 'closed' : input.reason, now);
        if (this.state !== 'LOOKING' && peer === `s${this.leader}`) {
          this.state = 'LOOKING';
          this.fle.setCurrent('LOOKING', this.fle.proposal);
          fx = this.fle.lookForLeader(this.disk.zxid, this.disk.epoch, now);
        }
        break;
      }
      default:
        break;
    }
    for (const e of fx) if (e.kind === 'connect') this.peers.set(e.conn, e.to);
    const outcome = this.fle.takeOutcome();
    if (outcome) {
      this.state = outcome.state;
      this.leader = outcome.vote.leader;
      this.fle.setCurrent(outcome.state, outcome.vote);
    }
    return fx;
  }
}

const decided = (records: readonly TraceRecord[]) =>
  records
    .filter((r) => r.ev === 'trace' && r['event'] === 'election.decided')
    .map((r) => ({ t: r.t, node: r.node, ...(r['data'] as { state: string; leader: number }) }));

describe('the election on the simulation kernel', () => {
  it('5 servers elect, re-elect after the leader crashes, and the old leader rejoins as follower', () => {
    const disks: Record<string, Disk> = {
      s1: { zxid: 0x200000007, epoch: 2 },
      s2: { zxid: 0x200000009, epoch: 2 },
      s3: { zxid: 0x200000009, epoch: 2 },
      s4: { zxid: 0x200000005, epoch: 2 },
      s5: { zxid: 0x100000020, epoch: 1 },
    };
    const ids = Object.keys(disks);
    const sim = new Simulation({
      seed: 7,
      nodes: ids,
      factory: (id) => new ElectionOnlyNode(id, [1, 2, 3, 4, 5], disks[id]!),
    });

    sim.run({ until: ms(1000) });
    const first = decided(sim.trace.records);
    expect(first.map((d) => [d.node, d.state, d.leader]).sort()).toEqual([
      ['s1', 'FOLLOWING', 3],
      ['s2', 'FOLLOWING', 3],
      ['s3', 'LEADING', 3],
      ['s4', 'FOLLOWING', 3],
      ['s5', 'FOLLOWING', 3],
    ]);
    for (const d of first) expect(d.t).toBeLessThan(ms(300));

    sim.crash('s3');
    const crashedAt = sim.now;
    sim.run({ until: ms(3000) });
    const second = decided(sim.trace.records).filter((d) => d.t > crashedAt);
    // s2 has the same zxid and epoch as s3 and the next highest sid.
    expect(second.map((d) => [d.node, d.state, d.leader]).sort()).toEqual([
      ['s1', 'FOLLOWING', 2],
      ['s2', 'LEADING', 2],
      ['s4', 'FOLLOWING', 2],
      ['s5', 'FOLLOWING', 2],
    ]);
    for (const d of second) expect(d.t - crashedAt).toBeLessThan(ms(300));

    sim.restart('s3');
    const restartedAt = sim.now;
    sim.run({ until: ms(6000) });
    const third = decided(sim.trace.records).filter((d) => d.t > restartedAt);
    // A fresh process in round 1 joins the running ensemble (round 2) instead of taking over.
    expect(third.map((d) => [d.node, d.state, d.leader])).toEqual([['s3', 'FOLLOWING', 2]]);
    expect(third[0]!.t - restartedAt).toBeLessThan(ms(10));
  });

  it('is deterministic: the same seed gives the same trace, byte for byte', () => {
    const run = (seed: number) => {
      const sim = new Simulation({
        seed,
        nodes: ['s1', 's2', 's3'],
        factory: (id) => new ElectionOnlyNode(id, [1, 2, 3], { zxid: 0x100000001, epoch: 1 }),
      });
      sim.run({ until: ms(500) });
      sim.crash('s3');
      sim.run({ until: ms(1500) });
      sim.restart('s3');
      sim.run({ until: ms(3000) });
      expect(decided(sim.trace.records).length).toBe(6);
      return sim.trace.sha256();
    };
    expect(run(11)).toBe(run(11));
  });
});
