/**
 * Server-to-server frames on `net` sockets (127.0.0.1 by default). One endpoint per server
 * process: it listens for its peers and keeps one outgoing socket per destination, opened at the
 * first frame to it, so each direction of each pair is one TCP stream (FIFO, as the simulator's
 * links). It carries the segments of the protocol connections between the pair (`conns.ts`: a
 * connect, a message, a close...). Frames are `framing.ts`'s length-prefixed JSON: first a hello
 * `{hello: id, inc}` each way (`inc` = the process's incarnation), then one `PeerFrame` per
 * segment. This is not ZooKeeper's quorum/election wire format, which is not the point.
 *
 * A socket to a peer that is down is refused: its queued frames are reported `dropped` and the
 * next frame tries again. A socket that closes after the hellos is reported `lost` with the peer's
 * incarnation — the host resets that process's connections.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Message, NodeId } from '../../protocol/contract.ts';
import { encodeFrame, FrameReader } from './framing.ts';

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Where each server's peer endpoint listens (updated at every (re)start). */
export type AddressBook = Map<NodeId, Address>;

/** One segment of a protocol connection (`conns.ts` `Seg`); `m`/`msg` for a message, `port` for a
 *  connect. */
export interface PeerFrame {
  readonly seg: string;
  readonly conn: string;
  readonly port?: string;
  readonly m?: number;
  readonly msg?: Message;
}

export interface PeerEvents {
  frame(from: NodeId, f: PeerFrame): void;
  /** A socket with incarnation `inc` of `peer` closed (either direction). */
  lost(peer: NodeId, inc: number): void;
  /** Frames that never left: the socket to `to` was refused or failed before the hellos. */
  dropped(to: NodeId, f: PeerFrame): void;
}

interface Outgoing {
  readonly sock: Socket;
  open: boolean;
  queue: { f: PeerFrame; frame: Buffer }[];
  remoteInc: number | null;
}

export class PeerEndpoint {
  private server: Server | null = null;
  private readonly out = new Map<NodeId, Outgoing>();
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(
    readonly id: NodeId,
    readonly inc: number,
    private readonly book: AddressBook,
    private readonly events: PeerEvents,
  ) {}

  /** Listens on `host:port` (0 = any free port); records the address in the book. */
  listen(host: string, port = 0): Promise<Address> {
    const server = createServer((s) => this.accepted(s));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address();
        const addr = { host, port: typeof a === 'object' && a !== null ? a.port : port };
        this.book.set(this.id, addr);
        resolve(addr);
      });
    });
  }

  send(to: NodeId, f: PeerFrame): void {
    if (this.closed) return;
    let o = this.out.get(to);
    if (o === undefined) {
      const addr = this.book.get(to);
      if (addr === undefined) return this.events.dropped(to, f);
      o = this.dial(to, addr);
    }
    const frame = encodeFrame(f);
    if (o.open && o.remoteInc !== null) o.sock.write(frame);
    else o.queue.push({ f, frame });
  }

  /** The process died: every socket is reset at once, nothing more is sent or read. */
  destroy(): void {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.out.clear();
    this.server?.close();
    this.server = null;
  }

  /** Graceful stop: what was written is flushed (FIN), then the listener closes. */
  close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.end();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => {
      if (server === null) return resolve();
      server.close(() => resolve());
      for (const s of this.sockets) s.destroySoon();
    });
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  private dial(to: NodeId, addr: Address): Outgoing {
    const sock = connect({ host: addr.host, port: addr.port });
    this.track(sock);
    const o: Outgoing = { sock, open: false, queue: [], remoteInc: null };
    this.out.set(to, o);
    const reader = new FrameReader();
    sock.on('connect', () => {
      o.open = true;
      sock.write(encodeFrame({ hello: this.id, inc: this.inc }));
    });
    sock.on('data', (chunk: Buffer) => {
      const { values, corrupt } = reader.push(chunk);
      for (const v of values) {
        const h = v as { hello?: unknown; inc?: unknown };
        if (o.remoteInc === null && h.hello === to && typeof h.inc === 'number') {
          o.remoteInc = h.inc;
          for (const q of o.queue) sock.write(q.frame);
          o.queue = [];
        }
      }
      if (corrupt !== undefined) sock.destroy();
    });
    sock.on('close', () => {
      if (this.out.get(to) === o) this.out.delete(to);
      if (this.closed) return;
      if (o.remoteInc !== null) this.events.lost(to, o.remoteInc);
      for (const q of o.queue) this.events.dropped(to, q.f);
      o.queue = [];
    });
    return o;
  }

  private accepted(sock: Socket): void {
    if (this.closed) return void sock.destroy();
    this.track(sock);
    const reader = new FrameReader();
    let from: NodeId | null = null;
    let inc = 0;
    sock.on('data', (chunk: Buffer) => {
      const { values, corrupt } = reader.push(chunk);
      for (const v of values) {
        if (this.closed) return;
        if (from === null) {
          const h = v as { hello?: unknown; inc?: unknown };
          if (typeof h.hello !== 'string' || typeof h.inc !== 'number') return void sock.destroy();
          from = h.hello;
          inc = h.inc;
          sock.write(encodeFrame({ hello: this.id, inc: this.inc }));
          continue;
        }
        const f = v as { seg?: unknown; conn?: unknown; msg?: unknown };
        if (typeof f.seg !== 'string' || typeof f.conn !== 'string') return void sock.destroy();
        if (f.seg === 'data' && (typeof f.msg !== 'object' || f.msg === null)) return void sock.destroy();
        this.events.frame(from, v as PeerFrame);
      }
      if (corrupt !== undefined) sock.destroy();
    });
    sock.on('close', () => {
      if (!this.closed && from !== null) this.events.lost(from, inc);
    });
  }
}
