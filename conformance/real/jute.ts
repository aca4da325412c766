/**
 * Jute, ZooKeeper's binary record encoding, as far as the client wire protocol needs it.
 *
 * Layouts follow `zookeeper-jute/src/main/resources/zookeeper.jute` (ZooKeeper 3.8): big-endian
 * int (4 bytes) and long (8 bytes); boolean is one byte; `buffer` and `ustring` are an int length
 * then the bytes, with length -1 meaning null; `vector` is an int count (-1 = null) then the items.
 * Longs (zxids, session ids) are kept as bigint here: a session id uses all 64 bits.
 */

/** Appends jute fields to a growing byte buffer. */
export class JuteWriter {
  private chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v | 0);
    return this.push(b);
  }

  long(v: bigint | number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt.asIntN(64, BigInt(v)));
    return this.push(b);
  }

  bool(v: boolean): this {
    return this.push(Buffer.from([v ? 1 : 0]));
  }

  /** A `buffer` field; null is sent as length -1 (what the Java client sends for null data). */
  buffer(v: Uint8Array | null): this {
    if (v === null) return this.int(-1);
    this.int(v.length);
    return this.push(Buffer.from(v));
  }

  /** A `ustring` field (UTF-8). */
  ustring(v: string | null): this {
    return this.buffer(v === null ? null : Buffer.from(v, 'utf8'));
  }

  /** A `vector` field: the count, then each item written by `item`. */
  vector<T>(items: readonly T[] | null, item: (w: JuteWriter, x: T) => void): this {
    if (items === null) return this.int(-1);
    this.int(items.length);
    for (const x of items) item(this, x);
    return this;
  }

  /** Already-encoded bytes (a nested record). */
  raw(b: Uint8Array): this {
    return this.push(Buffer.from(b));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  /** The record with ZooKeeper's 4-byte length prefix, ready for the socket. */
  toFrame(): Buffer {
    const body = this.toBuffer();
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length);
    return Buffer.concat([len, body]);
  }
}

/** Thrown when a reply is shorter than its layout says: a codec bug or a cut frame. */
export class JuteDecodeError extends Error {}

/** Reads jute fields from one received frame (without the length prefix). */
export class JuteReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new JuteDecodeError(`jute: need ${n} bytes at offset ${this.pos}, frame has ${this.buf.length}`);
    }
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  int(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  buffer(): Buffer | null {
    const len = this.int();
    if (len < 0) return null;
    this.need(len);
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  ustring(): string | null {
    const b = this.buffer();
    return b === null ? null : b.toString('utf8');
  }

  vector<T>(item: (r: JuteReader) => T): T[] | null {
    const n = this.int();
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}
