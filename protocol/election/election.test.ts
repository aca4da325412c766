/**
 * Whole elections: several instances wired together by the test network (0.1–1 ms links).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeZxid } from '../zxid.ts';
import { runElection, type TestNetResult, type TestServer } from './testing/testnet.ts';
import { expectedLeader, orderingViolations } from './testing/ordering-check.ts';
import type { ElectionBugs } from './types.ts';

/** The final decision of every server (undefined when it never decided). */
function finals(r: TestNetResult) {
  return new Map([...r.decisions].map(([sid, ds]) => [sid, ds.at(-1)]));
}

/** Every participant decided once; the expected server leads and everyone else follows it. */
function expectElected(servers: readonly TestServer[], r: TestNetResult, leader: number): void {
  for (const s of servers) {
    const ds = r.decisions.get(s.sid)!;
    expect(ds.length, `s${s.sid} decisions`).toBe(1);
    expect(ds[0]!.vote.leader, `s${s.sid} leader`).toBe(leader);
    const state = s.sid === leader ? 'LEADING' : s.observer ? 'OBSERVING' : 'FOLLOWING';
    expect(ds[0]!.state, `s${s.sid} state`).toBe(state);
  }
  expect(orderingViolations(servers, r)).toEqual([]);
}

const Z = (epoch: number, counter: number) => makeZxid(epoch, counter);

describe('fast leader election, all servers at once', () => {
  const cases: [string, TestServer[]][] = [
    ['3 equal servers: highest sid', [{ sid: 1 }, { sid: 2 }, { sid: 3 }]],
    [
      '3 servers: highest zxid beats higher sid',
      [{ sid: 1, zxid: Z(1, 9), epoch: 1 }, { sid: 2, zxid: Z(1, 4), epoch: 1 }, { sid: 3, zxid: Z(1, 8), epoch: 1 }],
    ],
    [
      '3 servers: highest currentEpoch beats higher zxid',
      [{ sid: 1, zxid: Z(1, 9), epoch: 1 }, { sid: 2, zxid: Z(1, 3), epoch: 2 }, { sid: 3, zxid: Z(1, 8), epoch: 1 }],
    ],
    [
      '5 servers, mixed',
      [
        { sid: 1, zxid: Z(2, 5), epoch: 2 },
        { sid: 2, zxid: Z(2, 7), epoch: 2 },
        { sid: 3, zxid: Z(3, 1), epoch: 3 },
        { sid: 4, zxid: Z(2, 9), epoch: 3 },
        { sid: 5, zxid: Z(2, 9), epoch: 2 },
      ],
    ],
    ['5 equal servers', [1, 2, 3, 4, 5].map((sid) => ({ sid, zxid: Z(4, 4), epoch: 4 }))],
  ];
  for (const [name, servers] of cases) {
    it(name, () => {
      const r = runElection(servers);
      const leader = expectedLeader(servers);
      expectElected(servers, r, leader);
      // The finalize wait dominates: ~200 ms plus a few link delays.
      for (const d of finals(r).values()) {
        expect(d!.t).toBeGreaterThanOrEqual(200);
        expect(d!.t).toBeLessThan(220);
      }
    });
  }

  it('the expected-leader oracle itself: the test fails when the wrong server wins', () => {
    const servers: TestServer[] = [{ sid: 1, zxid: 9 }, { sid: 2, zxid: 1 }, { sid: 3, zxid: 1 }];
    const r = runElection(servers);
    expect(() => expectElected(servers, r, 3)).toThrow();
  });

  it('property: any 3 or 5 servers starting within a few ms elect the greatest (epoch, zxid, sid)', () => {
    const server = fc.record({ epoch: fc.integer({ min: 1, max: 3 }), lag: fc.integer({ min: 0, max: 2 }), counter: fc.integer({ min: 0, max: 3 }), startAt: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.oneof(fc.array(server, { minLength: 3, maxLength: 3 }), fc.array(server, { minLength: 5, maxLength: 5 })), fc.string(), (raw, seed) => {
        const servers: TestServer[] = raw.map((s, i) => ({
          sid: i + 1,
          epoch: s.epoch,
          // The last logged txn is from the current epoch or an earlier one.
          zxid: Z(Math.max(0, s.epoch - s.lag), s.counter),
          startAt: s.startAt,
        }));
        const r = runElection(servers, { seed });
        expectElected(servers, r, expectedLeader(servers));
        for (const d of finals(r).values()) expect(d!.t).toBeLessThan(230);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});

describe('fast leader election, staggered starts', () => {
  it('a better server starting during the others\' finalize wait still wins', () => {
    const servers: TestServer[] = [{ sid: 1 }, { sid: 2, startAt: 20 }, { sid: 3, startAt: 120 }];
    const r = runElection(servers);
    expectElected(servers, r, 3);
  });

  it('a server starting after the election learns the leader from the established servers', () => {
    // s3 would win a fresh election (highest zxid) but an ensemble is already running.
    const servers: TestServer[] = [{ sid: 1, zxid: 5 }, { sid: 2, zxid: 5 }, { sid: 3, zxid: 99, startAt: 2000 }];
    const r = runElection(servers);
    const f = finals(r);
    expect(f.get(1)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 2 } });
    expect(f.get(2)).toMatchObject({ state: 'LEADING', vote: { leader: 2 } });
    expect(f.get(3)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 2 } });
    // Within a couple of link delays: no finalize wait on this path.
    expect(f.get(3)!.t - 2000).toBeLessThan(5);
    const via = r.traces.find((t) => t.sid === 3 && t.event === 'election.decided')!.data!['via'];
    expect(via).toBe('recvset'); // same round (1): counted with the LOOKING votes
  });

  it('joiners in other rounds adopt the ensemble\'s round', () => {
    // The ensemble has been through earlier elections (round 3); s4 is a fresh process (round 1),
    // s5 has been through more elections than the ensemble (round 9).
    const servers: TestServer[] = [
      { sid: 1, round: 3 },
      { sid: 2, round: 3 },
      { sid: 3, round: 3 },
      { sid: 4, startAt: 1000, zxid: 50 },
      { sid: 5, startAt: 3000, zxid: 70, round: 9 },
    ];
    const r = runElection(servers);
    const f = finals(r);
    for (const sid of [1, 2, 4, 5]) expect(f.get(sid)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 3, electionEpoch: 3 } });
    expect(f.get(3)).toMatchObject({ state: 'LEADING' });
    const decided = r.traces.filter((t) => t.event === 'election.decided' && t.sid >= 4);
    // s4 first gets the round-3 LOOKING notifications queued for it while it was down (as
    // QuorumCnxManager delivers on connect), moves to round 3 and counts the answers in recvset;
    // s5's round 9 is ahead of everybody, so it can only join through outofelection.
    expect(decided.map((t) => t.data!['via'])).toEqual(['recvset', 'outofelection']);
    expect(r.elections.get(4)!.logicalClock).toBe(3);
    expect(r.elections.get(5)!.logicalClock).toBe(3);
  });

  it('two servers of three elect without the third; it follows when it comes up', () => {
    const servers: TestServer[] = [{ sid: 1 }, { sid: 3, startAt: 5 }, { sid: 2, startAt: 10_000 }];
    const r = runElection(servers, { untilMs: 20_000 });
    expectElected(servers, r, 3);
  });
});

describe('ordering under loss and staggered starts', () => {
  const server = fc.record({
    epoch: fc.integer({ min: 1, max: 3 }),
    lag: fc.integer({ min: 0, max: 2 }),
    counter: fc.integer({ min: 0, max: 3 }),
    startAt: fc.integer({ min: 0, max: 600 }),
  });
  /** Nobody backs a less up-to-date leader, whatever is lost and whenever servers start. */
  const ordered = (bugs: ElectionBugs, maxEvents = 20_000) =>
    fc.property(
      fc.oneof(fc.array(server, { minLength: 3, maxLength: 3 }), fc.array(server, { minLength: 5, maxLength: 5 })),
      fc.integer({ min: 0, max: 60 }),
      fc.string(),
      (raw, lossPct, seed) => {
        const servers: TestServer[] = raw.map((s, i) => ({
          sid: i + 1,
          epoch: s.epoch,
          zxid: Z(Math.max(0, s.epoch - s.lag), s.counter),
          startAt: s.startAt,
        }));
        // Loss decided by a hash of (link, index): deterministic per run, independent of delays.
        const drop = (from: number, to: number, _m: unknown, i: number) =>
          (from * 7919 + to * 104729 + i * 1299709 + seed.length * 31) % 100 < lossPct;
        const r = runElection(servers, { seed, drop, bugs, untilMs: 5000, maxEvents });
        expect(orderingViolations(servers, r)).toEqual([]);
      },
    );

  it('property: holds for the fixed vote order', () => {
    fc.assert(ordered({}), { numRuns: 150, seed: 99 });
  });

  it('property: finds the planted ZOOKEEPER-1419 order', () => {
    // Buggy runs often livelock, hence the smaller event budget; no shrinking, the finding is enough.
    const result = fc.check(ordered({ voteOrderIgnoresEpoch: true }, 3000), { numRuns: 150, seed: 99, endOnFailure: true });
    expect(result.failed).toBe(true);
  });
});

describe('observers', () => {
  it('never lead, even with the greatest zxid and sid, and learn the leader', () => {
    const servers: TestServer[] = [
      { sid: 1, zxid: 5 },
      { sid: 2, zxid: 6 },
      { sid: 3, zxid: 4 },
      { sid: 8, zxid: 1000, observer: true },
      { sid: 9, zxid: 1000, observer: true },
    ];
    const r = runElection(servers);
    expectElected(servers, r, 2);
  });

  it('an observer starting late learns the established leader', () => {
    const servers: TestServer[] = [{ sid: 1 }, { sid: 2 }, { sid: 3 }, { sid: 9, observer: true, startAt: 5000 }];
    const r = runElection(servers, { untilMs: 20_000 });
    expectElected(servers, r, 3);
  });
});

describe('lost notifications', () => {
  it('are recovered by the resend after the notification timeout', () => {
    const servers: TestServer[] = [{ sid: 1 }, { sid: 2 }, { sid: 3 }];
    // Everything sent in the first 100 ms is lost: nobody hears anybody until the resend at 200 ms.
    const r = runElection(servers, { drop: (_f, _t, _m, _i, t) => t < 100 });
    expect(r.dropped).toBeGreaterThan(0);
    expectElected(servers, r, 3);
    expect(r.traces.filter((t) => t.event === 'election.timeout').map((t) => t.sid).sort()).toEqual([1, 2, 3]);
    for (const d of finals(r).values()) {
      expect(d!.t).toBeGreaterThanOrEqual(400); // timeout (200) + finalize wait (200)
      expect(d!.t).toBeLessThan(420);
    }
  });

  it('the notification timeout doubles from finalizeWait up to maxNotificationInterval', () => {
    // s1 alone: the others never come up, so every poll times out.
    const servers: TestServer[] = [{ sid: 1 }, { sid: 2, startAt: 1e9 }, { sid: 3, startAt: 1e9 }];
    const r = runElection(servers, { untilMs: 300_000 });
    const at = r.traces.filter((t) => t.event === 'election.timeout').map((t) => t.t);
    const gaps = at.map((t, i) => t - (i === 0 ? 0 : at[i - 1]!));
    expect(gaps).toEqual([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000]);
    expect(r.decisions.get(1)).toEqual([]);
  });

  it('a minority partition keeps looking (backing off) and joins the majority\'s leader after the heal', () => {
    const servers: TestServer[] = [1, 2, 3, 4, 5].map((sid) => ({ sid }));
    const minority = (sid: number) => sid <= 2;
    const r = runElection(servers, {
      untilMs: 20_000,
      drop: (f, t, _m, _i, now) => minority(f) !== minority(t) && now < 3000,
    });
    const f = finals(r);
    expect(f.get(5)).toMatchObject({ state: 'LEADING' });
    for (const sid of [3, 4]) expect(f.get(sid)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 5 } });
    for (const sid of [3, 4, 5]) expect(f.get(sid)!.t).toBeLessThan(300);
    for (const sid of [1, 2]) {
      expect(f.get(sid)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 5 } });
      // Heard only after the heal, at the next resend of the backoff (200, 400, 800, 1600, 3200 ms).
      expect(f.get(sid)!.t).toBeGreaterThan(3000);
      expect(f.get(sid)!.t).toBeLessThan(6500);
      expect(r.decisions.get(sid)!.length).toBe(1);
    }
  });

  it('a server cut off during the election catches up once messages flow again', () => {
    const servers: TestServer[] = [{ sid: 1 }, { sid: 2 }, { sid: 3 }, { sid: 4 }, { sid: 5 }];
    // s5 (the would-be leader) neither sends nor receives for the first 1.5 s.
    const r = runElection(servers, { drop: (f, t, _m, _i, now) => (f === 5 || t === 5) && now < 1500 });
    const f = finals(r);
    expect(f.get(4)).toMatchObject({ state: 'LEADING' });
    for (const sid of [1, 2, 3, 5]) expect(f.get(sid)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 4 } });
    expect(f.get(5)!.t).toBeGreaterThan(1500);
  });
});

describe('planted election bugs are observable (ZOOKEEPER-1419)', () => {
  // s1 moved to epoch 2 without writing anything since; s2 and s3 are still at epoch 1 with the
  // same last zxid. s1 is the most up-to-date server and must win.
  const three: TestServer[] = [
    { sid: 1, zxid: Z(1, 8), epoch: 2 },
    { sid: 2, zxid: Z(1, 8), epoch: 1 },
    { sid: 3, zxid: Z(1, 8), epoch: 1 },
  ];
  // s3 is down and s1's first notifications are lost, so s1 hears s2's vote before s2 hears s1's.
  const twoOfThree = three.map((s) => (s.sid === 3 ? { ...s, startAt: 1e9 } : s));
  const lossy = { drop: (from: number, _to: number, _m: unknown, _i: number, t: number) => from === 1 && t < 50 };

  for (const seed of ['election', 'b', 'c']) {
    it(`the fixed order elects s1 after a lost notification (seed ${seed})`, () => {
      const r = runElection(twoOfThree, { ...lossy, seed });
      expect(finals(r).get(1)).toMatchObject({ state: 'LEADING' });
      expect(finals(r).get(2)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 1 } });
      expect(orderingViolations(twoOfThree, r)).toEqual([]);
    });

    it(`the buggy order elects s2 there, and the ordering check reports it (seed ${seed})`, () => {
      const r = runElection(twoOfThree, { ...lossy, seed, bugs: { voteOrderIgnoresEpoch: true } });
      expect(finals(r).get(2)).toMatchObject({ state: 'LEADING' });
      expect(finals(r).get(1)).toMatchObject({ state: 'FOLLOWING', vote: { leader: 2 } });
      expect(orderingViolations(twoOfThree, r)).toEqual([
        expect.stringMatching(/^s1 follows s2 at/),
        expect.stringMatching(/^s2 leads at .* voter s1 is more up to date/),
      ]);
    });
  }

  it('with all three up the buggy votes flip-flop and never settle (the JIRA\'s symptom)', () => {
    expectElected(three, runElection(three), 1);
    const r = runElection(three, { bugs: { voteOrderIgnoresEpoch: true }, maxEvents: 3000 });
    expect(r.events).toBe(3000); // still busy...
    expect(r.endedAt).toBeLessThan(200); // ...within the first 200 ms of virtual time
    expect([...r.decisions.values()].every((d) => d.length === 0)).toBe(true);
  });
});
