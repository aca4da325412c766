/**
 * DigestConsistency on real simulated ensembles: a healthy run passes; a run where one server's
 * state machine corrupts one node (a planted defect no other checker sees: every server applies the
 * same txns in the same order) is caught at that server's apply.
 */
import { describe, expect, it } from 'vitest';
import { Ensemble } from '../ensemble/ensemble.ts';
import { connectAll, createMany } from '../ensemble/testing/workload.ts';
import { dataBackend, TreeState } from '../protocol/server/dataBackend.ts';
import type { BackendFactory } from '../protocol/server/backend.ts';
import type { StateMachine } from '../protocol/server/database.ts';
import type { Txn } from '../protocol/request/txn.ts';
import type { TxnEntry } from '../protocol/zab/messages.ts';
import { CHECKERS } from './index.ts';

/** A tree that stores different data for `/bad-1` than it was given. */
class CorruptTree extends TreeState {
  override applyTxn(entry: TxnEntry) {
    const txn = entry.txn as Txn;
    if (txn.body.type === 'create2' || txn.body.type === 'create') {
      if (txn.body.path === '/bad-1') return super.applyTxn({ zxid: entry.zxid, txn: { hdr: txn.hdr, body: { ...txn.body, data: 'Y29ycnVwdA==' } } });
    }
    return super.applyTxn(entry);
  }
}

/** The first server process created (s1 at boot) gets the corrupting tree. */
function corruptFirst(): BackendFactory {
  let made = 0;
  return () => {
    const b = dataBackend()();
    if (made++ !== 0) return b;
    return { ...bind(b), stateMachine: (image: unknown | null): StateMachine => new CorruptTree(image as never) };
  };
}

/** The backend's methods bound to it, so a spread copy keeps working. */
function bind<T extends object>(b: T): T {
  const out: Record<string, unknown> = {};
  for (const k of [...Object.keys(b), ...Object.getOwnPropertyNames(Object.getPrototypeOf(b))]) {
    const v = (b as Record<string, unknown>)[k];
    out[k] = typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(b) : v;
  }
  return out as T;
}

function run(backend?: BackendFactory): Ensemble {
  const c = Ensemble.simulate({ servers: 3, clients: 1, seed: 5, ...(backend === undefined ? {} : { backend }) });
  expect(c.runUntil(() => c.settled(), 5_000)).toBe(true);
  connectAll(c);
  expect(createMany(c, 'c1', 'bad', 3)).toBe(3);
  c.runFor(1_000);
  return c;
}

describe('DigestConsistency', () => {
  it('passes a healthy run, where every apply carries a digest', () => {
    const c = run();
    const applies = c.events('apply');
    expect(applies.length).toBeGreaterThan(6);
    expect(CHECKERS['DigestConsistency']!(c.sim.trace.records)).toMatchObject({ ok: true });
  });

  it('catches one server holding a corrupted node, at the first apply that shows it', () => {
    const c = run(corruptFirst());
    const r = CHECKERS['DigestConsistency']!(c.sim.trace.records);
    expect(r.ok).toBe(false);
    const v = r.violations[0]!;
    expect(v.message).toMatch(/s1 and s\d hold different trees|s\d and s1 hold different trees/);
    const [at, witness] = v.records.map((i) => c.sim.trace.records[i]!);
    expect(at?.ev === 'trace' && at.event === 'apply' && witness?.ev === 'trace' && witness.event === 'apply').toBe(true);
    // Every other checker reads txn types and zxids only: this defect is the digest's to find.
    for (const name of ['Agreement', 'PrefixConsistency', 'TotalOrder']) expect(CHECKERS[name]!(c.sim.trace.records).ok, name).toBe(true);
  });
});
