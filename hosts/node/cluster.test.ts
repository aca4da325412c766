/**
 * The embedded cluster on real sockets, timers and files: it elects and takes writes; killing the
 * leader under a write loop loses no acknowledged write and every checker passes on the trace the
 * host wrote (read back from its JSONL file); a whole-ensemble crash (also with a torn last log
 * record) recovers from the files; a partitioned minority leader is replaced; an I/O error is one
 * line and what 3.8 does (the txn log: give up the role; a snapshot: exit). Timeouts are generous:
 * the machine is shared.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failures, runAll } from '../../checkers/index.ts';
import { parseJsonl } from '../../trace/decode.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { clustersForTests } from './testing/clusters.ts';
import { encodeFrame } from './framing.ts';
import { FileStore } from './store.ts';
import { MemorySink } from './trace-sink.ts';
import type { TraceRecord } from '../../trace/records.ts';

const { cluster, tempDir } = clustersForTests('host');

interface Res {
  readonly rc: number;
  readonly children?: readonly string[];
}
const call = async (zk: Cluster, node: string, op: unknown): Promise<Res> => (await zk.host.request(node, op)) as Res;

/** Children of `/` as `node` sees them after a sync (retried across connection loss). */
async function children(zk: Cluster, node: string): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    await call(zk, node, { op: 'sync', path: '/' });
    const r = await call(zk, node, { op: 'getChildren', path: '/' });
    if (r.rc === 0) return [...(r.children ?? [])].sort();
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('getChildren kept failing');
}

describe('the embedded cluster (Node host)', () => {
  it('elects a leader, serves every server and takes writes', async () => {
    const t0 = performance.now();
    const zk = await cluster({ servers: 3, clients: 1 });
    console.log(`3-server cluster ready in ${Math.round(performance.now() - t0)} ms`);
    expect(zk.connectString).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    expect(zk.leader()).not.toBeNull();
    expect(zk.servers.map((s) => zk.status(s)?.serving)).toEqual([true, true, true]);
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    for (let i = 0; i < 5; i++) expect((await call(zk, 'c1', { op: 'create', path: `/n${i}`, data: 'v' })).rc).toBe(0);
    expect(await children(zk, 'c1')).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'zookeeper']);
  });

  it('kill the leader under a write loop: a new leader, no acknowledged write lost, every checker passes on the written trace', async () => {
    const dir = tempDir();
    const tracePath = join(dir, 'trace.jsonl');
    const zk = await cluster({ servers: 3, clients: 2, dataDir: join(dir, 'data'), trace: tracePath });
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    expect((await call(zk, 'c2', { op: 'connect' })).rc).toBe(0);
    const acked: string[] = [];
    let uncertain = 0;
    let stop = false;
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const r = await call(zk, 'c1', { op: 'create', path: `/w${i}`, data: String(i) });
        if (r.rc === 0) acked.push(`w${i}`);
        else if (r.rc === -4) uncertain++; // ConnectionLoss: may or may not have happened
        else throw new Error(`create /w${i}: rc ${r.rc}`);
      }
    })();
    await zk.host.waitFor(() => acked.length >= 20, 10_000);
    const old = zk.leader()!;
    await zk.kill(old);
    expect(await zk.host.waitFor(() => zk.leader() !== null && zk.leader() !== old, 15_000)).toBe(true);
    const before = acked.length;
    expect(await zk.host.waitFor(() => acked.length >= before + 20, 15_000)).toBe(true);
    stop = true;
    await loop;
    await zk.restart(old);
    await zk.ready();
    const seen = await children(zk, 'c2');
    for (const p of acked) expect(seen).toContain(p);
    expect(seen.length - 1).toBeLessThanOrEqual(acked.length + uncertain);
    await zk.close();
    const records = parseJsonl(readFileSync(tracePath, 'utf8'), tracePath);
    expect(records.filter((r) => r.ev === 'crash').length).toBeGreaterThanOrEqual(1);
    const results = runAll(records);
    expect(results.length).toBeGreaterThan(15);
    expect(failures(results)).toEqual([]);
    // The checkers do read this trace: one server's applied state altered is caught.
    const i = records.findLastIndex((r) => r.ev === 'trace' && r.event === 'apply');
    const r = records[i]!;
    if (r.ev !== 'trace' || r.event !== 'apply') throw new Error('no apply record');
    const tampered = [...records];
    tampered[i] = { ...r, data: { ...r.data, digest: (r.data.digest + 1) >>> 0 } };
    expect(failures(runAll(tampered))).toContain('DigestConsistency');
  });

  it('a whole-ensemble crash recovers from the files, also with a torn last log record', async () => {
    const dir = tempDir();
    const zk = await cluster({ servers: 3, clients: 1, dataDir: dir });
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    for (let i = 0; i < 10; i++) expect((await call(zk, 'c1', { op: 'create', path: `/d${i}`, data: 'v' })).rc).toBe(0);
    const epoch = zk.status(1)!.acceptedEpoch;
    for (const s of zk.servers) await zk.kill(s);
    appendFileSync(join(dir, 's1', 'log'), encodeFrame({ torn: true }).subarray(0, 9));
    const lines: string[] = [];
    const again = await cluster({ servers: 3, clients: 1, dataDir: dir, log: (l) => lines.push(l) });
    expect(lines.some((l) => /^s1: txn log: dropped a torn last record/.test(l))).toBe(true);
    expect(again.status(1)!.acceptedEpoch).toBeGreaterThan(epoch);
    expect((await call(again, 'c1', { op: 'connect' })).rc).toBe(0);
    const seen = await children(again, 'c1');
    for (let i = 0; i < 10; i++) expect(seen).toContain(`d${i}`);
  });

  it('a leader cut off in a minority is replaced; healing brings it back as a follower', async () => {
    const zk = await cluster({ servers: 3, config: { tickTime: 200 } });
    const old = zk.leader()!;
    const others = zk.servers.filter((s) => s !== old);
    zk.partition([[old], others]);
    expect(await zk.host.waitFor(() => zk.leader() !== null && zk.leader() !== old, 15_000)).toBe(true);
    zk.heal();
    await zk.ready();
    expect(zk.status(old)!.role).toBe('FOLLOWING');
  });

  it('a txn-log I/O error: one line, the server gives up its role (3.8) and rejoins; the others carry on', async () => {
    const lines: string[] = [];
    const zk = await cluster({ servers: 3, clients: 1, log: (l) => lines.push(l) });
    const victim = zk.servers.find((s) => s !== zk.leader())!;
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    zk.failDisk(victim, 'fsync');
    for (let i = 0; i < 3; i++) await call(zk, 'c1', { op: 'create', path: `/e${i}`, data: 'v' });
    expect(lines.filter((l) => l.startsWith(`zabsim host: s${victim}: disk fsync failed: EIO`))).toHaveLength(1);
    expect(await zk.host.waitFor(() => zk.status(victim)?.serving === true && zk.leader() !== null, 20_000)).toBe(true);
    expect((await call(zk, 'c1', { op: 'create', path: '/after', data: 'v' })).rc).toBe(0);
  });

  it('a snapshot I/O error: the server exits with code 10 (one line) and stays down until restarted', async () => {
    const lines: string[] = [];
    const zk = await cluster({ servers: 3, clients: 1, quorum: { snapCount: 10 }, log: (l) => lines.push(l) });
    const victim = zk.servers.find((s) => s !== zk.leader())!;
    zk.failDisk(victim, 'snapshot');
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    for (let i = 0; i < 20; i++) await call(zk, 'c1', { op: 'create', path: `/e${i}`, data: 'v' });
    expect(await zk.host.waitFor(() => zk.status(victim) === null, 10_000)).toBe(true);
    expect(lines.filter((l) => l.startsWith(`zabsim host: s${victim} exits with code 10: Severe unrecoverable error`))).toHaveLength(1);
    expect(zk.leader()).not.toBeNull();
    await zk.restart(victim);
    await zk.ready(20_000);
  });
});

describe('autopurge on the Node host', () => {
  it('old snapshot files and the log front are deleted as it runs; a whole-ensemble restart recovers from what is left', async () => {
    const dir = tempDir();
    const zk = await cluster({ servers: 3, clients: 1, dataDir: dir, quorum: { snapCount: 10, autopurgeIntervalMs: 100 } });
    expect((await call(zk, 'c1', { op: 'connect' })).rc).toBe(0);
    for (let i = 0; i < 60; i++) expect((await call(zk, 'c1', { op: 'create', path: `/p${i}`, data: 'v' })).rc).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    for (const s of zk.servers) {
      const snaps = readdirSync(join(dir, `s${s}`)).filter((f) => /^snap\.\d+$/.test(f));
      expect(snaps.length, `s${s}`).toBeLessThanOrEqual(4);
    }
    for (const s of zk.servers) await zk.kill(s);
    for (const s of zk.servers) expect(new FileStore(join(dir, `s${s}`)).load().durable.log.length, `s${s}`).toBeLessThan(60);
    for (const s of zk.servers) await zk.restart(s);
    await zk.ready(20_000);
    let r = await call(zk, 'c1', { op: 'getChildren', path: '/' });
    for (let i = 0; i < 20 && r.rc !== 0; i++) r = await call(zk, 'c1', { op: 'getChildren', path: '/' }); // c1 reconnecting
    expect(r.children?.filter((c) => c.startsWith('p'))).toHaveLength(60);
  });
});

describe('in-process clients on the Node host', () => {
  it("a killed client's connection is reset at its server; its session expires and its ephemeral goes", async () => {
    const sink = new MemorySink();
    const zk = await startCluster({ servers: 3, clients: 2, config: { tickTime: 200 }, trace: sink });
    try {
      expect((await call(zk, 'c1', { op: 'connect', timeoutMs: 800 })).rc).toBe(0);
      expect((await call(zk, 'c1', { op: 'create', path: '/eph', data: 'v', flags: 1 })).rc).toBe(0);
      expect((await call(zk, 'c2', { op: 'connect' })).rc).toBe(0);
      await zk.kill('c1');
      const reset = (r: TraceRecord): boolean => r.ev === 'lost' && r.reason === 'reset' && r.conn.startsWith('c1>') && /^s\d$/.test(r.node);
      expect(await zk.host.waitFor(() => sink.records.some(reset), 5_000)).toBe(true);
      expect(
        await zk.host.waitFor(() => zk.servers.every((s) => zk.status(s)!.sessions.length === 1), 10_000),
      ).toBe(true);
      expect(await children(zk, 'c2')).toEqual(['zookeeper']);
    } finally {
      await zk.close();
    }
  });
});
