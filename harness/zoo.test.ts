/**
 * A short bug zoo in `npm test`: a few planted bugs with fixed seeds and run caps must be found by
 * the checker that names what they break, so a regression in bug-finding fails CI. Also: every
 * plantable bug has a zoo entry, a bug caught only by other checkers is reported as such, and the
 * CLI's JSON mode and bad options.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/zoo.ts';
import fc from 'fast-check';
import { caseArb, SWARM_SHAPE } from './arbitraries.ts';
import { runCase } from './run.ts';
import { hunt, unlistedBugs, zooEntry } from './zoo.ts';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-zoo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = { budgetS: 600, shrinkBudget: 20, shrinkWallMs: 20_000, runs: 'default' as const };

describe('bug zoo', () => {
  it('every plantable bug has naming checkers', () => {
    expect(unlistedBugs()).toEqual([]);
  });

  it('ZOOKEEPER-2845 and ZOOKEEPER-1154 are found by a consistency checker, and the shrunk case replays', () => {
    // Caps: about twice the runs they take today (16 and 90 at seed 1); a model change may move the
    // first hit, a regression in bug-finding moves it past the cap.
    for (const [bug, maxRuns] of [['keepUncommittedOnLooking', 40], ['diffInsteadOfTrunc', 180]] as const) {
      const e = zooEntry(bug)!;
      const r = hunt(e, { ...quick, seed: 1, maxRuns });
      expect(r.found, bug).toBe(true);
      expect(e.checkers).toContain(r.checker);
      expect(r.runs).toBeLessThanOrEqual(maxRuns);
      // Not asserted: shrunkSteps <= steps. Shrinking keeps a candidate when a naming checker still
      // fails, not when the schedule is shorter (moving a fault earlier can pull another into the
      // window: keepUncommittedOnLooking at seed 1 shrinks 6 -> 7 steps since the 3.8 latencies).
      expect(r.shrunkSteps).not.toBeNull();
      const again = runCase(r.shrunk!);
      expect(again.hash).toBe(r.shrunkHash);
      expect(again.failures.some((f) => e.checkers.includes(f))).toBe(true);
    }
  }, 120_000);

  it('the durability family (3911, 4646, 4643, ackBeforeFsync, ackNewLeaderBeforeSyncSnapshot) is found by a durability checker in swarm runs (durability windows), and the shrunk case replays', () => {
    // Caps: about twice the runs they take today at seed 1 (90, 90, 90, 2; the sync snapshot 90:
    // the syncEpoch window crashing a SNAP-synced learner at its new currentEpoch).
    for (const [bug, maxRuns] of [
      ['ackNewLeaderBeforeLogging', 180],
      ['ackNewLeaderBeforeFsync', 180],
      ['ackNewLeaderBeforeSyncSnapshot', 180],
      ['currentEpochBeforeLogging', 180],
      ['ackBeforeFsync', 20],
    ] as const) {
      const e = zooEntry(bug)!;
      const r = hunt(e, { ...quick, runs: 'swarm', seed: 1, maxRuns });
      expect(r.found, bug).toBe(true);
      expect(e.checkers).toContain(r.checker);
      expect(r.runs).toBeLessThanOrEqual(maxRuns);
      expect(Object.keys(r.stats.windows).some((w) => w.endsWith(':crash'))).toBe(true);
      const again = runCase(r.shrunk!);
      expect(again.hash).toBe(r.shrunkHash);
      expect(again.failures.some((f) => e.checkers.includes(f))).toBe(true);
    }
  }, 180_000);

  it('the planted class bugs (#15) are found by swarm runs at pinned seeds; the same runs pass without them', () => {
    // Seed = the swarm run where `npm run zoo -- --seed 1` first finds each (run index + 1): one run
    // each. A generation or model change may move the hit (then re-pin: `npm run zoo -- --bug B`).
    const pins = [
      // Re-pinned after the pipeline draw (14:33 UTC): 387 -> 416 and 645 -> 417, the others kept;
      // after connections in the kernel (contract v2): 416 -> 523, 37 -> 18.
      ['sessionsLostOnLeaderChange', 18],
      ['staleServerAcceptsSession', 523],
      ['truncKeepsTail', 35],
      ['observerCountsInQuorum', 417],
      ['pzxidNotRestoredFromSnapshot', 1],
      ['readAheadOfPendingWrite', 2],
      // Contract v2 (disk): a run with a failing disk (the swarm diskErrors draw, 1 run in 16);
      // 472 -> 477 after connections in the kernel.
      ['ackDespiteFsyncError', 477],
    ] as const;
    for (const [bug, seed] of pins) {
      const e = zooEntry(bug)!;
      const r = hunt(e, { budgetS: 600, shrinkBudget: 5, shrinkWallMs: 5_000, seed, maxRuns: 1 });
      expect(r.found, bug).toBe(true);
      expect(e.checkers).toContain(r.checker);
      const c = fc.sample(caseArb(SWARM_SHAPE), { seed, numRuns: 1 })[0]!;
      expect(runCase(c).failures, `${bug}'s run without the bug`).toEqual([]);
    }
  }, 120_000);

  it('ZOOKEEPER-4685 and -4394 are found by LearnerJoin, ZOOKEEPER-1514 by ElectionOrder, and the shrunk cases replay', () => {
    // Swarm runs (election-focused for 1514), started at the seed of their first hit in
    // `npm run zoo` at seed 1 (runs 2, 6 and 153 since connections moved into the kernel; were 4,
    // 19 and 102): a regression in finding them fails here.
    for (const [bug, seed, checker] of [
      ['ackProposalsBeforeNewLeader', 2, 'LearnerJoin'],
      ['commitBeforeUptodateCrashes', 6, 'LearnerJoin'],
      ['selfLeaderIgnoresRound', 153, 'ElectionOrder'],
    ] as const) {
      const maxRuns = 5;
      const e = zooEntry(bug)!;
      const r = hunt(e, { ...quick, runs: 'swarm', seed, maxRuns });
      expect(r.found, bug).toBe(true);
      expect(r.checker, bug).toBe(checker);
      expect(r.runs).toBeLessThanOrEqual(maxRuns);
      const again = runCase(r.shrunk!);
      expect(again.hash).toBe(r.shrunkHash);
      expect(again.failures.some((f) => e.checkers.includes(f))).toBe(true);
    }
  }, 120_000);

  it('a bug caught only by another checker is "found by the wrong checker", not found', () => {
    const e = { ...zooEntry('keepUncommittedOnLooking')!, checkers: ['TimelyExpiry'] };
    const r = hunt(e, { ...quick, seed: 1, maxRuns: 40 });
    expect(r.found).toBe(false);
    // Which consistency checker fires first depends on the draw; it is one of the bug's real ones.
    expect(zooEntry('keepUncommittedOnLooking')!.checkers).toContain(r.wrongChecker);
  }, 60_000);

  it('npm run zoo --json: one object per bug per line; exit 0 only when every bug is found', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runCli(['--json', '--bug', 'keepUncommittedOnLooking', '--max-runs', '40', '--shrink-budget', '5', '--out', dir, '--runs', 'default'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    const o = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(o).toMatchObject({ bug: 'keepUncommittedOnLooking', found: true });
    expect(zooEntry('keepUncommittedOnLooking')!.checkers).toContain(o['checker']);
    expect(o['runs']).toBeLessThanOrEqual(40);
    expect(typeof o['wallS']).toBe('number');
    expect(o['replay']).toBe(`npm run replay -- --file ${join(dir, 'keepUncommittedOnLooking.json')}`);
    out.length = 0;
    // A bug the zoo does not find in 3 runs (keepUncommittedOnLooking is now found in the first).
    expect(await runCli(['--json', '--bug', 'ackBeforeFsync', '--max-runs', '3', '--out', dir, '--runs', 'default'], io)).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ found: false, runs: 3, replay: null });
  }, 60_000);

  it('bad options: one error line, exit 2', async () => {
    for (const [argv, msg] of [
      [['--bug', 'nope'], /unknown bug 'nope'/],
      [['--budget-s', 'x'], /--budget-s must be an integer/],
      [['--frob'], /unknown option --frob/],
    ] as const) {
      const err: string[] = [];
      expect(await runCli([...argv], { out: () => {}, err: (l) => err.push(l) })).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(msg);
    }
  });
});
