/**
 * The client port of one server: real ZooKeeper 3.8 clients over TCP, translated to and from the
 * plain-data client messages of `protocol/client/wire.ts` (ZK_CONNECT, ZK_REQ, ZK_PING in;
 * ZK_CONNECTED, ZK_REPLY, ZK_WATCH, ZK_PONG out) on a protocol connection (contract.ts `ConnId`).
 *
 * Each TCP connection is one client node `w<serverId>-<n>` (e.g. `ws1-7`) with one connection to
 * the server's client port, `ws1-7>s1`: the server is told `accepted` when the ConnectRequest
 * arrives, `closed` when the socket closes; the server's own close of the connection ends the
 * socket after what was written (FIN). Frames are a 4-byte big-endian length and a jute record:
 * ConnectRequest/ConnectResponse first, then RequestHeader + body / ReplyHeader + body. What each
 * kind of bad input gets (as 3.8 answers it) is listed in README.md.
 */
import net from 'node:net';
import { JuteDecodeError, JuteReader, JuteWriter } from '../../../conformance/real/jute.ts';
import type { ConnId, Message, NodeId, ServerStatus } from '../../../protocol/contract.ts';
import type { ClientWire, SetWatchesRequest } from '../../../protocol/client/wire.ts';
import { Err } from '../../../protocol/request/errors.ts';
import { OpCode, type AddAuthRequest, type Reply, type Request } from '../../../protocol/request/types.ts';
import { authenticate, type AuthId } from '../../../protocol/request/acl.ts';
import { concurrentHashSetOrder, juteHash2 } from '../../../protocol/request/javaHashOrder.ts';
import { CLIENT_ADDR } from '../../../protocol/server/serving.ts';
import { answerWord, DEFAULT_VERSION, fourLetterWordOf, newStats, recordLatency, type ConnView, type WireStats } from './fourlw.ts';
import { checkPasswd, sessionPasswd } from './passwd.ts';
import { decodeRequest, type ReadSubRequest } from './requests.ts';
import { encodeMultiReadBody, encodeReplyBody, sessionLong } from './replies.ts';

/** What the gateway needs of a server node; the host implements it. */
export interface ServerPort {
  readonly serverId: NodeId;
  /**
   * Client node `from` opened connection `conn` to the server's client port: the server is told
   * `accepted`. What the server sends on `conn` goes to `onMsg`; its close of `conn` (or its
   * process ending) calls `onClose`. A server that is down ignores it (the gateway closes too).
   */
  connect(from: NodeId, conn: ConnId, onMsg: (msg: Message) => void, onClose: () => void): void;
  /** A ZK_* message on `conn` into the server. */
  deliver(conn: ConnId, msg: Message): void;
  /** The client's TCP connection closed: the server is told `closed`. */
  disconnected(conn: ConnId): void;
  /** `protocol/contract.ts`; for the four-letter words and the running check. */
  status(): ServerStatus;
  /** Optional: the DataTree's node count (`srvr`'s `Node count:`, mntr's zk_znode_count). */
  nodeCount?(): number | undefined;
}

export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** jute.maxbuffer: a frame longer than this closes the connection (3.8 default 0xfffff). */
  readonly maxBufferBytes?: number;
  /** 4lw.commands.whitelist (3.8 default: `srvr` only); `'*'` allows every word. */
  readonly fourLetterWords?: readonly string[] | '*';
  /** A 1-server ensemble that stands for a standalone server (`Mode: standalone`). */
  readonly standalone?: boolean;
  /** A connection without a session is closed after this long (3.8: sessionlessCnxnTimeout, 10 s). */
  readonly sessionlessTimeoutMs?: number;
  /** The version the four-letter words print. */
  readonly version?: string;
  /** The server's super digest (zookeeper.DigestAuthenticationProvider.superDigest), for whoAmI. */
  readonly superDigest?: string;
}

export interface ClientListener {
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BUFFER = 0xfffff;
export const DEFAULT_SESSIONLESS_TIMEOUT_MS = 10_000;

const XID_NOTIFICATION = -1;
const XID_PING = -2;
/** KeeperState.SyncConnected: the state every node event is sent with. */
const SYNC_CONNECTED = 3;

/** Per-server connection numbering, so that ids stay unique across listeners of one server. */
const counters = new Map<NodeId, number>();

function nextClientId(serverId: NodeId): NodeId {
  const n = (counters.get(serverId) ?? 0) + 1;
  counters.set(serverId, n);
  return `w${serverId}-${n}`;
}

/** A request waiting for its answer, in arrival order: from the server, or made here. */
type Pending =
  | { readonly kind: 'remote'; readonly xid: number; readonly opcode: number; readonly at: number; readonly auth?: AddAuthRequest }
  /** A multiRead, sent as one read per sub-op (same xid), answered when the last one is. */
  | { readonly kind: 'multiRead'; readonly xid: number; readonly at: number; readonly opcodes: number[]; readonly replies: Reply[] }
  | { readonly kind: 'local'; readonly frame: () => Buffer; readonly close: boolean };

export function listenClients(port: ServerPort, opts: ListenOptions): Promise<ClientListener> {
  const gw = new Gateway(port, opts);
  return gw.listen();
}

class Gateway {
  readonly conns = new Set<Connection>();
  readonly stats: WireStats = newStats(Date.now());
  private readonly server: net.Server;

  constructor(
    readonly port: ServerPort,
    readonly opts: ListenOptions,
  ) {
    this.server = net.createServer((socket) => {
      const c = new Connection(this, socket);
      this.conns.add(c);
    });
    this.server.on('error', () => {
      /* listen errors reject below; later errors have no one to tell */
    });
  }

  listen(): Promise<ClientListener> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port }, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as net.AddressInfo;
        resolve({ port: addr.port, close: () => this.close() });
      });
    });
  }

  private close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const c of [...this.conns]) c.destroy();
    });
  }

  get maxBuffer(): number {
    return this.opts.maxBufferBytes ?? DEFAULT_MAX_BUFFER;
  }

  views(self: Connection): ConnView[] {
    return [...this.conns].map((c) => c.view(c === self));
  }

  outstanding(): number {
    let n = 0;
    for (const c of this.conns) n += c.outstanding();
    return n;
  }
}

type Phase = 'new' | 'connecting' | 'connected' | 'closed';

class Connection {
  private id: NodeId | undefined = undefined;
  /** The protocol connection to the server (`<id>><server>`), once the ConnectRequest came. */
  private conn: ConnId | undefined = undefined;
  private phase: Phase = 'new';
  private inbuf: Buffer = Buffer.alloc(0);
  /** Whether the client sent ConnectRequest's trailing readOnly flag (3.8 answers in kind). */
  private readOnlyField = false;
  /** Frames that arrived before the session was established (the server reads them after). */
  private early: Buffer[] = [];
  private readonly pending: Pending[] = [];
  /** The connection's auth ids as the server holds them (ServerCnxn.authInfo), for whoAmI. */
  private readonly authIds: AuthId[] = [{ scheme: 'ip', id: CLIENT_ADDR }];
  private sessionlessTimer: NodeJS.Timeout | undefined;
  private received = 0;
  private sent = 0;
  private readonly remote: string;

  constructor(
    private readonly gw: Gateway,
    private readonly socket: net.Socket,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    socket.on('error', () => {
      /* 'close' follows */
    });
    socket.on('close', () => this.onSocketClosed());
    this.sessionlessTimer = setTimeout(() => {
      if (this.phase !== 'connected') this.destroy();
    }, gw.opts.sessionlessTimeoutMs ?? DEFAULT_SESSIONLESS_TIMEOUT_MS);
    this.sessionlessTimer.unref();
  }

  view(self: boolean): ConnView {
    return { remote: this.remote, interestOps: self ? 0 : 1, queued: this.outstanding(), received: this.received, sent: this.sent };
  }

  outstanding(): number {
    return this.pending.length;
  }

  destroy(): void {
    this.socket.destroy();
    this.onSocketClosed();
  }

  // ------------------------------------------------------------------ bytes in

  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private onData(d: Buffer): void {
    if (this.phase === 'closed') return;
    this.inbuf = this.inbuf.length === 0 ? d : Buffer.concat([this.inbuf, d]);
    try {
      while (!this.isClosed() && this.inbuf.length >= 4) {
        if (this.phase === 'new' && this.id === undefined) {
          const word = fourLetterWordOf(this.inbuf.subarray(0, 4));
          if (word !== undefined) return this.fourLetterWord(word);
        }
        const len = this.inbuf.readInt32BE(0);
        // NIOServerCnxn.readLength: "Len error" closes the connection.
        if (len < 0 || len > this.gw.maxBuffer) return this.destroy();
        if (this.inbuf.length < 4 + len) return;
        const frame = this.inbuf.subarray(4, 4 + len);
        this.inbuf = this.inbuf.subarray(4 + len);
        this.onFrame(Buffer.from(frame));
      }
    } catch (e) {
      // A frame that cannot be read (truncated header or connect record): the server closes.
      if (e instanceof JuteDecodeError) return this.destroy();
      throw e;
    }
  }

  private fourLetterWord(word: string): void {
    const gw = this.gw;
    const answer = answerWord(word, gw.opts.fourLetterWords ?? ['srvr'], () => ({
      status: gw.port.status(),
      standalone: gw.opts.standalone ?? false,
      version: gw.opts.version ?? DEFAULT_VERSION,
      stats: gw.stats,
      connections: gw.views(this),
      outstanding: gw.outstanding(),
      nodeCount: gw.port.nodeCount?.(),
      now: Date.now(),
    }));
    this.phase = 'closed';
    this.clearTimer();
    if (answer === undefined) this.socket.end();
    else this.socket.end(answer);
    this.gw.conns.delete(this);
  }

  private onFrame(frame: Buffer): void {
    this.received++;
    this.gw.stats.received++;
    if (this.phase === 'new') return this.onConnectRequest(frame);
    if (this.phase === 'connecting') {
      this.early.push(frame);
      return;
    }
    this.onRequestFrame(frame);
  }

  private onConnectRequest(frame: Buffer): void {
    const r = new JuteReader(frame);
    r.int(); // protocolVersion
    const lastZxidSeen = r.long();
    const timeoutMs = r.int();
    const sessionId = r.long();
    const passwd = r.buffer() ?? Buffer.alloc(0);
    this.readOnlyField = r.remaining >= 1;
    if (!this.gw.port.status().serving) return this.destroy(); // "ZooKeeperServer not running"
    if (sessionId !== 0n && !checkPasswd(sessionId, passwd)) {
      // ZooKeeperServer.reopenSession with a wrong password: an invalid ConnectResponse, then close.
      this.writeConnectResponse(0, 0n);
      return this.closeAfterWrites();
    }
    const id = nextClientId(this.gw.port.serverId);
    this.id = id;
    this.conn = `${id}>${this.gw.port.serverId}`;
    this.phase = 'connecting';
    this.gw.port.connect(id, this.conn, (msg) => this.onServerMessage(msg), () => this.closeAfterWrites());
    this.deliver({
      type: 'ZK_CONNECT',
      sessionId: '0x' + BigInt.asUintN(64, sessionId).toString(16),
      lastZxidSeen: Number(lastZxidSeen),
      timeoutMs,
    });
  }

  private onRequestFrame(frame: Buffer): void {
    const r = new JuteReader(frame);
    const xid = r.int();
    const type = r.int();
    if (type === OpCode.ping) {
      this.deliver({ type: 'ZK_PING' });
      return;
    }
    if (type === OpCode.auth) {
      r.int(); // AuthPacket.type
      const scheme = r.ustring() ?? '';
      const auth = (r.buffer() ?? Buffer.alloc(0)).toString('utf8');
      const req: AddAuthRequest = { op: 'addAuth', scheme, auth };
      this.pending.push({ kind: 'remote', xid, opcode: type, at: Date.now(), auth: req });
      this.deliver({ type: 'ZK_REQ', xid, req });
      return;
    }
    let decoded;
    try {
      decoded = decodeRequest(type, r);
    } catch (e) {
      if (!(e instanceof JuteDecodeError)) throw e;
      // 3.8 answers a body it cannot read with MarshallingError (README.md: no zxid is used here).
      return this.local(() => this.header(xid, 'last', Err.MARSHALLINGERROR), false);
    }
    switch (decoded.kind) {
      case 'request':
        return this.forward(xid, type, decoded.req);
      case 'multiRead':
        return this.multiRead(xid, decoded.reads);
      case 'whoAmI':
        return this.local(() => this.header(xid, 'last', 0, this.whoAmIBody()), false);
      case 'local':
        return this.local(() => this.header(xid, decoded.zxid, decoded.err, decoded.body), false);
      case 'unimplemented':
        // UnimplementedRequestProcessor: UNIMPLEMENTED with zxid -1, then the connection closes.
        return this.local(() => this.header(xid, -1, Err.UNIMPLEMENTED), true);
    }
  }

  private forward(xid: number, opcode: number, req: Request | SetWatchesRequest): void {
    this.pending.push({ kind: 'remote', xid, opcode, at: Date.now() });
    this.deliver({ type: 'ZK_REQ', xid, req });
  }

  private multiRead(xid: number, reads: readonly ReadSubRequest[]): void {
    if (reads.length === 0) return this.local(() => this.header(xid, 'last', 0, encodeMultiReadBody([])), false);
    const opcodes = reads.map((q) => (q.op === 'getData' ? OpCode.getData : OpCode.getChildren));
    this.pending.push({ kind: 'multiRead', xid, at: Date.now(), opcodes, replies: [] });
    for (const req of reads) this.deliver({ type: 'ZK_REQ', xid, req });
  }

  /**
   * WhoAmIResponse: one ClientInfo(scheme, user) per auth id, in the order 3.8 walks them
   * (`ServerCnxn.authInfo` is a ConcurrentHashMap set); the user is what the scheme's provider names
   * (digest: the name before ':'; ip: the address; `super` has no provider: "").
   */
  private whoAmIBody(): Buffer {
    const user = (a: AuthId): string => (a.scheme === 'digest' ? a.id.split(':')[0]! : a.scheme === 'ip' ? a.id : '');
    const ids = concurrentHashSetOrder(this.authIds, (a) => juteHash2(a.scheme, a.id), (a) => `${a.scheme}:${a.id}`);
    return new JuteWriter().vector(ids, (w, a) => void w.ustring(a.scheme).ustring(user(a))).toBuffer();
  }

  /** A reply made here (built when sent), sent once every earlier request of the connection is answered. */
  private local(frame: () => Buffer, close: boolean): void {
    this.pending.push({ kind: 'local', frame, close });
    this.flushLocal();
  }

  private flushLocal(): void {
    while (this.pending.length > 0 && this.pending[0]!.kind === 'local') {
      const p = this.pending.shift() as Extract<Pending, { kind: 'local' }>;
      this.write(p.frame());
      if (p.close) return this.closeAfterWrites();
    }
  }

  private deliver(msg: ClientWire): void {
    this.gw.port.deliver(this.conn!, msg);
  }

  // ------------------------------------------------------------------ messages out

  private onServerMessage(msg: Message): void {
    if (this.phase === 'closed') return;
    const m = msg as ClientWire;
    switch (m.type) {
      case 'ZK_CONNECTED':
        return this.onConnected(m.sessionId, m.timeoutMs);
      case 'ZK_REPLY':
        return this.onReply(m.xid, m.reply);
      case 'ZK_WATCH': {
        // 3.8.0 sends notifications with zxid -1 (NIOServerCnxn.process).
        const w = new JuteWriter().int(XID_NOTIFICATION).long(-1n).int(0).int(m.eventType).int(SYNC_CONNECTED).ustring(m.path);
        this.write(w.toFrame());
        return;
      }
      case 'ZK_PONG':
        this.write(this.header(XID_PING, 'last', 0));
        return;
      default:
        return;
    }
  }

  private onConnected(sessionId: string, timeoutMs: number): void {
    if (this.phase !== 'connecting') return;
    if (timeoutMs <= 0) {
      this.writeConnectResponse(0, 0n);
      return this.closeAfterWrites();
    }
    this.phase = 'connected';
    this.clearTimer();
    this.writeConnectResponse(timeoutMs, sessionLong(sessionId));
    const early = this.early;
    this.early = [];
    for (const f of early) {
      if (this.isClosed()) return;
      // Outside onData's guard: the session may be established long after these frames came.
      try {
        this.onRequestFrame(f);
      } catch (e) {
        if (e instanceof JuteDecodeError) return this.destroy();
        throw e;
      }
    }
  }

  private onReply(xid: number, reply: Reply): void {
    const i = this.pending.findIndex((p) => p.kind !== 'local' && p.xid === xid);
    if (i < 0) return;
    const m = this.pending[i]!;
    if (m.kind === 'multiRead') {
      m.replies.push(reply);
      if (m.replies.length < m.opcodes.length) return;
      this.pending.splice(i, 1);
      recordLatency(this.gw.stats, Date.now() - m.at);
      const body = encodeMultiReadBody(m.opcodes.map((opcode, k) => ({ opcode, reply: m.replies[k]! })));
      this.write(this.header(xid, reply.zxid, 0, body));
      this.flushLocal();
      return;
    }
    const p = this.pending.splice(i, 1)[0] as Extract<Pending, { kind: 'remote' }>;
    recordLatency(this.gw.stats, Date.now() - p.at);
    if (p.auth !== undefined && reply.rc === 0) this.addAuthIds(p.auth);
    // Auth replies carry zxid 0 in 3.8 (ZooKeeperServer.processPacket).
    const zxid = p.opcode === OpCode.auth ? 0 : reply.zxid;
    this.write(this.header(xid, zxid, reply.rc, encodeReplyBody(p.opcode, reply)));
    this.flushLocal();
  }

  /** DigestAuthenticationProvider adds the digest id, then `super` when it is the super digest. */
  private addAuthIds(a: AddAuthRequest): void {
    const sd = this.gw.opts.superDigest;
    const ids = authenticate(a.scheme, a.auth, { clientAddr: CLIENT_ADDR, ...(sd === undefined ? {} : { superDigest: sd }) }) ?? [];
    const ordered = [...ids.filter((i) => i.scheme !== 'super'), ...ids.filter((i) => i.scheme === 'super')];
    for (const id of ordered) if (!this.authIds.some((x) => x.scheme === id.scheme && x.id === id.id)) this.authIds.push(id);
  }

  private header(xid: number, zxid: number | 'last', err: number, body?: Buffer): Buffer {
    const z = zxid === 'last' ? this.gw.port.status().lastProcessedZxid : zxid;
    const w = new JuteWriter().int(xid).long(BigInt(z)).int(err);
    if (body !== undefined && body.length > 0) w.raw(body);
    return w.toFrame();
  }

  private writeConnectResponse(timeoutMs: number, sessionId: bigint): void {
    const passwd = timeoutMs > 0 ? sessionPasswd(sessionId) : Buffer.alloc(16);
    const w = new JuteWriter().int(0).int(timeoutMs).long(sessionId).buffer(passwd);
    if (this.readOnlyField) w.bool(false);
    this.write(w.toFrame());
  }

  private write(frame: Buffer): void {
    if (this.phase === 'closed' || this.socket.destroyed) return;
    this.sent++;
    this.gw.stats.sent++;
    this.socket.write(frame);
  }

  // ------------------------------------------------------------------ closing

  /** The server closes: what was written goes out, then FIN. */
  private closeAfterWrites(): void {
    if (this.phase === 'closed') return;
    this.socket.end();
    // A peer that never reads nor closes must not hold the socket open.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.onSocketClosed();
  }

  private clearTimer(): void {
    if (this.sessionlessTimer !== undefined) clearTimeout(this.sessionlessTimer);
    this.sessionlessTimer = undefined;
  }

  private onSocketClosed(): void {
    if (this.phase === 'closed') {
      this.gw.conns.delete(this);
      return;
    }
    this.phase = 'closed';
    this.clearTimer();
    this.gw.conns.delete(this);
    this.early = [];
    this.pending.length = 0;
    if (this.conn !== undefined) this.gw.port.disconnected(this.conn);
  }
}
