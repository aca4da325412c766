/**
 * Length-prefixed frames, the one byte format of the Node host: each frame is a 4-byte big-endian
 * payload length, a 4-byte big-endian CRC-32 of the payload, then the payload (UTF-8 JSON).
 *
 * Used for the txn log file (a record per frame: a torn or corrupt last frame is detected and
 * dropped at restart) and for the server-to-server sockets (the quorum/election wire format is not
 * ZooKeeper's: plain JSON of the protocol's messages).
 */
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 8;
/** A frame larger than this is refused (a corrupt length field must not make us allocate 4 GiB). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload) >>> 0, 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

export interface DecodedFrames {
  readonly values: unknown[];
  /** Byte offset just after each decoded frame. */
  readonly ends: number[];
  /** Bytes consumed (the end of the last whole, valid frame). */
  readonly used: number;
  /** Why decoding stopped before the end of `buf` (undefined: it stopped at a frame boundary or
   *  inside an incomplete last frame, which may still be completed by more bytes). */
  readonly corrupt?: string;
}

/** Decodes the whole frames at the start of `buf` (an incomplete last frame is left unused). */
export function decodeFrames(buf: Buffer, start = 0): DecodedFrames {
  const values: unknown[] = [];
  const ends: number[] = [];
  let at = start;
  while (buf.length - at >= HEADER_BYTES) {
    const len = buf.readUInt32BE(at);
    if (len > MAX_FRAME_BYTES) return { values, ends, used: at, corrupt: `frame length ${len} over ${MAX_FRAME_BYTES}` };
    if (buf.length - at - HEADER_BYTES < len) break;
    const payload = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + len);
    if ((crc32(payload) >>> 0) !== buf.readUInt32BE(at + 4)) return { values, ends, used: at, corrupt: 'checksum mismatch' };
    let v: unknown;
    try {
      v = JSON.parse(payload.toString('utf8'));
    } catch {
      return { values, ends, used: at, corrupt: 'payload is not JSON' };
    }
    values.push(v);
    at += HEADER_BYTES + len;
    ends.push(at);
  }
  return { values, ends, used: at };
}

/** Reassembles frames from a byte stream (a socket): `push` returns the frames completed so far. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { values: unknown[]; corrupt?: string } {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const d = decodeFrames(this.buf);
    this.buf = this.buf.subarray(d.used);
    return d.corrupt === undefined ? { values: d.values } : { values: d.values, corrupt: d.corrupt };
  }
}
