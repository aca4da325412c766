/** The real-server launcher: starts a private server, stops it without leftovers, fails clearly. */
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { realGate } from './availability.ts';
import { ZkSession } from './client.ts';
import { srvr } from './fourlw.ts';
import { realZookeeperAvailable, startRealServer } from './server.ts';

const gate = realGate();

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('real server launcher', () => {
  it('says what is missing instead of failing obscurely', async () => {
    expect(realZookeeperAvailable({ zookeeperJar: '/nonexistent/zookeeper.jar' })).toMatchObject({ ok: false });
    await expect(startRealServer({ zookeeperJar: '/nonexistent/zookeeper.jar' })).rejects.toThrow(/no ZooKeeper jar/);
    expect(realZookeeperAvailable({ java: '/nonexistent/java' }).reason).toMatch(/java/);
  });

  if (gate.mustFail) {
    it('needs a real ZooKeeper under CI=true', () => {
      throw new Error(`CI=true but ${gate.reason}`);
    });
    return;
  }

  it.skipIf(!gate.run)('starts a fresh standalone 3.8 on loopback and stops it without leftovers', async () => {
    const s = await startRealServer({ tickTime: 500 });
    try {
      expect(s.info.mode).toBe('standalone');
      expect(s.info.banner).toMatch(/^Zookeeper version: 3\.8\./);
      expect(s.info.zxid).toBe(0n);
      // The configured tickTime bounds the session timeout: at most 20 ticks.
      const c = await ZkSession.connect({ host: s.host, port: s.port, timeoutMs: 60_000 });
      expect(c.negotiatedTimeoutMs).toBe(10_000);
      await c.closeSession();
      expect((await srvr(s.host, s.port)).zxid).toBe(2n); // createSession + closeSession
    } finally {
      await s.stop();
    }
    expect(await portOpen(s.port)).toBe(false);
    expect(fs.existsSync(s.dir)).toBe(false);
    await s.stop(); // idempotent
  });

  it.skipIf(!gate.run)('reports a JVM that dies during start-up', async () => {
    await expect(startRealServer({ jvmArgs: ['-Xmx1k'] })).rejects.toThrow(/exited during start-up|did not answer/);
  });
});
