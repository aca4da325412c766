/**
 * Raw-socket helpers for the gateway's tests: send bytes exactly as given, collect the frames the
 * server answers with, and whether it closed the connection.
 */
import net from 'node:net';
import { JuteReader, JuteWriter } from '../../../../conformance/real/jute.ts';

export interface Exchange {
  /** Bytes received, split into frames (without their length prefix); a partial tail is dropped. */
  readonly frames: Buffer[];
  readonly text: string;
  readonly closed: boolean;
}

/**
 * Connects, writes each chunk, and collects until the server closes or `waitMs` passes — or, with
 * `untilFrames`, until that many frames came (then `settleMs` more, to see a close that follows).
 */
export function exchange(
  port: number,
  chunks: readonly Buffer[],
  waitMs = 500,
  untilFrames?: number | ((frames: Buffer[]) => boolean),
  settleMs = 150,
): Promise<Exchange> {
  const enough = (all: Buffer): boolean =>
    untilFrames === undefined ? false : typeof untilFrames === 'number' ? splitFrames(all).length >= untilFrames : untilFrames(splitFrames(all));
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    let closed = false;
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      const all = Buffer.concat(got);
      resolve({ frames: splitFrames(all), text: all.toString('utf8'), closed });
    };
    const timer = setTimeout(done, waitMs);
    sock.on('connect', () => {
      for (const c of chunks) sock.write(c);
    });
    let settling = false;
    sock.on('data', (d) => {
      got.push(d);
      if (settling || !enough(Buffer.concat(got))) return;
      settling = true;
      clearTimeout(timer);
      setTimeout(done, settleMs);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      closed = true;
      done();
    });
  });
}

/** Whole length-prefixed frames (without their prefix); a partial tail is dropped. */
function splitFrames(all: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i + 4 <= all.length) {
    const len = all.readInt32BE(i);
    if (len < 0 || i + 4 + len > all.length) break;
    frames.push(all.subarray(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return frames;
}

/** A ConnectRequest frame (with the trailing readOnly flag unless `oldClient`). */
export function connectFrame(o: { sessionId?: bigint; passwd?: Buffer; timeoutMs?: number; lastZxid?: bigint; oldClient?: boolean } = {}): Buffer {
  const w = new JuteWriter().int(0).long(o.lastZxid ?? 0n).int(o.timeoutMs ?? 10_000).long(o.sessionId ?? 0n).buffer(o.passwd ?? Buffer.alloc(16));
  if (!o.oldClient) w.bool(false);
  return w.toFrame();
}

/** A request frame: RequestHeader(xid, type) + body. */
export function requestFrame(xid: number, type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.concat([new JuteWriter().int(xid).int(type).toBuffer(), body]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
}

export interface ConnectResponse {
  readonly timeoutMs: number;
  readonly sessionId: bigint;
  readonly passwd: Buffer;
  readonly readOnly: boolean | undefined;
}

export function readConnectResponse(f: Buffer): ConnectResponse {
  const r = new JuteReader(f);
  r.int();
  const timeoutMs = r.int();
  const sessionId = r.long();
  const passwd = Buffer.from(r.buffer() ?? Buffer.alloc(0));
  return { timeoutMs, sessionId, passwd, readOnly: r.remaining > 0 ? r.bool() : undefined };
}

export interface ReplyHead {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
  readonly body: JuteReader;
}

export function readReply(f: Buffer): ReplyHead {
  const r = new JuteReader(f);
  return { xid: r.int(), zxid: r.long(), err: r.int(), body: r };
}
