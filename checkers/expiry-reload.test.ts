/**
 * TimelyExpiry when the close is replayed, not applied: the old leader proposed the session's
 * close, every server logged it, nobody committed it; all went LOOKING and rebuilt their trees from
 * their logs (3.8's loadDataBase replays the whole log), so the next leader's epoch holds the close
 * without an `apply` or `session.expire` record (found by a no-bug swarm run with a deaf leader:
 * `npm run explore -- --runs 300 --swarm --workers 1 --seed 1`, run 128).
 */
import { describe, expect, it } from 'vitest';
import { TraceBuilder, z } from './testing/trace-builder.ts';
import { timelyExpiry } from './ephemerals.ts';

const S = '0x300000001';

function story(opts: { reload: boolean; establish: boolean; truncate?: boolean }) {
  const b = new TraceBuilder().boot('s1', 's2', 's3', 'c1');
  b.ev('s1', 'session.create', { session: S, timeoutMs: 1000 });
  b.ev('c1', 'client.invoke', { session: S, xid: 1, op: 'create', path: '/x' });
  b.host('c1', 'crash', { lost: 0, kept: 0 });
  b.propose('s1', z(1, 7), ['s2', 's3'], 'closeSession', { paths: [] }, S);
  for (const s of ['s1', 's2', 's3']) b.ev(s, 'log.append', { zxid: z(1, 7) });
  if (opts.truncate) b.ev('s2', 'log.truncate', { zxid: z(1, 6) });
  if (opts.reload) for (const s of ['s1', 's2', 's3']) b.ev(s, 'db.load', { zxid: opts.truncate && s === 's2' ? z(1, 6) : z(1, 7), digest: 0 });
  if (opts.establish) b.ev(opts.truncate ? 's2' : 's1', 'leader.established', { epoch: 2, zxid: z(2, 0), quorum: [1, 2, 3] });
  b.at(100_000_000).ev('s1', 'commit', { zxid: z(2, 1) });
  return b.records;
}

describe('TimelyExpiry and a close replayed by the rebuild', () => {
  it('counts the session ended when a leader holding the replayed close establishes', () => {
    expect(timelyExpiry(story({ reload: true, establish: true }), { healedAt: 0 }).violations).toEqual([]);
  });

  it('still flags it when no leader holds the close (no rebuild, no establishment, or truncated away)', () => {
    expect(timelyExpiry(story({ reload: false, establish: true }), { healedAt: 0 }).ok).toBe(false);
    expect(timelyExpiry(story({ reload: true, establish: false }), { healedAt: 0 }).ok).toBe(false);
    expect(timelyExpiry(story({ reload: true, establish: true, truncate: true }), { healedAt: 0 }).ok).toBe(false);
  });
});
