/**
 * Kernel self-check: run many seeds with random fault schedules, then replay each trace and check
 * what the kernel promises (nothing reaches a crashed or paused process, nothing crosses a cut or a
 * clog, FIFO links stay FIFO, connections stay FIFO even on links that reorder or duplicate, nothing
 * arrives on a connection end after it was closed or lost, at most one closed/lost per end, time
 * never goes backwards). Odd seeds run the ping nodes on connections. The replay checker is first
 * shown to catch doctored traces.
 */
import { describe, expect, it } from 'vitest';
import { checkedRecord, decodeRecords } from '../trace/decode.ts';
import { randomFaults, scheduleFaults } from './faults.ts';
import { pingNodes } from './ping-node.ts';
import { Simulation } from './simulation.ts';
import { ms } from './time.ts';
import type { TraceRecord } from './trace.ts';

/** Record kinds that mean "the process at `node` ran". */
const STEPPED = new Set(['recv', 'timer', 'request', 'reply', 'send', 'trace', 'accept', 'connected', 'closed', 'lost']);

function violations(nodes: readonly string[], recs: readonly TraceRecord[]): string[] {
  const bad: string[] = [];
  const up = new Map(nodes.map((n) => [n, false]));
  const paused = new Set<string>();
  const crashed = new Set<string>();
  const cut = new Set<string>();
  const clogged = new Set<string>();
  const unordered = new Set<string>();
  const lastM = new Map<string, number>();
  /** Open connection ends as `node|conn`, and the last message number per connection direction. */
  const ends = new Set<string>();
  const lastConnM = new Map<string, number>();
  const key = (a: string, b: string) => `${a}>${b}`;
  let lastT = 0;
  for (const r of recs) {
    const where = `t=${r.t} ${r.node} ${r.ev}`;
    if (r.t < lastT) bad.push(`${where}: time went backwards`);
    lastT = r.t;
    switch (r.ev) {
      case 'boot':
      case 'restart':
        up.set(r.node, true);
        break;
      case 'crash':
        up.set(r.node, false);
        paused.delete(r.node);
        crashed.add(r.node);
        for (const e of [...ends]) if (e.startsWith(`${r.node}|`)) ends.delete(e);
        break;
      case 'connect':
      case 'accept':
        ends.add(`${r.node}|${r['conn'] as string}`);
        break;
      case 'close':
        ends.delete(`${r.node}|${r['conn'] as string}`);
        break;
      case 'closed':
      case 'lost':
        if (!ends.delete(`${r.node}|${r['conn'] as string}`)) bad.push(`${where}: ${r.ev} on an end that is not open`);
        break;
      case 'pause':
        paused.add(r.node);
        break;
      case 'resume':
        paused.delete(r.node);
        break;
      case 'fault': {
        const f = r.fault;
        const from = 'from' in r ? r.from : '';
        const to = 'to' in r ? r.to : '';
        if (f === 'heal') cut.clear();
        else if (f === 'cut') cut.add(key(from, to));
        else if (f === 'uncut') cut.delete(key(from, to));
        else if (f === 'clog') clogged.add(key(from, to));
        else if (f === 'unclog') clogged.delete(key(from, to));
        else if (f === 'link' && (r['reorder'] === true || (r['dup'] as number) > 0)) unordered.add(key(from, to));
        else if (f === 'isolate') {
          for (const o of nodes) if (o !== r['target']) cut.add(key(o, r['target'] as string)).add(key(r['target'] as string, o));
        } else if (f === 'partition') {
          cut.clear();
          const groups = r['groups'] as string[][];
          const g = (n: string) => groups.findIndex((x) => x.includes(n));
          for (const a of nodes) for (const b of nodes) if (a !== b && g(a) !== g(b)) cut.add(key(a, b));
        }
        break;
      }
    }
    if (STEPPED.has(r.ev)) {
      if (up.get(r.node) !== true) bad.push(`${where}: process is down`);
      if (paused.has(r.node)) bad.push(`${where}: process is paused`);
    }
    if (r.ev === 'recv' && r['conn'] !== undefined) {
      const conn = r['conn'] as string;
      if (!ends.has(`${r.node}|${conn}`)) bad.push(`${where}: message on an end that is not open (${conn})`);
      const d = `${conn}|${r.node}`;
      const m = r['m'] as number;
      if (m <= (lastConnM.get(d) ?? 0)) bad.push(`${where}: connection ${conn} not FIFO or duplicated (m=${m})`);
      lastConnM.set(d, m);
    }
    if (r.ev === 'recv') {
      const k = key(r['from'] as string, r.node);
      if (cut.has(k)) bad.push(`${where}: crossed a cut link ${k}`);
      if (clogged.has(k)) bad.push(`${where}: passed a clogged link ${k}`);
      const m = r['m'] as number;
      if (r['conn'] === undefined && !unordered.has(k) && m < (lastM.get(k) ?? 0)) bad.push(`${where}: FIFO broken on ${k} (m=${m})`);
      if (r['conn'] === undefined) lastM.set(k, Math.max(m, lastM.get(k) ?? 0));
    }
  }
  return bad;
}

const NODES = ['s1', 's2', 's3', 's4', 's5'];

function run(seed: number): TraceRecord[] {
  const sim = new Simulation({ seed, nodes: NODES, factory: pingNodes(NODES, { periodMs: 1, fsyncEvery: 2, connections: seed % 2 === 1 }) });
  const faults = randomFaults(sim.rng.stream('faults'), NODES, { durationUs: ms(150), episodes: 12, maxLengthUs: ms(40) });
  scheduleFaults(sim, faults);
  sim.run({ until: ms(200) });
  return sim.trace.records;
}

describe('kernel invariants over random fault schedules', () => {
  it('the replay checker catches doctored traces', () => {
    const recs = run(1);
    expect(violations(NODES, recs)).toEqual([]);
    const at = (t: number, node: string, ev: TraceRecord['ev'], extra: Record<string, unknown> = {}): TraceRecord => checkedRecord({ t, node, ev, ...extra });
    const last = recs[recs.length - 1]?.t ?? 0;
    const tail = (xs: TraceRecord[]) => violations(NODES, [...recs, ...xs]);
    expect(tail([at(last, '*', 'fault', { fault: 'cut', from: 's1', to: 's2' }), at(last, 's2', 'recv', { from: 's1', m: 1e9, type: 'x' })])).toHaveLength(1);
    expect(tail([at(last, 's3', 'crash', { lost: 0, kept: 0 }), at(last, 's3', 'timer', { timer: 't' })])).toHaveLength(1);
    expect(tail([at(last, 's3', 'pause'), at(last, 's3', 'recv', { from: 's1', m: 1e9, type: 'x' })])).toHaveLength(1);
    expect(tail([at(last, 's2', 'recv', { from: 's1', m: 1e9, type: 'x' }), at(last, 's2', 'recv', { from: 's1', m: 1e9 - 1, type: 'x' })])).toHaveLength(1);
    expect(tail([at(last - 1, 's2', 'note', { text: 'late' })])).toHaveLength(1);
    // On connections (seed 1 runs the ping nodes on them): a message after the end was lost, a
    // second lost, a message out of order on one connection.
    const conn = recs.find((r) => r.ev === 'recv' && r['conn'] !== undefined)!;
    expect(conn).toBeDefined();
    const cr = conn as unknown as Readonly<Record<string, unknown>>;
    const [cn, cm, cto, cfrom] = [cr['conn'] as string, cr['m'] as number, conn.node, cr['from'] as string];
    const upTo = recs.slice(0, recs.indexOf(conn) + 1);
    const lost = at(conn.t, cto, 'lost', { conn: cn, reason: 'reset' });
    expect(violations(NODES, upTo)).toEqual([]);
    expect(violations(NODES, [...upTo, lost, at(conn.t, cto, 'recv', { from: cfrom, conn: cn, m: cm + 1, type: 'ping' })])).toHaveLength(1);
    expect(violations(NODES, [...upTo, lost, lost])).toHaveLength(1);
    expect(violations(NODES, [...upTo, at(conn.t, cto, 'recv', { from: cfrom, conn: cn, m: cm, type: 'ping' })])).toHaveLength(1);
  });

  it('hold for 100 seeds with every kind of fault', () => {
    let faultRecords = 0;
    for (let seed = 0; seed < 100; seed++) {
      const recs = run(seed);
      faultRecords += recs.filter((r) => ['fault', 'crash', 'pause', 'clock'].includes(r.ev)).length;
      if (seed % 10 === 0) decodeRecords(recs); // every fault kind's record passes the strict decoder
      const bad = violations(NODES, recs);
      expect(bad.slice(0, 5), `seed ${seed}`).toEqual([]);
    }
    expect(faultRecords).toBeGreaterThan(1000);
  });
});
