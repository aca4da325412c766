/**
 * Every checker against the healthy story (must pass) and against each planted defect (must catch
 * it, pointing at a record that shows it).
 */
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../protocol/zab/messages.ts';
import type { Txn } from '../protocol/request/txn.ts';
import { CHECKERS, failures, runAll } from './index.ts';
import { story, type Plant } from './testing/story.ts';

/** Which checker must catch which plant, and the trace event its first violation points at. */
const CASES: readonly { plant: Plant; checker: string; event: string; healedAt?: number }[] = [
  { plant: 'twoLeaders', checker: 'Leadership', event: 'leader.established' },
  { plant: 'fork1154', checker: 'PrefixConsistency', event: 'apply' },
  { plant: 'fork1154', checker: 'ProcessConsistency', event: 'epoch.current' },
  { plant: 'divergentTxn', checker: 'Agreement', event: 'apply' },
  { plant: 'reapply', checker: 'TotalOrder', event: 'apply' },
  { plant: 'epochBackwards', checker: 'GlobalPrimaryOrder', event: 'apply' },
  { plant: 'skipTxn', checker: 'LocalPrimaryOrder', event: 'apply' },
  { plant: 'skipTxn', checker: 'CommittedLogDurability', event: 'apply' },
  { plant: 'unproposed', checker: 'Integrity', event: 'apply' },
  { plant: 'newLeaderMissesTxn', checker: 'LeaderLogCompleteness', event: 'leader.established' },
  { plant: 'newLeaderMissesTxn', checker: 'PrimaryIntegrity', event: 'propose' },
  { plant: 'newLeaderMissesTxn', checker: 'ElectionOrder', event: 'election.decided' },
  { plant: 'truncateCommitted', checker: 'CommittedLogDurability', event: 'log.truncate' },
  { plant: 'lateCommitBackwards', checker: 'MonotonicRead', event: 'commit' },
  { plant: 'commitNotLogged', checker: 'MonotonicRead', event: 'commit' },
  { plant: 'badElection', checker: 'ElectionOrder', event: 'election.decided' },
  { plant: 'orphanEphemeral', checker: 'OrphanEphemeral', event: 'apply' },
  { plant: 'staleEphemeralRead', checker: 'EphemeralOutlivesSession', event: 'client.return' },
  { plant: 'clientVanishes', checker: 'TimelyExpiry', event: 'crash' },
  { plant: 'fifo', checker: 'FifoClientOrder', event: 'client.return' },
  { plant: 'readGoesBack', checker: 'SessionMonotonicRead', event: 'client.return' },
  { plant: 'readGoesBack', checker: 'ReadYourWrites', event: 'client.return' },
  { plant: 'noLeaderAfterHeal', checker: 'Liveness', event: '', healedAt: 1_000_000 },
  { plant: 'corruptTree', checker: 'DigestConsistency', event: 'apply' },
  { plant: 'learnerDropped', checker: 'LearnerJoin', event: 'zab.abandon' },
];

describe('the healthy story', () => {
  it('passes every checker', () => {
    const results = runAll(story(), { healedAt: 0, ensembleSize: 3 });
    expect(results.map((r) => r.name).sort()).toEqual(Object.keys(CHECKERS).sort());
    for (const r of results) expect(r.violations, r.name).toEqual([]);
    expect(failures(results)).toEqual([]);
  });
});

describe('planted defects', () => {
  for (const c of CASES) {
    it(`${c.checker} catches ${c.plant}`, () => {
      const trace = story(c.plant);
      const r = CHECKERS[c.checker]!(trace, { healedAt: c.healedAt ?? 0, ensembleSize: 3 });
      expect(r.ok).toBe(false);
      const v = r.violations[0]!;
      expect(v.message.length).toBeGreaterThan(0);
      if (c.event !== '') {
        const rec = trace[v.records[0]!]!;
        expect(rec.ev === 'trace' ? rec.event : rec.ev).toBe(c.event);
        // A deadline-based verdict (TimelyExpiry) is dated at the deadline, after its witness.
        expect(v.t).toBeGreaterThanOrEqual(rec.t);
      }
    });
  }

  it('every checker is exercised by some plant', () => {
    // Linearizability gets its forged history in linearizable.test.ts.
    const caught = new Set([...CASES.map((c) => c.checker), 'Linearizability']);
    expect(Object.keys(CHECKERS).filter((n) => !caught.has(n))).toEqual([]);
  });
});

describe('runAll', () => {
  it('skips the timed checkers unless the heal time is given', () => {
    const names = runAll(story()).map((r) => r.name);
    expect(names).not.toContain('Liveness');
    expect(names).not.toContain('TimelyExpiry');
  });

  it('keeps at most maxViolations and counts the rest', () => {
    const trace = story('twoLeaders');
    // Three more rival leaders: four violations in all.
    for (const n of ['s4', 's5', 's6'])
      trace.push({ t: 1e9, node: n, ev: 'trace', event: 'leader.established', data: { epoch: 2, zxid: 0, quorum: [] } });
    const [r] = runAll(trace, { maxViolations: 2 }, ['Leadership']);
    expect(r!.violations.length).toBe(2);
    expect(r!.omitted).toBe(2);
  });
});

describe('liveness needs a write', () => {
  it('a serving leader alone is not enough when writes are required', () => {
    const trace = story();
    expect(CHECKERS['Liveness']!(trace, { healedAt: 100_000_000, livenessNeedsWrite: false }).ok).toBe(true);
    const r = CHECKERS['Liveness']!(trace, { healedAt: 100_000_000 });
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/no committed write/);
  });
});

describe('Agreement across primaries', () => {
  it('catches two servers sending different txns under one zxid', () => {
    const trace = story();
    const at = trace.findIndex((r) => r.ev === 'send');
    const first = trace[at]!;
    if (first.ev !== 'send') throw new Error('no send');
    const msg = first.msg as unknown as Proposal;
    const txn = msg.entry.txn as Txn;
    const rival = { ...msg, entry: { zxid: msg.entry.zxid, txn: { hdr: txn.hdr, body: { type: 'delete', path: '/x' } } } };
    trace.push({ ...first, t: 1e9, node: 's1', msg: rival });
    const r = CHECKERS['Agreement']!(trace);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.records).toEqual([trace.length - 1, at]);
  });
});
