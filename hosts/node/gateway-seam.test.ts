/**
 * The seam the client gateway (`wire/gateway.ts`) uses, driven by a fake gateway: a client id that
 * is not a server (`ws2-1`) connects, gets a session, writes, is answered through its
 * subscription, and its disconnection reaches the server as `peerDown`; the port of a dead process
 * ignores deliveries and its `status()` says it is not serving (never throws: the gateway may still ask while it closes).
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/contract.ts';
import { normalizeOp } from '../../protocol/client/ops.ts';
import { startCluster } from './cluster.ts';
import type { ServerPort } from './wire/gateway.ts';

describe('the client gateway seam (ServerPort)', () => {
  it('routes a non-server client id through deliver/subscribe and its disconnection as peerDown', async () => {
    const ports = new Map<string, ServerPort>();
    let fake = 40_000;
    const zk = await startCluster({
      servers: 3,
      listenClients: async (port) => {
        ports.set(port.serverId, port);
        return { port: ++fake, close: async () => undefined };
      },
    });
    try {
      const follower = zk.servers.find((s) => s !== zk.leader())!;
      const port = ports.get(`s${follower}`)!;
      expect(port.status()).toMatchObject({ kind: 'server', myid: follower, role: 'FOLLOWING', serving: true });
      const client = `ws${follower}-1`;
      const got: Message[] = [];
      port.subscribe(client, (m) => got.push(m));
      port.deliver(client, { type: 'ZK_CONNECT', cnx: 'k1', seq: 1, sessionId: '0x0', lastZxidSeen: 0, timeoutMs: 6000 });
      expect(await zk.host.waitFor(() => got.some((m) => m.type === 'ZK_CONNECTED'), 10_000)).toBe(true);
      const connected = got.find((m) => m.type === 'ZK_CONNECTED')!;
      expect(connected['sessionId']).not.toBe('0x0');
      expect(connected['timeoutMs']).toBe(6000);
      const req = normalizeOp({ op: 'create', path: '/via-gateway', data: 'v', flags: 1 });
      port.deliver(client, { type: 'ZK_REQ', cnx: 'k1', seq: 2, xid: 1, req });
      expect(await zk.host.waitFor(() => got.some((m) => m.type === 'ZK_REPLY'), 10_000)).toBe(true);
      expect((got.find((m) => m.type === 'ZK_REPLY')!['reply'] as { rc: number }).rc).toBe(0);
      expect(zk.status(follower)!.sessions).toContain(connected['sessionId']);
      port.disconnected(client);
      // The connection is gone (the session lives on until it expires).
      const before = got.length;
      port.deliver(client, { type: 'ZK_PING', cnx: 'k1', seq: 3 });
      expect(await zk.host.waitFor(() => got.length > before, 300)).toBe(false);
      await zk.kill(follower);
      expect(port.status()).toMatchObject({ myid: follower, role: 'LOOKING', serving: false });
      port.deliver(client, { type: 'ZK_CONNECT', cnx: 'k2', seq: 1, sessionId: '0x0', lastZxidSeen: 0, timeoutMs: 6000 });
      await zk.restart(follower);
      const fresh = ports.get(`s${follower}`)!;
      expect(fresh).not.toBe(port);
      await zk.ready();
      expect(fresh.status().serving).toBe(true);
    } finally {
      await zk.close();
    }
  });
});
