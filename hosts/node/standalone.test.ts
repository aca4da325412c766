/**
 * A single server without ensemble configuration is standalone (ZooKeeperServerMain), as in 3.8:
 * no election and no Zab (no votes, no epoch files), zxids counted from epoch 0, the txn log and
 * snapshots as durable as an ensemble's (a kill and a restart keep every acknowledged write), the
 * simulator's trace format judged by every checker, and the four-letter words of a real standalone
 * 3.8. `standalone: false` keeps the one-voter quorum.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failures, runAll } from '../../checkers/index.ts';
import { realGate } from '../../conformance/real/availability.ts';
import { fourLetterWord } from '../../conformance/real/fourlw.ts';
import { startRealServer } from '../../conformance/real/server.ts';
import { parseJsonl } from '../../trace/decode.ts';
import { epochOf } from '../../protocol/zxid.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { clustersForTests } from './testing/clusters.ts';
import { listenClients } from './wire/gateway.ts';

const { cluster, tempDir } = clustersForTests('standalone');

interface Res {
  readonly rc: number;
  readonly zxid?: number;
  readonly data?: string;
}
const call = async (zk: Cluster, op: unknown): Promise<Res> => (await zk.host.request('c1', op)) as Res;

/** Retries across the connection loss a restart causes. */
async function retry(zk: Cluster, op: unknown): Promise<Res> {
  for (let i = 0; i < 100; i++) {
    const r = await call(zk, op);
    if (r.rc !== -4) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${JSON.stringify(op)} kept losing its connection`);
}

describe('a standalone server on the Node host', () => {
  it('serves at once without election or epochs; a kill and a restart keep every write; every checker passes', async () => {
    const dir = tempDir();
    const tracePath = join(dir, 'trace.jsonl');
    const zk = await cluster({ servers: 1, clients: 1, dataDir: join(dir, 'data'), trace: tracePath });
    expect(zk.status(1)).toMatchObject({ role: 'LEADING', standalone: true, serving: true, acceptedEpoch: 0, currentEpoch: 0 });
    expect((await call(zk, { op: 'connect' })).rc).toBe(0);
    const zxids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(zk, { op: 'create', path: `/n${i}`, data: `v${i}` });
      expect(r.rc).toBe(0);
      zxids.push(r.zxid!);
    }
    // Epoch 0: a standalone 3.8 counts zxids 0x1, 0x2, ... (the session's createSession is 0x1).
    expect(zxids.map(epochOf)).toEqual([0, 0, 0, 0, 0]);
    expect(zxids).toEqual([2, 3, 4, 5, 6]);
    await zk.kill(1);
    await zk.restart(1);
    await zk.ready();
    for (let i = 0; i < 5; i++) expect(await retry(zk, { op: 'getData', path: `/n${i}` })).toMatchObject({ rc: 0, data: `v${i}` });
    const after = await retry(zk, { op: 'create', path: '/after', data: '' });
    expect(after.rc).toBe(0);
    expect(after.zxid).toBeGreaterThan(6);
    expect(epochOf(after.zxid!)).toBe(0);
    await zk.close();
    // No epoch files: ZooKeeperServerMain never writes acceptedEpoch/currentEpoch.
    expect(readdirSync(join(dir, 'data', 's1')).filter((f) => f.startsWith('meta.'))).toEqual([]);
    expect(existsSync(join(dir, 'data', 's1', 'log'))).toBe(true);
    // A snapshot at each start (ZooKeeperServer.loadData), as a real standalone's snapshot.0.
    expect(readdirSync(join(dir, 'data', 's1')).filter((f) => f.startsWith('snap.'))).toHaveLength(2);
    const records = parseJsonl(readFileSync(tracePath, 'utf8'), tracePath);
    const events = new Set(records.flatMap((r) => (r.ev === 'trace' ? [r.event] : [])));
    for (const e of ['log.durable', 'apply', 'leader.established', 'serving']) expect(events).toContain(e);
    for (const e of ['vote', 'epoch.accepted', 'epoch.current']) expect(events).not.toContain(e);
    expect(records.filter((r) => r.ev === 'crash' && r.node === 's1')).toHaveLength(2); // the kill and close's stop
    expect(failures(runAll(records))).toEqual([]);
  });

  it('standalone: false is a one-voter quorum: it elects itself and writes its epochs', async () => {
    const dir = tempDir();
    const zk = await cluster({ servers: 1, standalone: false, dataDir: dir });
    expect(zk.status(1)).toMatchObject({ role: 'LEADING', standalone: false, serving: true, acceptedEpoch: 1, currentEpoch: 1 });
    await zk.close();
    expect(readdirSync(join(dir, 's1')).filter((f) => f.startsWith('meta.')).sort()).toEqual(['meta.acceptedEpoch', 'meta.currentEpoch']);
    await expect(startCluster({ servers: 3, standalone: true })).rejects.toThrow('a standalone server is 1 server and no observers');
  });
});

const real = realGate();

/** `Key: value` lines (srvr/stat) or `key\tvalue` lines (mntr), values masked where servers differ by design. */
function shape(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const kv = /^([A-Za-z_ /]+?)(?::|\t)\s?(.*)$/.exec(line);
    if (kv) m.set(kv[1]!, kv[2]!);
  }
  return m;
}

describe.skipIf(!real.run && !real.mustFail)('four-letter words of a standalone server == a real standalone 3.8', () => {
  it('srvr, stat and mntr: Mode standalone, no proposal sizes, the same keys (mntr: ours a subset), the same zxid and node count', async () => {
    if (real.mustFail) throw new Error(`CI=true but ${real.reason}`);
    const [r, zk] = await Promise.all([
      startRealServer({}),
      cluster({ servers: 1, listenClients: (port, o) => listenClients(port, { ...o, fourLetterWords: '*' }) }),
    ]);
    try {
      const ours = (w: string): Promise<string> => fourLetterWord('127.0.0.1', zk.clientPort(1), w);
      const theirs = (w: string): Promise<string> => fourLetterWord(r.host, r.port, w);
      for (const w of ['srvr', 'stat']) {
        const [a, b] = [shape(await ours(w)), shape(await theirs(w))];
        expect([...a.keys()], w).toEqual([...b.keys()]);
        for (const k of ['Mode', 'Zxid', 'Outstanding', 'Node count']) expect(a.get(k), `${w} ${k}`).toBe(b.get(k));
        expect(a.get('Mode')).toBe('standalone');
      }
      const [a, b] = [shape(await ours('mntr')), shape(await theirs('mntr'))];
      for (const k of a.keys()) expect(b.has(k), `real mntr has ${k}`).toBe(true);
      expect(a.get('zk_server_state')).toBe('standalone');
      expect(a.get('zk_znode_count')).toBe(b.get('zk_znode_count'));
      expect(b.get('zk_server_state')).toBe('standalone');
    } finally {
      await r.stop();
    }
  }, 120_000);
});
