/**
 * An in-memory ensemble for the gateway's tests: `n` test servers (`singleServer.ts`), each with
 * its client port; server-to-server connections carry their messages on the next turn of the event
 * loop, in order, and never lose them (no faults: those are the Node host's).
 */
import { listenClients, type ClientListener } from '../gateway.ts';
import { SingleServer, type SingleServerOptions } from './singleServer.ts';

export interface StartedEnsemble {
  readonly servers: readonly SingleServer[];
  readonly host: string;
  /** Client ports, in server order. */
  readonly ports: readonly number[];
  readonly connectString: string;
  stop(): Promise<void>;
}

export async function startMemoryEnsemble(n: number, opts: SingleServerOptions = {}): Promise<StartedEnsemble> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const servers = ids.map((id) => new SingleServer(opts, id, ids));
  const byId = new Map(servers.map((s) => [s.serverId, s] as const));
  for (const s of servers) s.peers = byId;
  for (const s of servers) s.start();
  const deadline = Date.now() + 20_000;
  while (!servers.every((s) => s.status().serving)) {
    if (Date.now() > deadline) throw new Error(`memory ensemble: not all ${n} serving after 20 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const host = '127.0.0.1';
  const listeners: ClientListener[] = [];
  for (const s of servers) {
    const port = opts.wrap ? opts.wrap(s) : s;
    listeners.push(await listenClients(port, { host, port: 0, fourLetterWords: '*', ...opts.listen }));
  }
  return {
    servers,
    host,
    ports: listeners.map((l) => l.port),
    connectString: listeners.map((l) => `${host}:${l.port}`).join(','),
    async stop() {
      for (const l of listeners) await l.close();
      for (const s of servers) s.stop();
    },
  };
}
