/**
 * A child process for the `kill -9` test: starts a 3-server cluster on DATA_DIR with an in-process
 * client, then creates /k0, /k1, ... in a loop and prints `acked /kN` for each acknowledged create
 * (after the reply: the txn is committed, so fsynced on a quorum). The test kills it with SIGKILL.
 *
 *   node --import tsx hosts/node/testing/writer.ts DATA_DIR
 */
import { startCluster } from '../cluster.ts';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: writer.ts DATA_DIR');
  process.exit(2);
}
const zk = await startCluster({ servers: 3, clients: 1, dataDir: dir });
const connected = (await zk.host.request('c1', { op: 'connect' })) as { rc: number };
if (connected.rc !== 0) throw new Error(`connect: rc ${connected.rc}`);
console.log('ready');
for (let i = 0; ; i++) {
  const r = (await zk.host.request('c1', { op: 'create', path: `/k${i}`, data: String(i) })) as { rc: number };
  if (r.rc === 0) console.log(`acked /k${i}`);
}
