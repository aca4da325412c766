/**
 * Encodes the protocol's plain-data `Reply` (`protocol/request/types.ts`) as the 3.8 response
 * record of the request's opcode (`zookeeper.jute`): the body that follows a ReplyHeader. A reply
 * with an error code has no body, except a multi (its header is OK and each result carries its own
 * code, as MultiResponse does).
 */
import { JuteWriter } from '../../../conformance/real/jute.ts';
import { OpCode, type Acl, type MultiResult, type Reply, type Stat } from '../../../protocol/request/types.ts';

/** A session id (`'0x…'` hex, unsigned) as the signed 64-bit long jute carries. */
export function sessionLong(id: string): bigint {
  return BigInt.asIntN(64, BigInt(id));
}

export function writeStat(w: JuteWriter, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).long(s.ctime).long(s.mtime);
  w.int(s.version).int(s.cversion).int(s.aversion);
  w.long(sessionLong(s.ephemeralOwner)).int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

function writeAcl(w: JuteWriter, a: Acl): void {
  w.int(a.perms).ustring(a.scheme).ustring(a.id);
}

function data(d: string | null | undefined): Buffer | null {
  return d === null || d === undefined ? null : Buffer.from(d, 'base64');
}

const ZERO_STAT: Stat = {
  czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
  ephemeralOwner: '0x0', dataLength: 0, numChildren: 0, pzxid: 0,
};

function stat(w: JuteWriter, s: Stat | null | undefined): void {
  writeStat(w, s ?? ZERO_STAT);
}

function multiResult(w: JuteWriter, r: MultiResult): void {
  switch (r.type) {
    case 'create':
      if (r.stat === undefined) {
        w.int(OpCode.create).bool(false).int(0).ustring(r.path);
      } else {
        w.int(OpCode.create2).bool(false).int(0).ustring(r.path);
        writeStat(w, r.stat);
      }
      return;
    case 'delete':
      w.int(OpCode.delete).bool(false).int(0);
      return;
    case 'check':
      w.int(OpCode.check).bool(false).int(0);
      return;
    case 'setData':
      w.int(OpCode.setData).bool(false).int(0);
      writeStat(w, r.stat);
      return;
    case 'error':
      w.int(OpCode.error).bool(false).int(r.err).int(r.err);
      return;
  }
}

/** The response body of `opcode` for `reply` (empty when the op has none or the reply is an error). */
export function encodeReplyBody(opcode: number, reply: Reply): Buffer {
  const w = new JuteWriter();
  if (opcode === OpCode.multi) {
    if (reply.results === undefined) return w.toBuffer();
    for (const r of reply.results) multiResult(w, r);
    w.int(-1).bool(true).int(-1);
    return w.toBuffer();
  }
  if (reply.rc !== 0) return w.toBuffer();
  switch (opcode) {
    case OpCode.create:
      w.ustring(reply.path ?? '');
      break;
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      w.ustring(reply.path ?? '');
      stat(w, reply.stat);
      break;
    case OpCode.exists:
    case OpCode.setData:
    case OpCode.setACL:
      stat(w, reply.stat);
      break;
    case OpCode.getData:
      w.buffer(data(reply.data));
      stat(w, reply.stat);
      break;
    case OpCode.getACL:
      w.vector(reply.acl ?? [], writeAcl);
      stat(w, reply.stat);
      break;
    case OpCode.getChildren:
      w.vector(reply.children ?? [], (x, c) => void x.ustring(c));
      break;
    case OpCode.getChildren2:
      w.vector(reply.children ?? [], (x, c) => void x.ustring(c));
      stat(w, reply.stat);
      break;
    case OpCode.sync:
      w.ustring(reply.path ?? '');
      break;
    case OpCode.getEphemerals:
      w.vector(reply.ephemerals ?? [], (x, c) => void x.ustring(c));
      break;
    case OpCode.getAllChildrenNumber:
      w.int(reply.totalNumber ?? 0);
      break;
    default:
      // delete, check, checkWatches, removeWatches, addWatch, setWatches, closeSession: no body.
      break;
  }
  return w.toBuffer();
}

/** A multiRead's MultiResponse: each sub-read's result (GetChildrenResponse, GetDataResponse or an
 *  ErrorResult, never aborting the rest), then the done marker. */
export function encodeMultiReadBody(reads: readonly { readonly opcode: number; readonly reply: Reply }[]): Buffer {
  const w = new JuteWriter();
  for (const { opcode, reply } of reads) {
    if (reply.rc !== 0) {
      w.int(OpCode.error).bool(false).int(reply.rc).int(reply.rc);
      continue;
    }
    w.int(opcode).bool(false).int(0);
    w.raw(encodeReplyBody(opcode, reply));
  }
  w.int(-1).bool(true).int(-1);
  return w.toBuffer();
}
