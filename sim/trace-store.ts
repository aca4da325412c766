/**
 * Retained trace records in columns, in chunks: typed arrays for time, kind, node and the small
 * fields (strings interned to ids), and one slot for the object a record carries (a message, an op,
 * a result, a node's trace data) or for a record of any other shape. A record object is built only
 * when a reader asks (`get(i)`), with the same fields in the same order as the kernel emits them, so
 * readers see exactly the records they saw before. Hashing reads the columns directly (`hashInto`).
 *
 * Why: keeping millions of small objects alive makes every major GC mark them, and building them
 * costs time whether or not anyone reads them; the typed columns are flat memory the GC does not look
 * into (37 bytes a record, plus the 8-byte slot).
 */
import type { Micros } from './time.ts';
import * as ids from './trace-digest.ts';
import type { TraceDigest } from './trace-digest.ts';

// Local copies of the digest's preseeded ids: an imported binding read in the hot loop may cost a
// getter call under some loaders (tsx's CommonJS interop).
const K_T = ids.K_T, K_NODE = ids.K_NODE, K_EV = ids.K_EV, K_TO = ids.K_TO, K_M = ids.K_M, K_TYPE = ids.K_TYPE,
  K_MSG = ids.K_MSG, K_FROM = ids.K_FROM, K_REASON = ids.K_REASON, K_TIMER = ids.K_TIMER,
  K_ID = ids.K_ID, K_OP = ids.K_OP, K_RESULT = ids.K_RESULT, K_EVENT = ids.K_EVENT, K_DATA = ids.K_DATA;
const V_SEND = ids.V_SEND, V_RECV = ids.V_RECV, V_DROP = ids.V_DROP, V_DUP = ids.V_DUP, V_HOLD = ids.V_HOLD,
  V_TIMER = ids.V_TIMER, V_DISK = ids.V_DISK, V_REQUEST = ids.V_REQUEST,
  V_REPLY = ids.V_REPLY, V_TRACE = ids.V_TRACE;
const T_END = ids.T_END, T_REF = ids.T_REF, T_INT = ids.T_INT, T_SHORT = ids.T_SHORT, SHORT_IDS = ids.SHORT_IDS;
/** Bytes the fast path may write between two `reserve` calls (the fixed part of any record). */
const RESERVE = 128;

/** Any record, as readers see it (see `trace.ts` for the kinds). */
export interface StoredRecord {
  readonly t: Micros;
  readonly node: string;
  readonly ev: string;
  readonly [field: string]: unknown;
}

// Column layouts by kind:           a (string)  b (string)  c (string)  n (number)  ref
// (SEND, RECV, DROP: column d holds the connection, -1 for a connectionless message.)
const GENERIC = 0; //                                                                 the record
const SEND = 1; //                   to          type                    m           msg
const RECV = 2; //                   from        type                    m
const DROP = 3; //                   from        type        reason      m
const DUP = 4; //                    to                                  m
const HOLD = 5; //                   from                                m
// 6: unused (was peerDown)
const TIMER = 7; //                  timer
const DISK = 8; //                   op                                  id
const REQUEST = 9; //                                                    id          op
const REPLY = 10; //                                                     id          result
const TRACE = 11; //                 event                                           data

/**
 * A number read from a Float64Array, as a small integer when it is one (`| 0`), so a built record
 * stores it inline instead of as a boxed double (16 bytes more per field). -0 stays -0.
 */
function small(v: number): number {
  const i = v | 0;
  return i === v && (i !== 0 || 1 / v > 0) ? i : v;
}

const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class TraceStore {
  private len = 0;
  /** Filled chunks then the current one; the current one's columns are also the fields below. */
  private chunks: Columns[] = [];
  private used = CHUNK; // records in the current chunk
  private tc!: Float64Array;
  private kc!: Uint8Array;
  private nodec!: Int32Array;
  private ac!: Int32Array;
  private bc!: Int32Array;
  private cc!: Int32Array;
  private dc!: Int32Array;
  private nc!: Float64Array;
  private rc!: unknown[];
  private lastStr: string | null = null;
  private lastId = -1;
  /** Interned strings of the string columns, and each one's id in the digest (-1: not yet). */
  private readonly strs: string[] = [];
  private readonly strIds = new Map<string, number>();
  private digestIds = new Int32Array(64).fill(-1);
  /** The last message hashed and its JSON text: a message sent to several peers in a row (a
   * broadcast) or a constant one is serialised once. */
  private lastMsg: object | null = null;
  private lastMsgText = '';
  /** The string id of the key `conn` (interned at the first record with a connection). */
  private connKey = -1;

  get length(): number {
    return this.len;
  }

  /** Forgets the records (the interned strings and the first chunk stay); for streaming without retention. */
  clear(): void {
    this.len = 0;
    const first = this.chunks[0];
    this.chunks = [];
    this.used = CHUNK;
    if (first !== undefined) this.useChunk(first);
  }

  // ------------------------------------------------------------------ emitting
  // (false: a field the contract types was not of its type; the caller stores the record whole)

  generic(rec: StoredRecord): void {
    const i = this.slot(rec.t, GENERIC, 0);
    this.rc[i] = rec;
  }

  send(t: Micros, node: number, to: number, conn: number, m: number, type: string, msg: unknown): boolean {
    if (typeof type !== 'string') return false;
    const i = this.slot(t, SEND, node);
    this.ac[i] = to;
    this.dc[i] = conn;
    this.bc[i] = this.intern(type);
    this.nc[i] = m;
    this.rc[i] = msg;
    return true;
  }

  recv(t: Micros, node: number, from: number, conn: number, m: number, type: string): boolean {
    if (typeof type !== 'string') return false;
    const i = this.slot(t, RECV, node);
    this.ac[i] = from;
    this.dc[i] = conn;
    this.bc[i] = this.intern(type);
    this.nc[i] = m;
    return true;
  }

  drop(t: Micros, node: number, from: number, conn: number, m: number, type: string, reason: string): boolean {
    if (typeof type !== 'string') return false;
    const i = this.slot(t, DROP, node);
    this.ac[i] = from;
    this.dc[i] = conn;
    this.bc[i] = this.intern(type);
    this.cc[i] = this.intern(reason);
    this.nc[i] = m;
    return true;
  }

  dup(t: Micros, node: number, to: number, m: number): void {
    const i = this.slot(t, DUP, node);
    this.ac[i] = to;
    this.nc[i] = m;
  }

  hold(t: Micros, node: number, from: number, m: number): void {
    const i = this.slot(t, HOLD, node);
    this.ac[i] = from;
    this.nc[i] = m;
  }

  timer(t: Micros, node: number, timer: string): boolean {
    if (typeof timer !== 'string') return false;
    const i = this.slot(t, TIMER, node);
    this.ac[i] = this.intern(timer);
    return true;
  }

  disk(t: Micros, node: number, id: number, op: string): boolean {
    if (typeof id !== 'number' || typeof op !== 'string') return false;
    const i = this.slot(t, DISK, node);
    this.ac[i] = this.intern(op);
    this.nc[i] = id;
    return true;
  }

  request(t: Micros, node: number, id: number, op: unknown): void {
    const i = this.slot(t, REQUEST, node);
    this.nc[i] = id;
    this.rc[i] = op;
  }

  reply(t: Micros, node: number, id: number, result: unknown): boolean {
    if (typeof id !== 'number') return false;
    const i = this.slot(t, REPLY, node);
    this.nc[i] = id;
    this.rc[i] = result;
    return true;
  }

  trace(t: Micros, node: number, event: string, data: unknown): boolean {
    if (typeof event !== 'string') return false;
    const i = this.slot(t, TRACE, node);
    this.ac[i] = this.intern(event);
    this.rc[i] = data;
    return true;
  }

  // ------------------------------------------------------------------ reading

  /** Record `i` as an object (a new one each call, except records stored whole). */
  get(at: number): StoredRecord {
    const ch = this.chunks[at >>> SHIFT] as Columns;
    const i = at & MASK;
    const s = this.strs;
    const t = small(ch.t[i] as number);
    const node = s[ch.node[i] as number] as string;
    const a = s[ch.a[i] as number] as string;
    const n = small(ch.n[i] as number);
    switch (ch.k[i]) {
      case SEND: {
        const d = ch.d[i] as number;
        if (d >= 0) return { t, node, ev: 'send', to: a, conn: s[d], m: n, type: s[ch.b[i] as number], msg: ch.r[i] };
        return { t, node, ev: 'send', to: a, m: n, type: s[ch.b[i] as number], msg: ch.r[i] };
      }
      case RECV: {
        const d = ch.d[i] as number;
        if (d >= 0) return { t, node, ev: 'recv', from: a, conn: s[d], m: n, type: s[ch.b[i] as number] };
        return { t, node, ev: 'recv', from: a, m: n, type: s[ch.b[i] as number] };
      }
      case DROP: {
        const d = ch.d[i] as number;
        if (d >= 0) return { t, node, ev: 'drop', from: a, conn: s[d], m: n, type: s[ch.b[i] as number], reason: s[ch.c[i] as number] };
        return { t, node, ev: 'drop', from: a, m: n, type: s[ch.b[i] as number], reason: s[ch.c[i] as number] };
      }
      case DUP:
        return { t, node, ev: 'dup', to: a, m: n };
      case HOLD:
        return { t, node, ev: 'hold', from: a, m: n };
      case TIMER:
        return { t, node, ev: 'timer', timer: a };
      case DISK:
        return { t, node, ev: 'disk', id: n, op: a };
      case REQUEST:
        return { t, node, ev: 'request', id: n, op: ch.r[i] };
      case REPLY:
        return { t, node, ev: 'reply', id: n, result: ch.r[i] };
      case TRACE:
        return { t, node, ev: 'trace', event: a, data: ch.r[i] };
      default:
        return ch.r[i] as StoredRecord;
    }
  }

  /**
   * Feeds records [from, to) to the digest: the same bytes `d.record(get(i))` would feed (the
   * digest's fast path), without building the records or their JSON. Fixed parts are written into
   * the digest's buffer directly; anything unusual goes through the digest's own methods.
   */
  hashInto(d: TraceDigest, from: number, to: number): void {
    const b = d.buf;
    for (let at = from; at < to; at++) {
      const ch = this.chunks[at >>> SHIFT] as Columns;
      const i = at & MASK;
      const kind = ch.k[i] as number;
      if (kind === GENERIC) {
        d.record(ch.r[i] as StoredRecord);
        continue;
      }
      d.reserve(RESERVE);
      let p = d.pos;
      b[p++] = T_SHORT + K_T;
      p = this.num(d, p, ch.t[i] as number);
      b[p++] = T_SHORT + K_NODE;
      p = this.str(d, p, ch.node[i] as number);
      b[p++] = T_SHORT + K_EV;
      switch (kind) {
        case SEND:
          b[p++] = T_SHORT + V_SEND;
          b[p++] = T_SHORT + K_TO;
          p = this.str(d, p, ch.a[i] as number);
          p = this.conn(d, p, ch.d[i] as number);
          b[p++] = T_SHORT + K_M;
          p = this.num(d, p, ch.n[i] as number);
          b[p++] = T_SHORT + K_TYPE;
          p = this.str(d, p, ch.b[i] as number);
          d.pos = p;
          this.hashMsg(d, ch.r[i]);
          d.reserve(1);
          p = d.pos;
          break;
        case RECV:
        case DROP:
          b[p++] = T_SHORT + (kind === RECV ? V_RECV : V_DROP);
          b[p++] = T_SHORT + K_FROM;
          p = this.str(d, p, ch.a[i] as number);
          p = this.conn(d, p, ch.d[i] as number);
          b[p++] = T_SHORT + K_M;
          p = this.num(d, p, ch.n[i] as number);
          b[p++] = T_SHORT + K_TYPE;
          p = this.str(d, p, ch.b[i] as number);
          if (kind === DROP) {
            b[p++] = T_SHORT + K_REASON;
            p = this.str(d, p, ch.c[i] as number);
          }
          break;
        case DUP:
        case HOLD:
          b[p++] = T_SHORT + (kind === DUP ? V_DUP : V_HOLD);
          b[p++] = T_SHORT + (kind === DUP ? K_TO : K_FROM);
          p = this.str(d, p, ch.a[i] as number);
          b[p++] = T_SHORT + K_M;
          p = this.num(d, p, ch.n[i] as number);
          break;
        case TIMER:
          b[p++] = T_SHORT + V_TIMER;
          b[p++] = T_SHORT + K_TIMER;
          p = this.str(d, p, ch.a[i] as number);
          break;
        case DISK:
          b[p++] = T_SHORT + V_DISK;
          b[p++] = T_SHORT + K_ID;
          p = this.num(d, p, ch.n[i] as number);
          b[p++] = T_SHORT + K_OP;
          p = this.str(d, p, ch.a[i] as number);
          break;
        case REQUEST:
        case REPLY:
          b[p++] = T_SHORT + (kind === REQUEST ? V_REQUEST : V_REPLY);
          b[p++] = T_SHORT + K_ID;
          p = this.num(d, p, ch.n[i] as number);
          d.pos = p;
          d.anyField(kind === REQUEST ? K_OP : K_RESULT, ch.r[i]);
          d.reserve(1);
          p = d.pos;
          break;
        case TRACE:
          b[p++] = T_SHORT + V_TRACE;
          b[p++] = T_SHORT + K_EVENT;
          p = this.str(d, p, ch.a[i] as number);
          d.pos = p;
          d.anyField(K_DATA, ch.r[i]);
          d.reserve(1);
          p = d.pos;
          break;
      }
      b[p++] = T_END;
      d.pos = p;
    }
  }

  // ------------------------------------------------------------------ internals

  /** Writes number `v` at `p` (room reserved); returns the new position (reserving again if it called out). */
  private num(d: TraceDigest, p: number, v: number): number {
    if (v >= 0 && v < 0x40000000 && (v | 0) === v) {
      const b = d.buf;
      b[p++] = T_INT;
      let z = v * 2;
      while (z >= 128) {
        b[p++] = (z & 127) | 128;
        z >>>= 7;
      }
      b[p++] = z;
      return p;
    }
    d.pos = p;
    d.number(v);
    d.reserve(RESERVE);
    return d.pos;
  }

  /** Writes the `conn` field of connection string id `id` at `p` (nothing for -1: no connection). */
  private conn(d: TraceDigest, p: number, id: number): number {
    if (id < 0) return p;
    if (this.connKey < 0) this.connKey = this.intern('conn');
    p = this.str(d, p, this.connKey);
    return this.str(d, p, id);
  }

  /** Writes string column id `id` at `p`: its digest id when it has one (the usual case). */
  private str(d: TraceDigest, p: number, id: number): number {
    const h = this.digestIds[id] as number;
    if (h >= 0 && h < 0x4000) {
      const b = d.buf;
      if (h < SHORT_IDS) b[p++] = T_SHORT + h;
      else {
        b[p++] = T_REF;
        if (h < 128) b[p++] = h;
        else {
          b[p++] = (h & 127) | 128;
          b[p++] = h >>> 7;
        }
      }
      return p;
    }
    d.pos = p;
    const assigned = d.string(this.strs[id] as string);
    if (assigned >= 0) this.digestIds[id] = assigned;
    d.reserve(RESERVE);
    return d.pos;
  }

  private hashMsg(d: TraceDigest, msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) {
      d.anyField(K_MSG, msg);
      return;
    }
    let text: string | undefined = this.lastMsgText;
    if (msg !== this.lastMsg) {
      text = JSON.stringify(msg) as string | undefined;
      if (text === undefined) return; // JSON omits the field
      this.lastMsg = msg;
      this.lastMsgText = text;
    }
    d.key(K_MSG);
    d.jsonText(text);
  }

  /** A name as it is stored (the kernel's node names are numbers from here). */
  name(id: number): string {
    return this.strs[id] as string;
  }

  intern(s: string): number {
    if (s === this.lastStr) return this.lastId; // runs of one name or type are common
    let id = this.strIds.get(s);
    if (id === undefined) {
      id = this.strs.push(s) - 1;
      this.strIds.set(s, id);
      if (id >= this.digestIds.length) {
        const next = new Int32Array(this.digestIds.length * 2).fill(-1);
        next.set(this.digestIds);
        this.digestIds = next;
      }
    }
    this.lastStr = s;
    this.lastId = id;
    return id;
  }

  /** Claims the next record's place; returns its index in the current chunk's columns. */
  private slot(t: Micros, kind: number, node: number): number {
    if (this.used === CHUNK) this.newChunk();
    const i = this.used++;
    this.len++;
    this.tc[i] = t;
    this.kc[i] = kind;
    this.nodec[i] = node;
    return i;
  }

  private newChunk(): void {
    this.useChunk(new Columns());
  }

  private useChunk(c: Columns): void {
    this.chunks.push(c);
    this.used = 0;
    this.tc = c.t;
    this.kc = c.k;
    this.nodec = c.node;
    this.ac = c.a;
    this.bc = c.b;
    this.cc = c.c;
    this.dc = c.d;
    this.nc = c.n;
    this.rc = c.r;
  }
}

/**
 * One chunk of columns. Chunks, not one growing array: doubling a large typed array copies it and
 * pays fresh page faults for the copy (17% of a default-trace run when this was measured).
 */
class Columns {
  readonly t: Float64Array;
  readonly n: Float64Array;
  readonly node: Int32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly c: Int32Array;
  readonly d: Int32Array;
  readonly k: Uint8Array;
  /** The object a record carries (message, op, result, data), or the whole record (GENERIC). */
  readonly r: unknown[] = new Array(CHUNK);

  constructor() {
    // One allocation for all typed columns of the chunk (fewer external buffers for the GC to track).
    const buf = new ArrayBuffer(CHUNK * (8 + 8 + 5 * 4 + 1));
    let at = 0;
    const f64 = (): Float64Array => {
      const v = new Float64Array(buf, at, CHUNK);
      at += CHUNK * 8;
      return v;
    };
    const i32 = (): Int32Array => {
      const v = new Int32Array(buf, at, CHUNK);
      at += CHUNK * 4;
      return v;
    };
    this.t = f64();
    this.n = f64();
    this.node = i32();
    this.a = i32();
    this.b = i32();
    this.c = i32();
    this.d = i32();
    this.k = new Uint8Array(buf, at, CHUNK);
  }
}
