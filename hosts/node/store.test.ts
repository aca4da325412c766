/**
 * The Node host's files: what is durable after a crash (only what an fsync covered), a torn last
 * record dropped at load, truncate, meta and snapshot files, completions in issue order, an I/O
 * error reported as a status.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './framing.ts';
import { FileStore } from './store.ts';

const dirs: string[] = [];
function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'zabsim-store-'));
  dirs.push(d);
  return join(d, 's1');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('FileStore', () => {
  it('keeps fsynced records across a crash and loses the rest', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    expect(a.load().durable).toEqual({ log: [], snapshots: [], meta: {} });
    a.append([{ zxid: 1 }, { zxid: 2 }]);
    expect(await a.issue({ op: 'fsync' })).toEqual({ ok: true });
    a.append([{ zxid: 3 }]);
    expect(a.dropBuffered()).toBe(1);
    await a.crash();
    const b = new FileStore(dir);
    expect(b.load().durable.log).toEqual([{ zxid: 1 }, { zxid: 2 }]);
    b.append([{ zxid: 3 }]);
    await b.issue({ op: 'fsync' });
    await b.close();
    expect(new FileStore(dir).load().durable.log).toEqual([{ zxid: 1 }, { zxid: 2 }, { zxid: 3 }]);
  });

  it('a crash during an fsync loses exactly the records whose fsync had not completed', async () => {
    const waits: (() => Promise<unknown>)[] = [
      async () => undefined,
      () => Promise.resolve(),
      () => new Promise((r) => setImmediate(r)),
      () => new Promise((r) => setTimeout(r, 1)),
    ];
    for (const wait of waits) {
      const dir = fresh();
      const a = new FileStore(dir);
      a.load();
      a.append([{ zxid: 1 }]);
      await a.issue({ op: 'fsync' });
      a.append([{ zxid: 2 }, { zxid: 3 }]);
      let completed = false;
      void a.issue({ op: 'fsync' }).then(() => (completed = true));
      await wait();
      const done = completed;
      const lost = a.dropBuffered();
      await a.crash();
      const log = new FileStore(dir).load().durable.log;
      expect(log).toEqual(done ? [{ zxid: 1 }, { zxid: 2 }, { zxid: 3 }] : [{ zxid: 1 }]);
      expect(lost).toBe(done ? 0 : 2);
    }
  });

  it('a graceful close writes out what was appended but not fsynced', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.append([1, 2]);
    await a.issue({ op: 'fsync' });
    a.append([3]);
    expect(a.unsynced).toBe(1);
    await a.close();
    expect(new FileStore(dir).load().durable.log).toEqual([1, 2, 3]);
  });

  it('drops a torn or corrupt last record at load and cuts it from the file', async () => {
    for (const tail of [encodeFrame({ zxid: 9 }).subarray(0, 11), Buffer.from([0, 0, 0, 4, 1, 2, 3, 4, 0x7b, 0x7d, 0x20, 0x20])]) {
      const dir = fresh();
      const a = new FileStore(dir);
      a.load();
      a.append([{ zxid: 1 }, { zxid: 2 }]);
      await a.issue({ op: 'fsync' });
      await a.close();
      const size = statSync(join(dir, 'log')).size;
      appendFileSync(join(dir, 'log'), tail);
      const b = new FileStore(dir);
      const loaded = b.load();
      expect(loaded.durable.log).toEqual([{ zxid: 1 }, { zxid: 2 }]);
      expect(loaded.tornBytes).toBe(tail.length);
      expect(loaded.torn).toBeDefined();
      expect(statSync(join(dir, 'log')).size).toBe(size);
      b.append([{ zxid: 3 }]);
      await b.issue({ op: 'fsync' });
      await b.close();
      expect(new FileStore(dir).load().durable.log).toEqual([{ zxid: 1 }, { zxid: 2 }, { zxid: 3 }]);
    }
  });

  it('truncates the file and the buffer; meta and snapshots are replaced atomically and listed in order', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.append([1, 2, 3]);
    await a.issue({ op: 'fsync' });
    a.append([4, 5]);
    await a.issue({ op: 'truncate', length: 4 });
    await a.issue({ op: 'fsync' });
    await a.issue({ op: 'truncate', length: 2 });
    a.append([6]);
    await a.issue({ op: 'fsync' });
    await a.issue({ op: 'writeMeta', key: 'acceptedEpoch', value: 3 });
    await a.issue({ op: 'writeMeta', key: 'acceptedEpoch', value: 4 });
    await a.issue({ op: 'snapshot', snapshot: { zxid: 1 } });
    await a.issue({ op: 'snapshot', snapshot: { zxid: 2 } });
    await a.close();
    writeFileSync(join(dir, 'meta.currentEpoch.tmp'), '{"half');
    const b = new FileStore(dir).load().durable;
    expect(b).toEqual({ log: [1, 2, 6], snapshots: [{ zxid: 1 }, { zxid: 2 }], meta: { acceptedEpoch: 4 } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('completes ops in issue order, appends included', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    const done: string[] = [];
    const ops = [
      a.issue({ op: 'snapshot', snapshot: { big: 'x'.repeat(200_000) } }).then(() => done.push('snapshot')),
      a.issue({ op: 'writeMeta', key: 'k', value: 1 }).then(() => done.push('meta')),
    ];
    a.append(['r']);
    ops.push(a.issue({ op: 'fsync' }).then(() => done.push('fsync')));
    await Promise.all(ops);
    expect(done).toEqual(['snapshot', 'meta', 'fsync']);
    await a.close();
    expect(new FileStore(dir).load().durable.log).toEqual(['r']);
  });

  it('reports an I/O error as a status naming the op', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    rmSync(dir, { recursive: true });
    const st = await a.issue({ op: 'writeMeta', key: 'acceptedEpoch', value: 1 });
    expect(st.ok).toBe(false);
    expect(st.ok ? '' : st.error).toBe('ENOENT');
    expect(st.ok ? '' : st.detail).toMatch(/^writeMeta failed: ENOENT/);
    await a.close();
  });
});

describe('FileStore: purge and injected errors', () => {
  it('purge deletes the log front and the oldest snapshots, crash-safe by rename; what is left reloads', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.append([{ zxid: 1 }, { zxid: 2 }, { zxid: 3 }]);
    await a.issue({ op: 'fsync' });
    for (const n of [1, 2, 3]) await a.issue({ op: 'snapshot', snapshot: { zxid: n } });
    expect(await a.issue({ op: 'purge', snapshots: 2, log: 2 })).toEqual({ ok: true });
    a.append([{ zxid: 4 }]);
    await a.issue({ op: 'fsync' });
    await a.issue({ op: 'truncate', length: 1 }); // relative to what is left: keeps {zxid: 3}
    await a.close();
    expect(readdirSync(dir).sort()).toEqual(['log', 'snap.3']);
    expect(new FileStore(dir).load().durable).toEqual({ log: [{ zxid: 3 }], snapshots: [{ zxid: 3 }], meta: {} });
  });

  it('purge never deletes records not yet confirmed by an fsync', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.append([{ zxid: 1 }]);
    await a.issue({ op: 'fsync' });
    a.append([{ zxid: 2 }]);
    await a.issue({ op: 'purge', snapshots: 0, log: 2 });
    await a.issue({ op: 'fsync' });
    await a.close();
    expect(new FileStore(dir).load().durable.log).toEqual([{ zxid: 2 }]);
  });

  it('an injected fsync error: EIO status, the records stay unconfirmed, and a truncate to what was durable cuts them', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.append([{ zxid: 1 }]);
    await a.issue({ op: 'fsync' });
    a.failNext('fsync');
    a.append([{ zxid: 2 }, { zxid: 3 }]);
    const st = await a.issue({ op: 'fsync' });
    expect(st).toMatchObject({ ok: false, error: 'EIO' });
    expect(a.unsynced).toBe(2);
    expect(await a.issue({ op: 'truncate', length: 1 })).toEqual({ ok: true });
    a.append([{ zxid: 4 }]);
    expect(await a.issue({ op: 'fsync' })).toEqual({ ok: true });
    await a.close();
    expect(new FileStore(dir).load().durable.log).toEqual([{ zxid: 1 }, { zxid: 4 }]);
  });

  it('an injected snapshot or writeMeta error leaves no file behind', async () => {
    const dir = fresh();
    const a = new FileStore(dir);
    a.load();
    a.failNext('snapshot', 'ENOSPC');
    a.failNext('writeMeta');
    expect(await a.issue({ op: 'snapshot', snapshot: { zxid: 1 } })).toMatchObject({ ok: false, error: 'ENOSPC' });
    expect(await a.issue({ op: 'writeMeta', key: 'k', value: 1 })).toMatchObject({ ok: false, error: 'EIO' });
    expect(await a.issue({ op: 'writeMeta', key: 'k', value: 2 })).toEqual({ ok: true });
    await a.close();
    expect(new FileStore(dir).load().durable).toEqual({ log: [], snapshots: [], meta: { k: 2 } });
  });
});
