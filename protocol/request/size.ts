/**
 * The size of a request packet on the wire (jute encoding, RequestHeader included, length prefix
 * excluded), for the jute.maxbuffer check: a server reading a packet longer than jute.maxbuffer
 * (default 1,048,575 bytes) closes the connection, so the client sees ConnectionLoss.
 */
import { dataLengthOf } from '../datatree/znode.ts';
import type { Acl, Data, MultiSubRequest, Request } from './types.ts';

export const DEFAULT_JUTE_MAXBUFFER = 0xfffff;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const ustring = (s: string): number => 4 + utf8(s);
const buffer = (d: Data): number => 4 + dataLengthOf(d);
const acls = (a: readonly Acl[]): number => 4 + a.reduce((n, e) => n + 4 + ustring(e.scheme) + ustring(e.id), 0);

function recordSize(req: Request | MultiSubRequest): number {
  switch (req.op) {
    case 'create':
      return ustring(req.path) + buffer(req.data) + acls(req.acl) + 4 + (req.opcode === 'createTTL' ? 8 : 0);
    case 'delete':
    case 'check':
      return ustring(req.path) + 4;
    case 'setData':
      return ustring(req.path) + buffer(req.data) + 4;
    case 'setACL':
      return ustring(req.path) + acls(req.acl) + 4;
    case 'multi':
      // MultiHeader (type int, done bool, err int) before each op and a closing one.
      return req.ops.reduce((n, op) => n + 9 + recordSize(op), 0) + 9;
    case 'getData':
    case 'exists':
    case 'getChildren':
      return ustring(req.path) + 1;
    case 'addWatch':
    case 'removeWatches':
    case 'checkWatches':
      return ustring(req.path) + 4;
    case 'getEphemerals':
      return ustring(req.prefix);
    case 'addAuth':
      return 4 + ustring(req.scheme) + 4 + utf8(req.auth);
    case 'createSession':
      return 4 + 8 + 4 + 8 + 4 + 16;
    case 'closeSession':
      return 0;
    default:
      return ustring(req.path);
  }
}

/** Bytes of the request packet after the 4-byte length prefix. */
export function requestPacketSize(req: Request): number {
  return 8 + recordSize(req);
}
