/**
 * The kernel's TCP model (contract.ts `ConnId`, sim/connections.ts) on puppet nodes: refused,
 * accepted, messages then FIN in order, reset on a crash, reset on a segment that reaches no open
 * end, broken on a drop, nothing across a cut, run-unique ids.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, Input, Message } from '../protocol/contract.ts';
import { puppets } from './puppet.ts';
import { Simulation } from './simulation.ts';
import { toJsonl } from './trace.ts';
import { traceDigest } from './trace-digest.ts';
import { parseJsonl } from '../trace/decode.ts';

function setup(seed: number | string = 1, link = {}) {
  const p = puppets();
  const sim = new Simulation({ seed, nodes: ['a', 'b', 'c'], factory: p.factory, link });
  sim.run(); // boot
  const act = (node: string, ...effects: Effect[]) => {
    sim.request(node, { effects });
    sim.runFor(0);
  };
  /** The connection inputs (and messages) a node got, as short strings, in order. */
  const heard = (node: string): string[] =>
    p.of(node)
      .map((s) => s.input)
      .filter((i) => i.kind !== 'start' && i.kind !== 'request')
      .map(show);
  return { sim, p, act, heard };
}

function show(i: Input): string {
  switch (i.kind) {
    case 'accepted':
      return `accepted ${i.conn} from ${i.from}:${i.port}`;
    case 'connected':
      return `connected ${i.conn}`;
    case 'closed':
      return `closed ${i.conn}`;
    case 'lost':
      return `lost ${i.conn} ${i.reason}`;
    case 'message':
      return `message ${i.conn ?? '-'} ${String(i.msg['n'])}`;
    default:
      return i.kind;
  }
}

const listen = (port: 'election' | 'quorum' | 'client' = 'quorum'): Effect => ({ kind: 'listen', port });
const connect = (conn: string, to: string, port: 'election' | 'quorum' | 'client' = 'quorum'): Effect => ({ kind: 'connect', conn, to, port });
const send = (conn: string, n: number): Effect => ({ kind: 'send', conn, msg: { type: 'x', n } as Message });
const close = (conn: string): Effect => ({ kind: 'close', conn });

describe('connections', () => {
  it('a connect to a port nobody listens on is refused, and what was sent behind it is dropped', () => {
    const { sim, act, heard } = setup();
    act('a', connect('a>b#1', 'b'), send('a>b#1', 1));
    sim.run();
    expect(heard('a')).toEqual(['lost a>b#1 refused']);
    expect(heard('b')).toEqual([]);
  });

  it('a connect to a node that does not exist (yet) is refused', () => {
    const { sim, act, heard } = setup();
    act('a', connect('a>z#1', 'z'), send('a>z#1', 1));
    sim.run();
    expect(heard('a')).toEqual(['lost a>z#1 refused']);
    expect(sim.trace.records.find((r) => r.ev === 'drop')).toMatchObject({ node: 'z', from: 'a', conn: 'a>z#1', reason: 'unknown' });
  });

  it('a connect to a crashed node is refused', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    sim.crash('b');
    act('a', connect('a>b#1', 'b'));
    sim.run();
    expect(heard('a')).toEqual(['lost a>b#1 refused']);
  });

  it('accepted, then connected; messages sent before `connected` ride behind the connect, in order', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'), send('a>b#1', 1), send('a>b#1', 2));
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'message a>b#1 1', 'message a>b#1 2']);
    expect(heard('a')).toEqual(['connected a>b#1']);
    act('b', send('a>b#1', 3));
    sim.run();
    expect(heard('a')).toEqual(['connected a>b#1', 'message a>b#1 3']);
  });

  it('closed comes after every message sent before the close; nothing arrives after it', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'), send('a>b#1', 1), send('a>b#1', 2), close('a>b#1'), send('a>b#1', 3));
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'message a>b#1 1', 'message a>b#1 2', 'closed a>b#1']);
    // b sends on its end after it was told closed: dropped by the host.
    act('b', send('a>b#1', 4));
    sim.run();
    expect(heard('a')).toEqual([]); // a closed its end before the SYN-ACK came back
  });

  it('unlisten refuses new connections and leaves established ones alone', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    sim.run();
    act('b', { kind: 'unlisten', port: 'quorum' });
    act('a', connect('a>b#2', 'b'), send('a>b#1', 1));
    sim.run();
    expect(heard('a')).toEqual(['connected a>b#1', 'lost a>b#2 refused']);
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'message a>b#1 1']);
  });

  it('a crash resets every connection of the process: each peer end hears it after what was already sent', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('c', listen());
    act('a', connect('a>b#1', 'b'), connect('a>c#1', 'c'));
    sim.run();
    act('a', send('a>b#1', 1), send('a>c#1', 2));
    sim.crash('a');
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'message a>b#1 1', 'lost a>b#1 reset']);
    expect(heard('c')).toEqual(['accepted a>c#1 from a:quorum', 'message a>c#1 2', 'lost a>c#1 reset']);
    // The listener is gone with the process: a restarted process listens anew.
    sim.restart('a');
    sim.run();
    act('b', connect('b>a#1', 'a'));
    sim.run();
    expect(heard('b').at(-1)).toBe('lost b>a#1 refused');
  });

  it('a crash reset is not delivered across a cut link', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    sim.run();
    sim.partition([['a'], ['b', 'c']]);
    sim.crash('a');
    sim.run();
    sim.heal();
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum']);
    // b's next message reaches a's machine, where no end is open: answered with a reset.
    sim.restart('a');
    sim.run();
    act('b', send('a>b#1', 1));
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'lost a>b#1 reset']);
    expect(heard('a')).toEqual(['connected a>b#1']); // (the first process)
    expect(sim.trace.records.some((r) => r.ev === 'drop' && r['reason'] === 'stale' && r['conn'] === 'a>b#1')).toBe(true);
  });

  it('a message to an end its node closed is answered with a reset', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    sim.run();
    act('b', close('a>b#1'));
    act('a', send('a>b#1', 1)); // crosses b's FIN
    sim.run();
    expect(heard('a')).toEqual(['connected a>b#1', 'closed a>b#1']);
    const { sim: sim2, act: act2, heard: heard2 } = setup();
    act2('b', listen());
    act2('a', connect('a>b#1', 'b'));
    sim2.run();
    act2('b', close('a>b#1'));
    sim2.runFor(0);
    sim2.partition([['b'], ['a', 'c']]); // the FIN is lost
    sim2.run();
    sim2.heal();
    act2('a', send('a>b#1', 1));
    sim2.run();
    expect(heard2('a')).toEqual(['connected a>b#1', 'lost a>b#1 reset']);
  });

  it('a dropped message breaks the connection: the next one that gets through is `lost {broken}`, the sender is reset', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    sim.run();
    act('a', send('a>b#1', 1));
    sim.cut('a', 'b');
    act('a', send('a>b#1', 2));
    sim.run();
    sim.uncut('a', 'b');
    act('a', send('a>b#1', 3), send('a>b#1', 4));
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'lost a>b#1 broken']);
    expect(heard('a')).toEqual(['connected a>b#1', 'lost a>b#1 reset']);
    const reasons = sim.trace.records.filter((r) => r.ev === 'drop').map((r) => r['reason']);
    expect(reasons).toEqual(['cut', 'cut', 'broken', 'closed']);
  });

  it('random loss breaks connections; connections are never duplicated or reordered', () => {
    const { sim, act, heard } = setup(3, { loss: 0.3, dup: 0.5, reorder: true });
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    for (let n = 1; n <= 20; n++) act('a', send('a>b#1', n));
    sim.run();
    const got = heard('b').filter((s) => s.startsWith('message')).map((s) => Number(s.split(' ')[2]));
    // A prefix of 1..20 (FIFO, no duplicates), cut short by the first loss.
    expect(got).toEqual(got.map((_, i) => i + 1));
    expect(got.length).toBeLessThan(20);
    expect(heard('b').at(-1)).toBe('lost a>b#1 broken');
  });

  it('a paused node gets its connection inputs at resume, in arrival order', () => {
    const { sim, act, heard } = setup();
    act('b', listen());
    sim.pause('b');
    act('a', connect('a>b#1', 'b'), send('a>b#1', 1), close('a>b#1'));
    sim.run();
    expect(heard('b')).toEqual([]);
    sim.resume('b');
    sim.run();
    expect(heard('b')).toEqual(['accepted a>b#1 from a:quorum', 'message a>b#1 1', 'closed a>b#1']);
    expect(heard('a')).toEqual([]); // a closed its end before the SYN-ACK came back
  });

  it('connection ids are unique for the whole run', () => {
    const { sim, act } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'));
    sim.run();
    sim.crash('a');
    sim.restart('a');
    expect(() => {
      act('a', connect('a>b#1', 'b'));
    }).toThrow(/reuses connection id a>b#1/);
  });

  it('the trace carries the connection: records decode strictly and the file gives the live digest', () => {
    const { sim, act } = setup();
    act('b', listen());
    act('a', connect('a>b#1', 'b'), send('a>b#1', 1));
    sim.run();
    act('b', send('a>b#1', 2), close('a>b#1'));
    sim.crash('a');
    sim.run();
    const recs = sim.trace.records;
    const kinds = recs.map((r) => r.ev).filter((e) => !['header', 'boot', 'request'].includes(e));
    expect(kinds).toEqual(['listen', 'connect', 'send', 'accept', 'recv', 'connected', 'send', 'close', 'crash', 'drop']);
    expect(recs.find((r) => r.ev === 'send')).toMatchObject({ to: 'b', conn: 'a>b#1', type: 'x' });
    const text = toJsonl(recs);
    const decoded = parseJsonl(text);
    expect(traceDigest(decoded)).toBe(sim.trace.sha256());
  });
});
