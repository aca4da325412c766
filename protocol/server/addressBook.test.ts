import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../ensemble/ensemble.ts';
import { connectAll, converge, createMany } from '../../ensemble/testing/workload.ts';
import { allViolations, checkerViolations } from '../../ensemble/testing/violations.ts';
import { serverNames } from '../../trace/view.ts';
import { AddressBook, type ServerAddress } from '../addressBook.ts';
import { quorumConfig } from '../config.ts';

const EPHEMERAL = 1;

/** Node ids that are opaque names, myids that are neither 1..N nor in name order. */
const BOOK: ServerAddress[] = [
  { myid: 7, node: 'alpha', role: 'participant' },
  { myid: 3, node: 'bravo', role: 'participant' },
  { myid: 12, node: 'charlie', role: 'participant' },
  { myid: 5, node: 'delta', role: 'observer' },
];

describe('the address book: node ids are opaque names', () => {
  it('an ensemble named alpha/bravo/charlie (myids 7, 3, 12) + observer delta (5) elects, replicates, fails over and passes every checker', () => {
    const c = Ensemble.simulate({ servers: 3, observers: 1, clients: 2, seed: 61, addressBook: BOOK, client: { sessionTimeoutMs: 6000 } });
    expect(c.serverIds).toEqual(['bravo', 'delta', 'alpha', 'charlie']); // myid order
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    // FastLeaderElection: equal logs, so the highest myid leads.
    expect(c.leader()!.id).toBe('charlie');
    expect(c.leader()!.sid).toBe(12);
    expect(c.server('delta').status().role).toBe('OBSERVING');
    connectAll(c);
    expect(createMany(c, 'c1', 'a', 5)).toBe(5);
    expect((c.call('c2', { op: 'create', path: '/eph', data: '', flags: EPHEMERAL }) as { rc: number }).rc).toBe(0);
    // The leader dies: the next highest myid with the newest log takes over, clients move on.
    c.sim.crash('charlie');
    expect(c.runUntil(() => c.leader() !== null && c.leader()!.id !== 'charlie', 20_000)).toBe(true);
    expect(c.leader()!.id).toBe('alpha');
    expect(createMany(c, 'c1', 'b', 5)).toBe(5);
    c.sim.restart('charlie');
    c.call('c2', { op: 'abandon' });
    expect(c.runUntil(() => c.serverIds.every((s) => !c.sim.isUp(s) || !c.has(s, '/eph')), 30_000)).toBe(true);
    expect(converge(c)).toBe(true);
    // The trace header carries the book; the view and the checkers read names through it.
    const header = c.sim.trace.records[0]!;
    expect(header.ev === 'header' && header.servers).toEqual(BOOK.slice().sort((a, b) => a.myid - b.myid));
    expect(serverNames(c.sim.trace.records).myidOf('alpha')).toBe(7);
    expect(serverNames(c.sim.trace.records).isServer('c1')).toBe(false);
    expect(allViolations(c)).toEqual([]);
    expect(checkerViolations(c, 5, ['Linearizability'])).toEqual([]);
  });

  it('the checkers read myids from the header: without it, these names are not servers', () => {
    const c = Ensemble.simulate({ servers: 3, clients: 0, seed: 62, addressBook: BOOK.filter((s) => s.role === 'participant') });
    expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
    const records = c.sim.trace.records;
    expect(checkerViolations(c)).toEqual([]);
    // The same records under a header without the book: the sids of Zab events no longer name these
    // nodes, so the view cannot match an established quorum to its members.
    const h = records[0]!;
    if (h.ev !== 'header') throw new Error('no header');
    const { servers: _dropped, ...bare } = h;
    const stripped = [bare, ...records.slice(1)];
    expect(serverNames(stripped).isServer('alpha')).toBe(false);
    expect(serverNames(stripped).nodeOf(7)).toBe('s7');
  });

  it('a config whose address book does not match its participants and observers is refused', () => {
    expect(() => quorumConfig([1, 2, 3], { servers: [{ myid: 1, node: 'a', role: 'participant' }] })).toThrow(/address book/);
    expect(() => new AddressBook([{ myid: 1, node: 'a', role: 'participant' }, { myid: 2, node: 'a', role: 'participant' }])).toThrow(/listed twice/);
    expect(() => Ensemble.simulate({ servers: 3, addressBook: [{ myid: 1, node: 's1', role: 'participant' }] })).toThrow(/address book/);
  });
});
