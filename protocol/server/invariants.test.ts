import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../trace/records.ts';
import { Cluster } from './cluster.ts';
import { agreementViolations, leadershipViolations } from './invariants.ts';
import { connectAll, createMany } from './testWorkload.ts';

/** A clean run, then forged trace records: each checker must flag its kind of violation. */
function cleanRun(): Cluster {
  const c = new Cluster({ servers: 3, clients: 1, seed: 71 });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  expect(createMany(c, 'c1', 'i', 3)).toBe(3);
  expect(leadershipViolations(c)).toEqual([]);
  expect(agreementViolations(c)).toEqual([]);
  return c;
}

function forge(c: Cluster, node: string, event: string, data: Record<string, unknown>): void {
  c.sim.trace.emit({ t: c.sim.now, node, ev: 'trace', event, data } as TraceRecord);
}

describe('ensemble invariants catch forged histories', () => {
  it('a second server committing in the same epoch breaks Leadership', () => {
    const c = cleanRun();
    const follower = c.serverIds.find((s) => s !== c.leader()!.id)!;
    const zxid = c.events('commit')[0]!.data['zxid'] as number;
    forge(c, follower, 'commit', { zxid: zxid + 100 });
    expect(leadershipViolations(c)).toHaveLength(1);
  });

  it('two different txns at one zxid break Agreement', () => {
    const c = cleanRun();
    const a = c.events('apply').at(-1)!;
    forge(c, a.node, 'state', { state: 'LOOKING' });
    forge(c, a.node, 'apply', { zxid: a.data['zxid'], type: 'delete' });
    expect(agreementViolations(c).some((m) => m.includes('applied as'))).toBe(true);
  });

  it('applying an older zxid without a restart breaks TotalOrder', () => {
    const c = cleanRun();
    const a = c.events('apply').at(-1)!;
    forge(c, a.node, 'apply', { zxid: (a.data['zxid'] as number) - 1, type: 'create2' });
    expect(agreementViolations(c).some((m) => m.includes(' after '))).toBe(true);
  });
});
