/**
 * A minimal ZooKeeper 3.8 client session over node:net, written for the conformance recorder.
 *
 * It does exactly what a recorder needs and nothing a real client library would add: no automatic
 * reconnect, no client-side watch bookkeeping (every notification the server sends is kept as
 * sent), no request retries. One `ZkSession` is one TCP connection carrying one session; to
 * reconnect the same session, open a new `ZkSession` with the old id and password.
 *
 * Frames are a 4-byte big-endian length followed by a jute record. The connect handshake is
 * ConnectRequest (plus the trailing readOnly flag the Java client sends) / ConnectResponse; every
 * later request is RequestHeader(xid, type) + body and every reply ReplyHeader(xid, zxid, err) +
 * body. Notifications arrive with xid -1, ping replies with -2, auth replies with -4.
 */
import net from 'node:net';
import { JuteReader, JuteWriter } from './jute.ts';
import { OpCode, XID_AUTH, XID_NOTIFICATION, XID_PING, readWatcherEvent, type WatcherEvent } from './wire.ts';

/** The connection broke (closed by the server, or dropped by us) while a request was in flight. */
export class ConnectionLossError extends Error {
  constructor(message = 'connection loss') {
    super(message);
  }
}

/** The server refused to revive a session: ConnectResponse with timeOut 0 (session expired). */
export class SessionExpiredError extends Error {}

export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  body: JuteReader;
}

/** A notification as received, with the zxid of its reply header. */
export interface ReceivedEvent extends WatcherEvent {
  zxid: bigint;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Requested session timeout (ms). */
  timeoutMs: number;
  /** To reattach an existing session. */
  sessionId?: bigint;
  passwd?: Buffer;
  lastZxidSeen?: bigint;
  /** Give up connecting after this long (ms). */
  connectTimeoutMs?: number;
  /** Reject a request the server has not answered after this long (ms): a hung server, not a result. */
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class ZkSession {
  sessionId = 0n;
  passwd: Buffer = Buffer.alloc(16);
  negotiatedTimeoutMs = 0;
  /** The highest zxid seen in any reply header (what a reconnect reports as lastZxidSeen). */
  lastZxid = 0n;
  /** Notifications not yet taken by `takeEvents`. */
  private events: ReceivedEvent[] = [];
  private nextXid = 1;
  private readonly pending = new Map<number, Pending>();
  private authWaiters: Array<(err: number) => void> = [];
  private inbuf: Buffer = Buffer.alloc(0);
  private pingTimer: NodeJS.Timeout | undefined;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;
  private onFirstFrame: ((frame: Buffer) => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly requestTimeoutMs: number,
  ) {
    this.closedPromise = new Promise((res) => (this.markClosed = res));
  }

  /** Opens a TCP connection and performs the session handshake. */
  static connect(opts: ConnectOptions): Promise<ZkSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: opts.host, port: opts.port });
      socket.setNoDelay(true);
      const s = new ZkSession(socket, opts.requestTimeoutMs ?? 30_000);
      const giveUp = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionLossError(`connect to ${opts.host}:${opts.port} timed out`));
      }, opts.connectTimeoutMs ?? 10_000);
      s.onFirstFrame = (frame) => {
        clearTimeout(giveUp);
        const r = new JuteReader(frame);
        r.int(); // protocolVersion
        const timeOut = r.int();
        const sessionId = r.long();
        const passwd = r.buffer() ?? Buffer.alloc(16);
        if (timeOut <= 0) {
          socket.destroy();
          reject(new SessionExpiredError('session expired (server answered timeOut 0)'));
          return;
        }
        s.sessionId = sessionId;
        s.passwd = Buffer.from(passwd);
        s.negotiatedTimeoutMs = timeOut;
        // Keep the session alive while idle: the Java client pings after a third of the timeout.
        s.pingTimer = setInterval(() => s.ping(), Math.max(100, Math.floor(timeOut / 3)));
        s.pingTimer.unref();
        resolve(s);
      };
      socket.on('connect', () => {
        const w = new JuteWriter()
          .int(0)
          .long(opts.lastZxidSeen ?? 0n)
          .int(opts.timeoutMs)
          .long(opts.sessionId ?? 0n)
          .buffer(opts.passwd ?? Buffer.alloc(16))
          .bool(false);
        socket.write(w.toFrame());
      });
      socket.on('data', (d) => s.onData(d));
      socket.on('error', () => {
        /* 'close' follows and does the cleanup */
      });
      socket.on('close', () => {
        clearTimeout(giveUp);
        if (s.onFirstFrame) reject(new ConnectionLossError('connection closed during handshake'));
        s.onClose();
      });
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Resolves once the TCP connection is gone. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Removes and returns the notifications received so far. */
  takeEvents(): ReceivedEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Sends a request and resolves with its reply (whatever the error code). */
  request(type: number, body: JuteWriter | null): Promise<Reply> {
    const xid = this.nextXid++;
    return this.send(xid, type, body);
  }

  /** addAuth: resolves with the reply's error code (0 or AUTHFAILED). */
  addAuth(scheme: string, auth: Buffer): Promise<number> {
    if (this.closedFlag) return Promise.reject(new ConnectionLossError());
    return new Promise((resolve, reject) => {
      const onClose = (): void => reject(new ConnectionLossError());
      this.closedPromise.then(onClose);
      this.authWaiters.push(resolve);
      const w = new JuteWriter().int(XID_AUTH).int(OpCode.auth).int(0).ustring(scheme).buffer(auth);
      this.socket.write(w.toFrame());
    });
  }

  /** closeSession: waits for the reply, then for the server to drop the connection. */
  async closeSession(): Promise<Reply> {
    const reply = await this.request(OpCode.closeSession, null);
    this.stopPing();
    this.socket.end();
    await Promise.race([this.closedPromise, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.socket.destroy();
    return reply;
  }

  /** Drops the connection without closeSession: the server keeps the session until it expires. */
  abandon(): Promise<void> {
    this.stopPing();
    this.socket.destroy();
    return this.closedPromise;
  }

  private send(xid: number, type: number, body: JuteWriter | null): Promise<Reply> {
    if (this.closedFlag) return Promise.reject(new ConnectionLossError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new Error(`no reply to request type ${type} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(xid, { resolve, reject, timer });
      const w = new JuteWriter().int(xid).int(type);
      const payload = body ? Buffer.concat([w.toBuffer(), body.toBuffer()]) : w.toBuffer();
      const len = Buffer.alloc(4);
      len.writeInt32BE(payload.length);
      this.socket.write(Buffer.concat([len, payload]));
    });
  }

  private ping(): void {
    if (this.closedFlag) return;
    this.socket.write(new JuteWriter().int(XID_PING).int(OpCode.ping).toFrame());
  }

  /** Stops the keep-alive pings: with no requests either, the server hears nothing from this session
   *  (a frozen client process, as the ensemble differential test needs). */
  freeze(): void {
    this.stopPing();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private onData(d: Buffer): void {
    this.inbuf = this.inbuf.length === 0 ? d : Buffer.concat([this.inbuf, d]);
    while (this.inbuf.length >= 4) {
      const len = this.inbuf.readInt32BE(0);
      if (this.inbuf.length < 4 + len) break;
      const frame = this.inbuf.subarray(4, 4 + len);
      this.inbuf = this.inbuf.subarray(4 + len);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.onFirstFrame) {
      const f = this.onFirstFrame;
      this.onFirstFrame = undefined;
      f(frame);
      return;
    }
    const r = new JuteReader(frame);
    const xid = r.int();
    const zxid = r.long();
    const err = r.int();
    if (zxid > this.lastZxid) this.lastZxid = zxid;
    if (xid === XID_NOTIFICATION) {
      this.events.push({ ...readWatcherEvent(r), zxid });
      return;
    }
    if (xid === XID_PING) return;
    if (xid === XID_AUTH) {
      const w = this.authWaiters.shift();
      if (w) w(err);
      return;
    }
    const p = this.pending.get(xid);
    if (!p) return;
    this.pending.delete(xid);
    clearTimeout(p.timer);
    p.resolve({ xid, zxid, err, body: r });
  }

  private onClose(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stopPing();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ConnectionLossError());
    }
    this.pending.clear();
    this.markClosed();
  }
}
