/**
 * The seam the client gateway (`wire/gateway.ts`) uses, driven by a fake gateway: a client id that
 * is not a server (`ws2-1`) opens a connection, gets a session, writes, is answered through its
 * callback, and its disconnection closes the connection at the server; the port of a dead process
 * ignores deliveries and its `status()` says it is not serving (never throws: the gateway may still ask while it closes).
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/contract.ts';
import { normalizeOp } from '../../protocol/client/ops.ts';
import { startCluster } from './cluster.ts';
import type { ServerPort } from './wire/gateway.ts';

describe('the client gateway seam (ServerPort)', () => {
  it('routes a client connection through connect/deliver and its disconnection as a close', async () => {
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
      const conn = `${client}>s${follower}`;
      const got: Message[] = [];
      let closedByServer = 0;
      port.connect(client, conn, (m) => got.push(m), () => closedByServer++);
      port.deliver(conn, { type: 'ZK_CONNECT', sessionId: '0x0', lastZxidSeen: 0, timeoutMs: 6000 });
      expect(await zk.host.waitFor(() => got.some((m) => m.type === 'ZK_CONNECTED'), 10_000)).toBe(true);
      const connected = got.find((m) => m.type === 'ZK_CONNECTED')!;
      expect(connected['sessionId']).not.toBe('0x0');
      expect(connected['timeoutMs']).toBe(6000);
      const req = normalizeOp({ op: 'create', path: '/via-gateway', data: 'v', flags: 1 });
      port.deliver(conn, { type: 'ZK_REQ', xid: 1, req });
      expect(await zk.host.waitFor(() => got.some((m) => m.type === 'ZK_REPLY'), 10_000)).toBe(true);
      expect((got.find((m) => m.type === 'ZK_REPLY')!['reply'] as { rc: number }).rc).toBe(0);
      expect(zk.status(follower)!.sessions).toContain(connected['sessionId']);
      port.disconnected(conn);
      // The connection is gone (the session lives on until it expires).
      const before = got.length;
      port.deliver(conn, { type: 'ZK_PING' });
      expect(await zk.host.waitFor(() => got.length > before, 300)).toBe(false);
      expect(closedByServer).toBe(0);
      await zk.kill(follower);
      expect(port.status()).toMatchObject({ myid: follower, role: 'LOOKING', serving: false });
      port.connect(client, `${conn}#2`, (m) => got.push(m), () => closedByServer++);
      expect(closedByServer).toBe(1); // a dead server's port closes a new connection at once
      port.deliver(`${conn}#2`, { type: 'ZK_CONNECT', sessionId: '0x0', lastZxidSeen: 0, timeoutMs: 6000 });
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
