/**
 * ElectionOrder on real FastLeaderElection runs (protocol/election's test network, its trace turned
 * into simulator records): the fixed vote order passes; ZOOKEEPER-1419's order, which lets s2 beat
 * the more up-to-date s1 after a lost notification, is caught at s2's LEADING decision.
 */
import { describe, expect, it } from 'vitest';
import { checkedRecord } from '../trace/decode.ts';
import { SCHEMA_VERSION } from '../trace/schema.ts';
import { runElection, type TestNetOptions, type TestServer } from '../protocol/election/testing/testnet.ts';
import { makeZxid } from '../protocol/zxid.ts';
import { electionOrder } from './election.ts';
import type { TraceRecord } from './types.ts';

// s1 moved to epoch 2 without writing since; s2, s3 are at epoch 1 with the same last zxid.
const servers: TestServer[] = [
  { sid: 1, zxid: makeZxid(1, 8), epoch: 2 },
  { sid: 2, zxid: makeZxid(1, 8), epoch: 1 },
  { sid: 3, zxid: makeZxid(1, 8), epoch: 1, startAt: 1e9 }, // down
];
// s1's first notifications are lost, so s1 hears s2's vote before s2 hears s1's.
const lossy: TestNetOptions = { drop: (from, _to, _m, _i, t) => from === 1 && t < 50 };

function trace(opts: TestNetOptions): TraceRecord[] {
  const r = runElection(servers, opts);
  return r.traces.map((x) => checkedRecord({ t: Math.round(x.t * 1000), node: `s${x.sid}`, ev: 'trace', event: x.event, data: x.data }));
}

describe('ElectionOrder on FastLeaderElection runs', () => {
  for (const seed of ['election', 'b']) {
    it(`passes the fixed vote order (seed ${seed})`, () => {
      const t = trace({ ...lossy, seed });
      expect(t.some((r) => r.ev === 'trace' && r.event === 'election.decided')).toBe(true);
      expect(electionOrder(t, { ensembleSize: 3 }).violations).toEqual([]);
    });

    it(`catches ZOOKEEPER-1419's order on servers with other names, read from the header (seed ${seed})`, () => {
      const names: Record<string, string> = { s1: 'alpha', s2: 'bravo', s3: 'charlie' };
      const header = checkedRecord({
        t: 0, node: '*', ev: 'header', schema: SCHEMA_VERSION, seed: 1, nodes: Object.values(names),
        servers: [1, 2, 3].map((myid) => ({ myid, node: names[`s${myid}`]!, role: 'participant' as const })),
      });
      const t = [header, ...trace({ ...lossy, seed, bugs: { voteOrderIgnoresEpoch: true } }).map((r) => ({ ...r, node: names[r.node]! }))];
      const r = electionOrder(t, { ensembleSize: 3 });
      expect(r.ok).toBe(false);
      expect(r.violations[0]!.node).toBe('bravo');
      expect(r.violations[0]!.message).toMatch(/voter alpha/);
      // The fixed order passes under the same names.
      const ok = [header, ...trace({ ...lossy, seed }).map((r) => ({ ...r, node: names[r.node]! }))];
      expect(electionOrder(ok, { ensembleSize: 3 }).violations).toEqual([]);
    });

    it(`catches ZOOKEEPER-1419's order (seed ${seed})`, () => {
      const t = trace({ ...lossy, seed, bugs: { voteOrderIgnoresEpoch: true } });
      const r = electionOrder(t, { ensembleSize: 3 });
      expect(r.ok).toBe(false);
      expect(r.violations[0]!.node).toBe('s2');
      expect(r.violations[0]!.message).toMatch(/voter s1/);
    });
  }
});
