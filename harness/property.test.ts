/**
 * The CI property test: a fixed budget of generated runs (ensembles, every kernel fault, recipe
 * workloads), every checker plus the liveness phase on each; the runs are deterministic (same
 * hashes when repeated); and a planted historical bug is found, shrunk, and its printed replay
 * command reproduces the same trace hash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, DEFAULT_KINDS, ELECTION_SHAPE } from './arbitraries.ts';
import { EPISODES, decodeCase, encodeCase, type Case, type EpisodeKind } from './case.ts';
import { runCase, type RunResult } from './run.ts';
import { search } from './shrink.ts';
import { runCli } from '../cli/replay.ts';

const SEED = 20_261_124;
const RUNS = 300;

describe('generated runs (property)', () => {
  const cases: Case[] = [];
  const results: RunResult[] = [];

  it(`${RUNS} generated runs pass every checker and the liveness phase`, () => {
    const r = search({ seed: SEED, numRuns: RUNS, onRun: (c, res) => (cases.push(c), results.push(res)) });
    // On failure, the message carries the shrunk case's one-line replay command.
    expect(r.found === null ? null : `${r.found.result.failures.join(',')}: ${r.found.command}`).toBeNull();
    expect(r.hashes).toHaveLength(RUNS);
    // Every run ran every checker, including the timed ones (Liveness, TimelyExpiry).
    expect(results.every((x) => x.checkers >= 21)).toBe(true);
    expect(results.every((x) => x.probeAckUs !== null && x.probeAckUs >= x.healedAtUs)).toBe(true);
    // The generator really covers the space: every fault kind of default runs (targeted crashes are
    // swarm-only: triggers.test.ts), 3/5/7 voters, observers, recipes.
    const kinds = new Set<EpisodeKind>(cases.flatMap((c) => c.faults.filter((f) => f.atMs < c.windowMs).map((f) => f.kind)));
    expect([...kinds].sort()).toEqual([...DEFAULT_KINDS].sort());
    expect(DEFAULT_KINDS).toEqual(EPISODES.filter((k) => k !== 'crashAfter' && k !== 'window' && k !== 'deafLeader'));
    expect(new Set(cases.map((c) => c.ensemble.servers))).toEqual(new Set([3, 5, 7]));
    expect(cases.some((c) => c.ensemble.observers > 0)).toBe(true);
    expect(new Set(cases.flatMap((c) => c.workload.map((w) => w.recipe))).size).toBe(5);
    expect(results.reduce((s, x) => s + x.clientOps, 0)).toBeGreaterThan(RUNS * 10);
    expect(new Set(r.hashes).size).toBe(RUNS);
  });

  it('the same runs repeated give the same trace hashes', () => {
    expect(cases.length).toBe(RUNS);
    for (let i = 0; i < RUNS; i += 10) expect(runCase(cases[i]!).hash, `run ${i}`).toBe(results[i]!.hash);
  });
});

describe('a planted bug (ZOOKEEPER-2845: keepUncommittedOnLooking)', () => {
  it('is found, shrunk, and the printed replay command reproduces the trace hash', async () => {
    const r = search({ seed: 5, numRuns: 200, bugs: { keepUncommittedOnLooking: true }, shrinkBudget: 150 });
    expect(r.found).not.toBeNull();
    const f = r.found!;
    expect(f.result.failures.length).toBeGreaterThan(0);
    expect(f.result.failures.some((x) => f.originalFailures.includes(x))).toBe(true);
    // Shrinking made it no bigger, and usually much smaller.
    expect(f.shrunk.faults.length).toBeLessThanOrEqual(f.original.faults.length);
    expect(f.shrunk.workload.length).toBeLessThanOrEqual(f.original.workload.length);
    expect(f.shrinkRuns).toBeGreaterThan(0);
    // The same bug switched off: the shrunk schedule passes (it is the bug that fails it).
    const { bugs: _bugs, ...fixed } = f.shrunk;
    expect(runCase(fixed).failures).toEqual([]);
    // The printed command, run as the replay CLI (in process): same trace hash, checkers fail.
    expect(f.command.startsWith('npm run replay -- ')).toBe(true);
    const argv = f.command.slice('npm run replay -- '.length).split(' ');
    const out: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(out).toContain('replay    same trace hash as expected');
    expect(out.join('\n')).toContain(`sha256    ${f.result.hash}`);
    expect(code).toBe(1);
  });
});

describe('case codec', () => {
  it('every generated case survives encode → decode unchanged', () => {
    for (const c of fc.sample(caseArb(undefined, { diffInsteadOfTrunc: true }), { seed: 3, numRuns: 200 })) {
      expect(decodeCase(encodeCase(c))).toEqual(c);
    }
  });
});

describe('a planted bug (ZOOKEEPER-1154: diffInsteadOfTrunc)', () => {
  it('is found by generated runs and its shrunk case replays to the same hash', () => {
    const r = search({ seed: 1, numRuns: 150, bugs: { diffInsteadOfTrunc: true }, shrinkBudget: 15 });
    expect(r.found).not.toBeNull();
    const f = r.found!;
    expect(f.result.failures.some((x) => f.originalFailures.includes(x))).toBe(true);
    const again = runCase(f.shrunk);
    expect(again.hash).toBe(f.result.hash);
    expect(again.failures).toEqual(f.result.failures);
  });
});

describe('election-focused generated runs', () => {
  it('150 runs (no workload, crash/pause/partition/isolate) pass every checker', () => {
    const r = search({ seed: SEED, numRuns: 150, shape: ELECTION_SHAPE });
    expect(r.found === null ? null : `${r.found.result.failures.join(',')}: ${r.found.command}`).toBeNull();
    expect(new Set(r.hashes).size).toBe(150);
  });
});

describe('a planted election bug (ZOOKEEPER-1419: voteOrderIgnoresEpoch)', () => {
  it('is found by election-focused generated runs; with the flag off the shrunk case passes', () => {
    // Seed 4 finds it in 17 runs by ElectionOrder (seed 1 needed 242 once the 3.8 teardown/start-up
    // latencies went in; since connections moved into the kernel seeds 1 and 3 first hit the bug's
    // other symptom, the vote flip-flop that never settles, as a Budget failure).
    const r = search({ seed: 4, numRuns: 60, shape: ELECTION_SHAPE, bugs: { voteOrderIgnoresEpoch: true }, shrinkBudget: 60 });
    expect(r.found).not.toBeNull();
    const f = r.found!;
    expect(f.result.failures).toContain('ElectionOrder');
    expect(runCase(f.shrunk).hash).toBe(f.result.hash);
    const { bugs: _bugs, ...fixed } = f.shrunk;
    expect(runCase(fixed).failures).toEqual([]);
  });
});
