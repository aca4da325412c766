import { describe, expect, it } from 'vitest';
import { UnackedProposals } from './unacked.ts';

/** The window must behave exactly like the zxid -> sent-time Map it replaces. */
describe('UnackedProposals', () => {
  it('reports the oldest unacked send time through in-order and out-of-order acks', () => {
    const u = new UnackedProposals();
    expect(u.oldest()).toBe(Infinity);
    u.add(11, 100);
    u.add(12, 200);
    u.add(13, 300);
    u.ack(12); // out of order: the oldest stays
    expect(u.oldest()).toBe(100);
    u.ack(11);
    expect(u.oldest()).toBe(300);
    u.ack(99); // unknown zxid: ignored
    expect(u.oldest()).toBe(300);
    u.ack(13);
    expect(u.oldest()).toBe(Infinity);
  });

  it('matches a Map model over a long random-ish run (compaction included)', () => {
    const u = new UnackedProposals();
    const m = new Map<number, number>();
    let next = 1;
    let x = 7;
    for (let step = 0; step < 20_000; step++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      if (x % 3 !== 0 || m.size === 0) {
        u.add(next, step);
        m.set(next, step);
        next++;
      } else {
        const keys = [...m.keys()];
        // Mostly the front (in-order acks), sometimes another one.
        const k = x % 7 === 0 ? keys[x % keys.length]! : keys[0]!;
        u.ack(k);
        m.delete(k);
      }
      const first = m.values().next();
      expect(u.oldest()).toBe(first.done ? Infinity : first.value);
    }
  });
});
