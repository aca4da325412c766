/**
 * The README's embedded-cluster example, with an unmodified npm ZooKeeper client
 * (`node-zookeeper-client`) through the client wire protocol (`wire/gateway.ts`): a write survives
 * the loss of the leader.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './cluster.ts';

/** The part of node-zookeeper-client's API used here (the package ships no types). */
interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected', cb: () => void): void;
  create(path: string, data: Buffer, cb: (e: Error | null) => void): void;
  getData(path: string, cb: (e: Error | null, data?: Buffer) => void): void;
}
interface Nzk {
  createClient(connect: string, opts: { sessionTimeout: number }): NzkClient;
}

describe('an npm ZooKeeper client against the embedded cluster', () => {
  let zk: Cluster;
  beforeAll(async () => {
    zk = await startCluster({ servers: 3 });
  });
  afterAll(() => zk.close());

  it('survives the loss of the leader', async () => {
    const zookeeper = createRequire(import.meta.url)('node-zookeeper-client') as Nzk;
    const client = zookeeper.createClient(zk.connectString, { sessionTimeout: 10_000 });
    client.connect();
    await new Promise<void>((r) => client.once('connected', r));
    await new Promise<void>((r, j) => client.create('/a', Buffer.from('1'), (e) => (e ? j(e) : r())));
    await zk.kill(zk.leader()!);
    await zk.ready();
    // Calls in flight when the connection broke fail with CONNECTION_LOSS: retry, as ZooKeeper code must.
    let data: Buffer | undefined;
    for (let i = 0; ; i++) {
      try {
        data = await new Promise<Buffer | undefined>((r, j) => client.getData('/a', (e, d) => (e ? j(e) : r(d))));
        break;
      } catch (e) {
        if (i >= 50 || !/CONNECTION_LOSS/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(String(data)).toBe('1');
    client.close();
  });
});
