/** Whole ZooKeeper histories in the JSONL format, through the parser and the checker. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ZkHistoryWriter } from '../../zk-history-writer.ts';
import { findModel } from '../../registry.ts';
import type { CheckOptions, CheckResult } from '../../types.ts';

const zk = findModel('zookeeper')!;
type R = Record<string, unknown>;
/** invoke(id, time, process, op fields) / ret(id, time, result fields) */
const inv = (id: number, time: number, process: string, op: R): R => ({ type: 'invoke', id, time, process, ...op });
const ret = (id: number, time: number, result: R): R => ({ type: 'return', id, time, ...result });
const check = (records: R[], options?: CheckOptions): CheckResult =>
  zk.check(records.map((r) => JSON.stringify(r)).join('\n'), 'test.jsonl', options);

const ok = { rc: 'OK' };

describe('zookeeper histories', () => {
  it('accepts racing sequential creates whose suffixes follow some order', () => {
    const r = check([
      inv(1, 0, 'c1', { op: 'create', path: '/locks' }),
      ret(1, 5, { ...ok, path_returned: '/locks' }),
      inv(2, 10, 'c1', { op: 'create', path: '/locks/l-', mode: 'ephemeral_sequential' }),
      inv(3, 11, 'c2', { op: 'create', path: '/locks/l-', mode: 'ephemeral_sequential' }),
      inv(4, 12, 'c3', { op: 'create', path: '/locks/l-', mode: 'ephemeral_sequential' }),
      ret(3, 20, { ...ok, path_returned: '/locks/l-0000000000' }),
      ret(2, 21, { ...ok, path_returned: '/locks/l-0000000002' }),
      ret(4, 22, { ...ok, path_returned: '/locks/l-0000000001' }),
      inv(5, 30, 'c2', { op: 'get', path: '/locks/l-0000000002' }),
      ret(5, 31, { rc: 'NONODE' }), // a stale read: reads are not checked here
    ]);
    expect(r.verdict).toBe('linearizable');
    expect(r.ops).toBe(4);
  });

  it('catches two sequential creates given the same name, and names the second', () => {
    const r = check([
      inv(1, 0, 'c1', { op: 'create', path: '/q-', sequential: true }),
      ret(1, 5, { ...ok, path_returned: '/q-0000000000' }),
      inv(2, 10, 'c2', { op: 'create', path: '/q-', sequential: true }),
      ret(2, 15, { ...ok, path_returned: '/q-0000000000' }),
    ]);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.label).toBe('2');
    expect(r.explanation!.blocking.op).toContain('/q-0000000000');
  });

  it('catches two winners of a leader election (both created /master)', () => {
    const r = check([
      inv(1, 0, 'm1', { op: 'create', path: '/master', ephemeral: true }),
      inv(2, 1, 'm2', { op: 'create', path: '/master', ephemeral: true }),
      ret(1, 5, { ...ok, path_returned: '/master' }),
      ret(2, 6, { ...ok, path_returned: '/master' }),
      inv(3, 7, 'c', { op: 'set', path: '/other', version: -1 }),
      ret(3, 8, { rc: 'NONODE' }),
    ]);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.part).toBe('/master');
    expect(['1', '2']).toContain(r.explanation!.blocking.label);
    expect(r.explanation!.linearized).toHaveLength(1);
  });

  it('lets a new master in after the old session closes, not before', () => {
    const base = [
      inv(1, 0, 'm1', { op: 'create', path: '/master', ephemeral: true }),
      ret(1, 5, { ...ok, path_returned: '/master' }),
      inv(2, 10, 'm1', { op: 'close' }),
      ret(2, 15, ok),
      inv(3, 20, 'm2', { op: 'create', path: '/master', ephemeral: true }),
      ret(3, 25, { ...ok, path_returned: '/master' }),
    ];
    expect(check(base).verdict).toBe('linearizable');
    const noClose = base.filter((r) => r['id'] !== 2);
    const r = check(noClose);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.label).toBe('3');
  });

  it('catches a conditional set that succeeded on a version another set had already moved', () => {
    const r = check([
      inv(1, 0, 'c1', { op: 'create', path: '/n', data: '0' }),
      ret(1, 1, { ...ok, path_returned: '/n' }),
      inv(2, 2, 'c1', { op: 'set', path: '/n', data: '1', version: 0 }),
      ret(2, 3, { ...ok, stat: { version: 1 } }),
      inv(3, 4, 'c2', { op: 'set', path: '/n', data: '2', version: 0 }),
      ret(3, 5, { ...ok, stat: { version: 1 } }),
    ]);
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.label).toBe('3');
    expect(r.explanation!.stateBefore).toContain('/n v1');
  });

  it('checks multi results in the conformance recording shape', () => {
    const r = check([
      inv(1, 0, 'c1', { op: 'create', path: '/counter' }),
      ret(1, 1, { ...ok, path_returned: '/counter' }),
      inv(2, 2, 'c1', { op: 'multi', ops: [{ op: 'check', path: '/counter', version: 1 }, { op: 'set', path: '/counter', data: '3' }] }),
      ret(2, 3, { rc: 'OK', multi_failed: true, results: [{ type: 'error', err: 'BADVERSION' }, { type: 'error', err: 'RUNTIMEINCONSISTENCY' }] }),
      inv(3, 4, 'c1', { op: 'multi', ops: [{ op: 'check', path: '/counter', version: 0 }, { op: 'set', path: '/counter', data: '3' }] }),
      ret(3, 5, { rc: 'OK', results: [{ type: 'check' }, { type: 'set', stat: { version: 1 } }] }),
    ]);
    expect(r.verdict).toBe('linearizable');
    const wrong = check([
      inv(1, 0, 'c1', { op: 'create', path: '/counter' }),
      ret(1, 1, { ...ok, path_returned: '/counter' }),
      inv(2, 2, 'c1', { op: 'multi', ops: [{ op: 'check', path: '/counter', version: 0 }, { op: 'create', path: '/x' }] }),
      ret(2, 3, { rc: 'OK', results: [{ type: 'check' }, { type: 'create', path: '/x' }] }),
      inv(3, 4, 'c2', { op: 'create', path: '/x' }),
      ret(3, 5, { ...ok, path_returned: '/x' }), // /x already exists since the multi
    ]);
    expect(wrong.verdict).toBe('not linearizable');
    expect(wrong.explanation!.blocking.label).toBe('3');
  });

  it('takes an op with an unknown outcome as applied at some later point, or never', () => {
    const lost = [
      inv(1, 0, 'c1', { op: 'create', path: '/a' }),
      ret(1, 5, { rc: 'CONNECTIONLOSS' }),
      inv(2, 10, 'c2', { op: 'create', path: '/a' }),
    ];
    // It took effect: the later create finds /a.
    expect(check([...lost, ret(2, 15, { rc: 'NODEEXISTS' })]).verdict).toBe('linearizable');
    // It never took effect: the later create makes /a.
    expect(check([...lost, ret(2, 15, { ...ok, path_returned: '/a' })]).verdict).toBe('linearizable');
    // No return record at all behaves the same.
    expect(check([lost[0]!, ...lost.slice(2), ret(2, 15, { rc: 'NODEEXISTS' })]).verdict).toBe('linearizable');
    // But it cannot take effect before it was invoked.
    const early = check([
      inv(2, 0, 'c2', { op: 'delete', path: '/a' }),
      ret(2, 1, ok),
      inv(1, 10, 'c1', { op: 'create', path: '/a' }),
    ]);
    expect(early.verdict).toBe('not linearizable');
    expect(early.explanation!.blocking.label).toBe('2');
  });

  it('answers unknown when the budget runs out', () => {
    const recs: R[] = [];
    // Many concurrent writes on one node, then a set answering an impossible version. The writes
    // all bump the version but differ (i trailing checks): identical ones would be tried in call
    // order only (search.ts, alike ops) and decided at once.
    for (let i = 0; i < 25; i++) {
      const checks = Array.from({ length: i }, () => ({ op: 'check', path: '/zookeeper', version: -1 }));
      recs.push(inv(i, 0, `c${i}`, { op: 'multi', ops: [{ op: 'set', path: '/zookeeper', version: -1 }, ...checks] }));
    }
    recs.push(inv(99, 0, 'x', { op: 'set', path: '/zookeeper', version: -1 }));
    for (let i = 0; i < 25; i++) recs.push(ret(i, 10, { ...ok }));
    recs.push(ret(99, 10, { ...ok, stat: { version: 1000 } }));
    const r = check(recs, { maxSteps: 5000 });
    expect(r.verdict).toBe('unknown');
    const m = check(recs, { maxCacheBytes: 256 * 1024 });
    expect(m.verdict).toBe('unknown');
    expect(m.reason).toMatch(/memory budget/);
  });

  it('starts from an init tree when the history gives one', () => {
    const recs = [
      { type: 'init', nodes: [{ path: '/app', version: 3 }, { path: '/app/eph', ephemeralOwner: 'old' }] },
      inv(1, 0, 'c1', { op: 'set', path: '/app', version: 3 }),
      ret(1, 1, { ...ok, stat: { version: 4 } }),
      inv(2, 2, 'c1', { op: 'close', session: 'old' }),
      ret(2, 3, ok),
      inv(3, 4, 'c1', { op: 'delete', path: '/app', version: 4 }),
      ret(3, 5, ok),
    ];
    expect(check(recs).verdict).toBe('linearizable');
  });
});

describe('zookeeper example histories (written with ZkHistoryWriter)', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../examples');
  it('zk-lock-ok.jsonl is linearizable', () => {
    expect(zk.check(readFileSync(join(dir, 'zk-lock-ok.jsonl'), 'utf8'), 'ok').verdict).toBe('linearizable');
  });
  it('zk-lock-orphan.jsonl is not: a delete finds the expired session\'s node', () => {
    const r = zk.check(readFileSync(join(dir, 'zk-lock-orphan.jsonl'), 'utf8'), 'orphan');
    expect(r.verdict).toBe('not linearizable');
    expect(r.explanation!.blocking.op).toBe('delete /locks/lock-0000000000 by s3 -> OK');
  });
  it('the writer refuses a late init', () => {
    const w = new ZkHistoryWriter();
    w.invoke(0, 'c', 's', { op: 'close' });
    expect(() => w.init([])).toThrow(/first/);
  });
});
