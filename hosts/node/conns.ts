/**
 * The Node host's connections (`protocol/contract.ts` `ConnId`): the table of every connection a
 * node opened or accepted, and the rules its segments follow — the same rules as the simulator's
 * kernel (`sim/connections.ts`): a connect to a port nobody listens on (or to a node that is down)
 * is refused; messages and the close (FIN) arrive in order; a message that reaches a process with
 * no open end for its connection is answered with a reset; a message the host dropped (a
 * partition) breaks its direction, so the next segment that gets through is `lost {broken}` and a
 * reset goes back; at most one of `closed`/`lost` per end.
 *
 * How segments travel is the host's (`ConnHost.carry`): between two servers as frames on the
 * per-pair sockets of `peer-net.ts` (a shortcut: one TCP stream per direction of a pair carries
 * every connection of that pair, so a real reset is the death of that socket, which the host turns
 * into `lost {reset}` for each connection of the dead process: `resetPeer`), between a server and
 * an in-process client on the next turn of the event loop, and to a real client through the
 * gateway's callbacks.
 */
import type { ConnId, Input, Message, NodeId, Port } from '../../protocol/contract.ts';

/** What travels on a connection. */
export type Seg = 'syn' | 'synack' | 'data' | 'fin' | 'rst' | 'refuse';

export interface End {
  readonly node: NodeId;
  /** The incarnation of the process holding this end; -1 until the acceptor accepted. */
  inc: number;
  open: boolean;
}

/** A real client's end (the gateway): what the server sends and its close go to these. */
export interface GatewayEnd {
  readonly onMsg: (msg: Message) => void;
  readonly onClose: () => void;
}

export interface HostConn {
  readonly id: ConnId;
  readonly port: Port;
  /** [opener, acceptor]. */
  readonly ends: readonly [End, End];
  /** A segment toward that end was dropped: it hears `lost {broken}` at the next one. */
  readonly broken: [boolean, boolean];
  /** Set when the opener is a real client behind the gateway. */
  readonly gateway: GatewayEnd | null;
}

type Rec = Record<string, unknown> & { readonly ev: string };

/** What the table needs of the host. */
export interface ConnHost {
  /** The live incarnation of a hosted node, or null when it is down. */
  incOf(node: NodeId): number | null;
  listening(node: NodeId, port: Port): boolean;
  /** Hands `input` to incarnation `inc` of `node` (dropped if that process is gone); `rec` is
   *  written to the trace when the node takes it. */
  deliver(node: NodeId, inc: number, input: Input, rec: Rec): void;
  /** Puts a segment from end `fromEnd` on its way to the other end; it reaches `arrive` later,
   *  unless the host drops it (then `lostOnTheWay`). */
  carry(c: HostConn, fromEnd: number, seg: Seg, msg: Message | null, m: number): void;
  rec(node: NodeId, r: Rec): void;
}

export class ConnTable {
  private readonly conns = new Map<ConnId, HostConn>();

  constructor(private readonly host: ConnHost) {}

  get(id: ConnId): HostConn | undefined {
    return this.conns.get(id);
  }

  /** `node` (incarnation `inc`) opens `id` to `to`'s `port`; a real client passes `gateway`. */
  open(node: NodeId, inc: number, id: ConnId, to: NodeId, port: Port, gateway: GatewayEnd | null = null): HostConn {
    if (this.conns.has(id)) throw new Error(`${node} reuses connection id ${id} (ids are unique for the whole run)`);
    const c: HostConn = {
      id,
      port,
      ends: [{ node, inc, open: true }, { node: to, inc: -1, open: false }],
      broken: [false, false],
      gateway,
    };
    this.sweep();
    this.conns.set(id, c);
    this.host.rec(node, { ev: 'connect', to, conn: id, port });
    this.host.carry(c, 0, 'syn', null, 0);
    return c;
  }

  /** The end of `id` that incarnation `inc` of `node` holds open, or -1. */
  endOf(id: ConnId, node: NodeId, inc: number): number {
    const c = this.conns.get(id);
    if (c === undefined) return -1;
    for (const i of [0, 1]) {
      const e = c.ends[i]!;
      if (e.node === node && e.inc === inc && e.open) return i;
    }
    return -1;
  }

  /** A message on `id` from `node`: dropped (and traced) when its end is not open. */
  send(node: NodeId, inc: number, id: ConnId, msg: Message, m: number): void {
    const c = this.conns.get(id);
    const end = this.endOf(id, node, inc);
    const to = c === undefined ? '?' : c.ends[c.ends[0]!.node === node ? 1 : 0]!.node;
    this.host.rec(node, { ev: 'send', to, conn: id, m, type: msg.type, msg });
    if (c === undefined || end < 0) {
      this.host.rec(to, { ev: 'drop', from: node, conn: id, m, type: msg.type, reason: 'closed' });
      return;
    }
    this.host.carry(c, end, 'data', msg, m);
  }

  /** `node` closes its end (FIN). */
  close(node: NodeId, inc: number, id: ConnId): void {
    const c = this.conns.get(id);
    const end = this.endOf(id, node, inc);
    if (c === undefined || end < 0) return;
    c.ends[end]!.open = false;
    this.host.rec(node, { ev: 'close', conn: id });
    this.host.carry(c, end, 'fin', null, 0);
  }

  /** A segment the host dropped on the way (a cut): the direction breaks. */
  lostOnTheWay(c: HostConn, toEnd: number, seg: Seg, msg: Message | null, m: number, reason: 'cut' | 'down'): void {
    if (seg === 'data' || seg === 'syn' || seg === 'synack') c.broken[toEnd] = true;
    if (seg === 'data') {
      const from = c.ends[1 - toEnd]!.node;
      this.host.rec(c.ends[toEnd]!.node, { ev: 'drop', from, conn: c.id, m, type: (msg as Message).type, reason });
    }
    // A connect that never got out (the peer's machine refused the socket): refused.
    if (seg === 'syn' && reason === 'down') this.arrive(c, 0, 'refuse', null, 0);
  }

  /** A segment reaches end `toEnd` of `c`. */
  arrive(c: HostConn, toEnd: number, seg: Seg, msg: Message | null, m: number): void {
    const e = c.ends[toEnd]!;
    const from = c.ends[1 - toEnd]!.node;
    const host = this.host;
    if (toEnd === 0 && c.gateway !== null) {
      // The real client's end: the gateway writes or closes its socket.
      if (seg === 'data') c.gateway.onMsg(msg as Message);
      else if (seg === 'fin' || seg === 'rst') {
        e.open = false;
        c.gateway.onClose();
      }
      return;
    }
    const inc = host.incOf(e.node);
    if (seg === 'syn') {
      if (inc === null || !host.listening(e.node, c.port)) return this.host.carry(c, 1, 'refuse', null, 0);
      e.inc = inc;
      e.open = true;
      host.deliver(e.node, inc, { kind: 'accepted', conn: c.id, from, port: c.port }, { ev: 'accept', from, conn: c.id, port: c.port });
      host.carry(c, 1, 'synack', null, 0);
      return;
    }
    if (!e.open || inc === null || e.inc !== inc) {
      // No open end here: a message is answered with a reset (a close, reset, refusal: nothing).
      if (seg !== 'data') return;
      const reason = inc === null ? 'down' : e.inc >= 0 && e.inc !== inc ? 'stale' : 'closed';
      host.rec(e.node, { ev: 'drop', from, conn: c.id, m, type: (msg as Message).type, reason });
      if (c.ends[1 - toEnd]!.open) host.carry(c, toEnd, 'rst', null, 0);
      return;
    }
    if (c.broken[toEnd] && seg !== 'rst' && seg !== 'refuse') {
      if (seg === 'data') host.rec(e.node, { ev: 'drop', from, conn: c.id, m, type: (msg as Message).type, reason: 'broken' });
      this.gone(c, toEnd, inc, 'broken');
      if (c.ends[1 - toEnd]!.open) host.carry(c, toEnd, 'rst', null, 0);
      return;
    }
    switch (seg) {
      case 'data':
        host.deliver(e.node, inc, { kind: 'message', conn: c.id, from, msg: msg as Message }, { ev: 'recv', from, conn: c.id, m, type: (msg as Message).type });
        return;
      case 'synack':
        host.deliver(e.node, inc, { kind: 'connected', conn: c.id }, { ev: 'connected', conn: c.id });
        return;
      case 'fin':
        e.open = false;
        host.deliver(e.node, inc, { kind: 'closed', conn: c.id }, { ev: 'closed', conn: c.id });
        return;
      case 'rst':
        return this.gone(c, toEnd, inc, 'reset');
      case 'refuse':
        return this.gone(c, toEnd, inc, 'refused');
    }
  }

  private gone(c: HostConn, end: number, inc: number, reason: 'refused' | 'reset' | 'broken'): void {
    const e = c.ends[end]!;
    e.open = false;
    this.host.deliver(e.node, inc, { kind: 'lost', conn: c.id, reason }, { ev: 'lost', conn: c.id, reason });
  }

  /** The process `dead` (incarnation `deadInc`) is gone: every open end it held closes. Returns the
   *  connections whose other end is still open (the host resets them: now, or when it notices). */
  died(dead: NodeId, deadInc: number): HostConn[] {
    const out: HostConn[] = [];
    for (const c of [...this.conns.values()]) {
      for (const i of [0, 1]) {
        const e = c.ends[i]!;
        if (e.node !== dead || e.inc !== deadInc || !e.open) continue;
        e.open = false;
        if (c.ends[1 - i]!.open) out.push(c);
      }
    }
    return out;
  }

  /** `node` learned (its socket to `peer` died) that incarnation `peerInc` of `peer` is gone:
   *  each of its ends connected to that process hears `lost {reset}`. */
  resetPeer(node: NodeId, inc: number, peer: NodeId, peerInc: number): void {
    // (A snapshot: the node may open new connections while it is told, synchronously.)
    for (const c of [...this.conns.values()]) {
      for (const i of [0, 1]) {
        const e = c.ends[i]!;
        const o = c.ends[1 - i]!;
        if (e.node !== node || e.inc !== inc || !e.open) continue;
        if (o.node !== peer || (o.inc !== peerInc && !(o.inc === -1 && i === 0))) continue;
        this.gone(c, i, inc, 'reset');
      }
    }
  }

  /** Forgets connections closed at both ends, every 1000 opens (the table stays small in a long
   *  run; a late segment of a forgotten connection is dropped, and the id check covers the rest). */
  private opened = 0;
  private sweep(): void {
    if (++this.opened % 1000 !== 0) return;
    for (const [id, c] of this.conns) if (!c.ends[0]!.open && !c.ends[1]!.open) this.conns.delete(id);
  }
}
