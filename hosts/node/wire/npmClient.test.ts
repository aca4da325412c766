/**
 * An unmodified client from npm, `node-zookeeper-client`, against the served model: it connects,
 * writes, reads, watches, runs a transaction, and after its TCP connection breaks it reconnects to
 * the same session (password check) and re-registers its watches (SetWatches), which still fire.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSingleServer, type StartedServer } from './testing/singleServer.ts';

// The package ships no types: the few calls used here, typed loosely.
interface NzkClient {
  connect(): void;
  close(): void;
  once(ev: string, fn: (...a: unknown[]) => void): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
  getSessionId(): Buffer;
  create(path: string, data: Buffer | null, mode: number, cb: (e: Error | null, p: string) => void): void;
  getData(path: string, watcher: ((ev: { name: string; path: string }) => void) | null, cb: (e: Error | null, d: Buffer, st: unknown) => void): void;
  setData(path: string, data: Buffer, version: number, cb: (e: Error | null, st: unknown) => void): void;
  getChildren(path: string, watcher: ((ev: { name: string; path: string }) => void) | null, cb: (e: Error | null, c: string[]) => void): void;
  exists(path: string, cb: (e: Error | null, st: unknown) => void): void;
  remove(path: string, version: number, cb: (e: Error | null) => void): void;
  transaction(): { create(p: string, d?: Buffer): unknown; setData(p: string, d: Buffer): unknown; remove(p: string): unknown; commit(cb: (e: Error | null, r: { type: number; err: number }[]) => void): void };
  connectionManager: { socket: { destroy(): void } };
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as {
  createClient(cs: string, o?: object): NzkClient;
  CreateMode: Record<string, number>;
};

const call = <T>(f: (cb: (e: Error | null, v: T) => void) => void): Promise<T> =>
  new Promise((res, rej) => f((e, v) => (e ? rej(e) : res(v))));

let s: StartedServer;
beforeAll(async () => {
  s = await startSingleServer();
});
afterAll(async () => {
  await s?.stop();
});

function connect(): Promise<NzkClient> {
  const c = nzk.createClient(s.address, { sessionTimeout: 10_000, retries: 3 });
  return new Promise((res) => {
    c.once('connected', () => res(c));
    c.connect();
  });
}

describe('node-zookeeper-client against the served model', () => {
  it('connects, writes, reads, watches, runs a transaction', async () => {
    const c = await connect();
    try {
      expect(await call<string>((cb) => c.create('/app', Buffer.from('v0'), nzk.CreateMode['PERSISTENT']!, cb))).toBe('/app');
      const seq = await call<string>((cb) => c.create('/app/job-', null, nzk.CreateMode['PERSISTENT_SEQUENTIAL']!, cb));
      expect(seq).toBe('/app/job-0000000000');
      const fired = new Promise<{ name: string; path: string }>((res) => c.getData('/app', res, () => {}));
      await call((cb) => c.setData('/app', Buffer.from('v1'), -1, cb));
      expect(await fired).toMatchObject({ name: 'NODE_DATA_CHANGED', path: '/app' });
      const data = await new Promise<Buffer>((res, rej) => c.getData('/app', null, (e, d) => (e ? rej(e) : res(d))));
      expect(data.toString()).toBe('v1');
      expect(await call<string[]>((cb) => c.getChildren('/app', null, cb))).toEqual(['job-0000000000']);
      const t = c.transaction();
      t.create('/app/a', Buffer.from('x'));
      t.setData('/app', Buffer.from('v2'));
      t.remove(seq);
      const results = await call<{ type: number; err: number }[]>((cb) => t.commit(cb));
      expect(results.map((r) => r.type)).toEqual([1, 5, 2]);
      expect(await call<string[]>((cb) => c.getChildren('/app', null, cb))).toEqual(['a']);
      await expect(call((cb) => c.remove('/app', 5, (e) => cb(e, undefined)))).rejects.toThrow(/NOT_EMPTY|BAD_VERSION/);
    } finally {
      c.close();
    }
  });

  it('after a broken connection: the same session, and the watch set before the break still fires', async () => {
    const c = await connect();
    const other = await connect();
    try {
      await call((cb) => c.create('/w', null, nzk.CreateMode['PERSISTENT']!, cb));
      const sid = c.getSessionId().toString('hex');
      const fired = new Promise<{ name: string; path: string }>((res) => c.getChildren('/w', res, () => {}));
      await new Promise((r) => setTimeout(r, 50));
      const back = new Promise<void>((res) => c.once('connected', () => res()));
      c.connectionManager.socket.destroy();
      await back;
      expect(c.getSessionId().toString('hex')).toBe(sid);
      await call((cb) => other.create('/w/kid', null, nzk.CreateMode['PERSISTENT']!, cb));
      expect(await fired).toMatchObject({ name: 'NODE_CHILDREN_CHANGED', path: '/w' });
    } finally {
      c.close();
      other.close();
    }
  });

  it("an ephemeral node goes with its client's session", async () => {
    const c = await connect();
    const other = await connect();
    try {
      await call((cb) => c.create('/eph', null, nzk.CreateMode['EPHEMERAL']!, cb));
      const gone = new Promise<{ name: string }>((res) => other.getData('/eph', res, () => {}));
      await new Promise((r) => setTimeout(r, 50));
      c.close();
      expect(await gone).toMatchObject({ name: 'NODE_DELETED' });
      await expect(call((cb) => other.exists('/eph', cb))).resolves.toBeNull();
    } finally {
      other.close();
    }
  });
});
