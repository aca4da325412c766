/**
 * The trace digest: sha256 over a compact byte encoding of the records (format `zabsim-trace/2`).
 *
 * The digest is the run's replay identity. It is defined over records *as their JSONL line decodes*,
 * so a reader of a `--trace` file recomputes the live digest with `traceDigest(records)`. The bytes:
 *
 *   stream  = "zabsim-trace/2\n" record*
 *   record  = (key value)* 0x00            own enumerable keys in order; a key whose value JSON would
 *                                          omit (undefined, function, symbol) is skipped, as JSON does
 *   key     = string                    (0x00 in a key's place ends the record)
 *   value   = 0x01 null (also NaN, ±Infinity: JSON writes null) | 0x02 false | 0x03 true
 *           | 0x04 zigzag-varint          a safe integer (-0 is 0)
 *           | 0x05 float64 LE             any other finite number
 *           | string
 *           | 0x09 u32le(n) utf8[n]       an object or array: its JSON.stringify text (never interned)
 *           | 0x0A                        an object or array whose JSON text equals the last 0x09's
 *   string  = 0x10+id                     a string seen before (interned) with id < 240: one byte
 *           | 0x06 varint(id)             a string seen before with id >= 240
 *           | 0x07 u32le(n) utf8[n]       a string without surrogate code units
 *           | 0x08 u32le(n) utf16le[n]    a string with surrogate code units (lossless for lone ones)
 * Interning: a string of at most 64 UTF-16 units gets the next id at its first appearance
 * (0x07/0x08) while fewer than 65,536 strings are interned; the table starts with the record keys
 * and kinds below (ids 0, 1, ...), so the common keys, kinds and node ids cost one byte. JSON texts
 * are not interned (nearly every message is unique: interning them would fill the table and cost a
 * lookup each); a message sent to several peers in a row, or a constant one, is 0x0A after its
 * first text. A kernel record of 6 fields costs ~20 bytes against ~85 of JSON, and needs no
 * JSON.stringify at all unless it carries an object.
 *
 * Why sha256: the CPU's SHA extensions hash ~1.9 GB per CPU-second here, so over compact bytes it
 * costs ~10 ns a record; a weaker fast hash would buy little and weaken the replay identity.
 * Different traces (as JSON) give different byte streams (the encoding is prefix-free and
 * decodable), so they give different digests.
 */
import { createHash, type Hash } from 'node:crypto';

/** Keys and kinds every trace uses, interned from the start (their order is part of the format;
 *  'peerDown', a retired record kind, keeps its place so the ids stay). */
const PRESEEDED = [
  't', 'node', 'ev', 'to', 'm', 'type', 'msg', 'from', 'reason', 'peer', 'timer', 'id', 'op', 'result', 'event', 'data',
  'send', 'recv', 'drop', 'dup', 'hold', 'peerDown', 'disk', 'request', 'reply', 'trace',
  'boot', 'restart', 'crash', 'pause', 'resume', 'clock', 'fault', 'note',
] as const;
type Preseeded = (typeof PRESEEDED)[number];
const pre = (s: Preseeded): number => PRESEEDED.indexOf(s);
/** Preseeded ids of keys, for the kernel's fast path (`TraceDigest.key`). */
export const K_T = pre('t'), K_NODE = pre('node'), K_EV = pre('ev'), K_TO = pre('to'), K_M = pre('m'), K_TYPE = pre('type'),
  K_MSG = pre('msg'), K_FROM = pre('from'), K_REASON = pre('reason'), K_PEER = pre('peer'), K_TIMER = pre('timer'),
  K_ID = pre('id'), K_OP = pre('op'), K_RESULT = pre('result'), K_EVENT = pre('event'), K_DATA = pre('data');
/** Preseeded ids of record kinds ('timer' is a key and a kind: one id). */
export const V_SEND = pre('send'), V_RECV = pre('recv'), V_DROP = pre('drop'), V_DUP = pre('dup'), V_HOLD = pre('hold'),
  V_TIMER = pre('timer'), V_DISK = pre('disk'), V_REQUEST = pre('request'),
  V_REPLY = pre('reply'), V_TRACE = pre('trace');

/** The digest format's name; it changes whenever the same records would hash differently. */
export const DIGEST_FORMAT = 'zabsim-trace/2';
const MAGIC = DIGEST_FORMAT + '\n';
const INTERN_MAX_LEN = 64;
const INTERN_MAX = 65_536;
const BUF = 1 << 16;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Byte tags (see the format above). */
export const T_END = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_INT = 4, T_FLOAT = 5, T_REF = 6, T_UTF8 = 7, T_UTF16 = 8,
  T_JSON = 9, T_JSON_AGAIN = 10;
/** An interned string with id < SHORT_IDS is the single byte T_SHORT + id. */
export const T_SHORT = 0x10, SHORT_IDS = 240;

/** An incremental digest of records. Feed records in order; `hex()` may be called at any time. */
export class TraceDigest {
  private readonly hash: Hash = createHash('sha256');
  /**
   * The pending bytes and how many there are. The fast path (`TraceStore.hashInto`) writes into them
   * directly: after `reserve(n)` it may write n bytes from `pos` on, then sets `pos` past them.
   */
  readonly buf = new Uint8Array(BUF);
  pos = 0;
  /** A Buffer view of `buf`, for its UTF-8 writer. */
  private readonly bytes = Buffer.from(this.buf.buffer, 0, BUF);
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);
  private readonly ids = new Map<string, number>();
  /** The last 0x09 text (for 0x0A). */
  private lastJson = '';

  constructor() {
    this.hash.update(MAGIC);
    for (const s of PRESEEDED) this.ids.set(s, this.ids.size);
  }

  /** The sha256 (hex) of everything fed so far; feeding may go on afterwards. */
  hex(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }

  /** Feeds one record of any shape (the generic path; a decoded JSONL record, a fault, a note...). */
  record(rec: object): void {
    const r = rec as Record<string, unknown>;
    for (const k of Object.keys(r)) this.field(k, r[k]);
    this.end();
  }

  // ------------------------------------------------------------ building blocks (the kernel's fast path)

  /** Makes room for `n` more bytes in `buf` (n <= 65,536). */
  reserve(n: number): void {
    if (this.pos + n > BUF) this.flush();
  }

  /** A preseeded key (`K_*`) or kind (`V_*`) id: one byte. */
  key(id: number): void {
    if (this.pos + 1 > BUF) this.flush();
    this.buf[this.pos++] = T_SHORT + id;
  }

  /** The end of a record. */
  end(): void {
    if (this.pos + 1 > BUF) this.flush();
    this.buf[this.pos++] = T_END;
  }

  /** A field with a string key (generic): skipped when JSON would omit it. */
  field(k: string, v: unknown): void {
    switch (typeof v) {
      case 'undefined':
      case 'function':
      case 'symbol':
        return;
      case 'object':
        if (v !== null) {
          this.objectField(k, v);
          return;
        }
    }
    this.string(k);
    this.value(v);
  }

  /** A field with a preseeded key whose value may be anything (a message, an op, a result...). */
  anyField(keyId: number, v: unknown): void {
    switch (typeof v) {
      case 'undefined':
      case 'function':
      case 'symbol':
        return;
      case 'object':
        if (v !== null) {
          const text = JSON.stringify(v) as string | undefined;
          if (text === undefined) return;
          this.key(keyId);
          this.jsonText(text);
          return;
        }
    }
    this.key(keyId);
    this.value(v);
  }

  /** The value of an object or array already turned into its JSON text. */
  jsonText(text: string): void {
    const c = text.charCodeAt(0);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (this.pos + 1 > BUF) this.flush();
      if (text === this.lastJson) {
        this.buf[this.pos++] = T_JSON_AGAIN;
        return;
      }
      this.lastJson = text;
      this.buf[this.pos++] = T_JSON;
      this.rawUtf8(text); // JSON text has no lone surrogates (JSON.stringify escapes them): UTF-8 is lossless
    } else {
      this.value(JSON.parse(text)); // a toJSON() that returned a primitive: the file holds the primitive
    }
  }

  /** A primitive value (null, boolean, number, string). */
  value(v: unknown): void {
    if (typeof v === 'number') this.number(v);
    else if (typeof v === 'string') this.string(v);
    else {
      if (this.pos + 1 > BUF) this.flush();
      this.buf[this.pos++] = v === true ? T_TRUE : v === false ? T_FALSE : T_NULL;
    }
  }

  number(v: number): void {
    if (this.pos + 11 > BUF) this.flush();
    const b = this.buf;
    if (Number.isSafeInteger(v)) {
      b[this.pos++] = T_INT;
      // zigzag without 32-bit operators (safe integers go up to 2^53)
      let z = v < 0 ? -2 * v - 1 : v === 0 ? 0 : 2 * v;
      while (z >= 0x80000000) {
        b[this.pos++] = (z % 128) | 128;
        z = Math.floor(z / 128);
      }
      while (z >= 128) {
        b[this.pos++] = (z & 127) | 128;
        z >>>= 7;
      }
      b[this.pos++] = z;
    } else if (Number.isFinite(v)) {
      b[this.pos++] = T_FLOAT;
      this.f64[0] = v;
      b.set(this.f64b, this.pos);
      this.pos += 8;
    } else {
      b[this.pos++] = T_NULL;
    }
  }

  /** A string value or key: its interned id if it has one, else its bytes (interning it if short). */
  string(s: string): number {
    const id = this.ids.get(s);
    if (id !== undefined) {
      this.ref(id);
      return id;
    }
    let assigned = -1;
    if (s.length <= INTERN_MAX_LEN && this.ids.size < INTERN_MAX) {
      assigned = this.ids.size;
      this.ids.set(s, assigned);
    }
    if (SURROGATE.test(s)) {
      this.flush();
      const head = Buffer.allocUnsafe(5);
      head[0] = T_UTF16;
      head.writeUInt32LE(s.length, 1);
      this.hash.update(head);
      this.hash.update(Buffer.from(s, 'utf16le'));
    } else {
      if (this.pos + 1 > BUF) this.flush();
      this.buf[this.pos++] = T_UTF8;
      this.rawUtf8(s);
    }
    return assigned;
  }

  /** The interned id a string got, or -1 (for the kernel's per-string cache). */
  idOf(s: string): number {
    return this.ids.get(s) ?? -1;
  }

  /** A reference to an interned string. */
  ref(id: number): void {
    if (this.pos + 6 > BUF) this.flush();
    const b = this.buf;
    if (id < SHORT_IDS) {
      b[this.pos++] = T_SHORT + id;
      return;
    }
    b[this.pos++] = T_REF;
    while (id >= 128) {
      b[this.pos++] = (id & 127) | 128;
      id >>>= 7;
    }
    b[this.pos++] = id;
  }

  /** u32le(byte length) then the UTF-8 bytes (the text has no surrogates, or is JSON text). */
  private rawUtf8(s: string): void {
    const max = s.length * 3;
    if (this.pos + 4 + max > BUF) {
      this.flush();
      if (4 + max > BUF) {
        const bytes = Buffer.from(s, 'utf8');
        const head = Buffer.allocUnsafe(4);
        head.writeUInt32LE(bytes.length, 0);
        this.hash.update(head);
        this.hash.update(bytes);
        return;
      }
    }
    const at = this.pos;
    const n = this.bytes.write(s, at + 4, 'utf8');
    this.bytes.writeUInt32LE(n, at);
    this.pos = at + 4 + n;
  }

  private objectField(k: string, v: object): void {
    const text = JSON.stringify(v) as string | undefined;
    if (text === undefined) return;
    this.string(k);
    this.jsonText(text);
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.hash.update(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}

/**
 * The digest of some records, as `Trace.sha256()` gives it for the run that emitted them. Works on
 * records decoded from a `--trace` JSONL file (file → digest = live digest).
 */
export function traceDigest(records: Iterable<object>): string {
  const d = new TraceDigest();
  for (const r of records) d.record(r);
  return d.hex();
}
