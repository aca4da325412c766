/**
 * Decodes the body of a client request (after its RequestHeader) into the protocol's plain-data
 * `Request` (`protocol/request/types.ts`), record by record as `zookeeper.jute` (3.8) lays them out.
 *
 * `decodeRequest` answers one of three things, which is what the 3.8 server does with a packet:
 * - `request`: a request the model serves;
 * - `local`: a reply the gateway gives itself (ops the model does not have, see README.md);
 * - `unimplemented`: an opcode 3.8 does not know (`Request.isValid` false): UNIMPLEMENTED, then
 *   the connection is closed (UnimplementedRequestProcessor).
 * A body shorter than its layout throws `JuteDecodeError` (the caller answers MARSHALLINGERROR).
 */
import { JuteReader } from '../../../conformance/real/jute.ts';
import type { SetWatchesRequest } from '../../../protocol/client/wire.ts';
import { Err } from '../../../protocol/request/errors.ts';
import {
  OpCode,
  type Acl,
  type CreateOpcode,
  type CreateRequest,
  type Data,
  type MultiSubRequest,
  type Request,
} from '../../../protocol/request/types.ts';

/** A multiRead sub-op: getChildren (no stat) or getData. */
export type ReadSubRequest = Extract<Request, { op: 'getChildren' | 'getData' }>;

export type Decoded =
  | { readonly kind: 'request'; readonly req: Request | SetWatchesRequest }
  | { readonly kind: 'whoAmI' }
  | { readonly kind: 'multiRead'; readonly reads: readonly ReadSubRequest[] }
  | { readonly kind: 'local'; readonly err: number; readonly zxid: 'last' | number; readonly body?: Buffer }
  | { readonly kind: 'unimplemented' };

export function dataOf(b: Buffer | null): Data {
  return b === null ? null : b.toString('base64');
}

function path(r: JuteReader): string {
  return r.ustring() ?? '';
}

export function readAcls(r: JuteReader): Acl[] {
  return (
    r.vector((x) => {
      const perms = x.int();
      const scheme = x.ustring() ?? '';
      const id = x.ustring() ?? '';
      return { perms, scheme, id };
    }) ?? []
  );
}

const CREATE_OPCODES: ReadonlyMap<number, CreateOpcode> = new Map([
  [OpCode.create, 'create'],
  [OpCode.create2, 'create2'],
  [OpCode.createContainer, 'createContainer'],
  [OpCode.createTTL, 'createTTL'],
]);

function create(r: JuteReader, opcode: CreateOpcode): CreateRequest {
  const p = path(r);
  const data = dataOf(r.buffer());
  const acl = readAcls(r);
  const flags = r.int();
  if (opcode !== 'createTTL') return { op: 'create', opcode, path: p, data, acl, flags };
  return { op: 'create', opcode, path: p, data, acl, flags, ttl: Number(r.long()) };
}

/** One sub-op of a MultiRequest (MultiOperationRecord); undefined = not a multi sub-op type. */
function multiSub(type: number, r: JuteReader): MultiSubRequest | undefined {
  const c = CREATE_OPCODES.get(type);
  if (c !== undefined) return create(r, c);
  switch (type) {
    case OpCode.delete:
      return { op: 'delete', path: path(r), version: r.int() };
    case OpCode.setData:
      return { op: 'setData', path: path(r), data: dataOf(r.buffer()), version: r.int() };
    case OpCode.check:
      return { op: 'check', path: path(r), version: r.int() };
    default:
      return undefined;
  }
}

function strings(r: JuteReader): string[] {
  return r.vector((x) => x.ustring() ?? '') ?? [];
}

/** The request body of opcode `type`. `sasl` and the ops the model lacks are answered locally. */
export function decodeRequest(type: number, r: JuteReader): Decoded {
  const req = (q: Request | SetWatchesRequest): Decoded => ({ kind: 'request', req: q });
  const c = CREATE_OPCODES.get(type);
  if (c !== undefined) return req(create(r, c));
  switch (type) {
    case OpCode.delete:
      return req({ op: 'delete', path: path(r), version: r.int() });
    case OpCode.exists:
      return req({ op: 'exists', path: path(r), watch: r.bool() });
    case OpCode.getData:
      return req({ op: 'getData', path: path(r), watch: r.bool() });
    case OpCode.setData:
      return req({ op: 'setData', path: path(r), data: dataOf(r.buffer()), version: r.int() });
    case OpCode.getACL:
      return req({ op: 'getACL', path: path(r) });
    case OpCode.setACL:
      return req({ op: 'setACL', path: path(r), acl: readAcls(r), version: r.int() });
    case OpCode.getChildren:
    case OpCode.getChildren2:
      return req({ op: 'getChildren', path: path(r), watch: r.bool(), withStat: type === OpCode.getChildren2 });
    case OpCode.sync:
      return req({ op: 'sync', path: path(r) });
    case OpCode.check:
      return req({ op: 'check', path: path(r), version: r.int() });
    case OpCode.multi: {
      const ops: MultiSubRequest[] = [];
      for (;;) {
        const t = r.int();
        const done = r.bool();
        r.int(); // err
        if (done) break;
        const sub = multiSub(t, r);
        // MultiOperationRecord: "Invalid type of op" (an IOException: MARSHALLINGERROR).
        if (sub === undefined) return { kind: 'local', err: Err.MARSHALLINGERROR, zxid: 'last' };
        ops.push(sub);
      }
      return req({ op: 'multi', ops });
    }
    case OpCode.checkWatches:
      return req({ op: 'checkWatches', path: path(r), watcherType: r.int() });
    case OpCode.removeWatches:
      return req({ op: 'removeWatches', path: path(r), watcherType: r.int() });
    case OpCode.getEphemerals:
      return req({ op: 'getEphemerals', prefix: path(r) });
    case OpCode.getAllChildrenNumber:
      return req({ op: 'getAllChildrenNumber', path: path(r) });
    case OpCode.addWatch:
      return req({ op: 'addWatch', path: path(r), mode: r.int() });
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const relativeZxid = Number(r.long());
      const dataWatches = strings(r);
      const existWatches = strings(r);
      const childWatches = strings(r);
      const two = type === OpCode.setWatches2;
      const persistentWatches = two ? strings(r) : [];
      const persistentRecursiveWatches = two ? strings(r) : [];
      return req({ op: 'setWatches', relativeZxid, dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches });
    }
    case OpCode.closeSession:
      return req({ op: 'closeSession' });
    case OpCode.reconfig:
      // reconfigEnabled=false (3.8's default): ReconfigDisabled.
      return { kind: 'local', err: Err.RECONFIGDISABLED, zxid: 'last' };
    case OpCode.sasl:
      // No SASL provider configured: 3.8 answers OK with a null token and zxid 0.
      return { kind: 'local', err: Err.OK, zxid: 0, body: Buffer.from([0xff, 0xff, 0xff, 0xff]) };
    case OpCode.multiRead: {
      const reads: ReadSubRequest[] = [];
      for (;;) {
        const t = r.int();
        const done = r.bool();
        r.int(); // err
        if (done) break;
        if (t === OpCode.getChildren) reads.push({ op: 'getChildren', path: path(r), watch: r.bool(), withStat: false });
        else if (t === OpCode.getData) reads.push({ op: 'getData', path: path(r), watch: r.bool() });
        else return { kind: 'local', err: Err.MARSHALLINGERROR, zxid: 'last' };
      }
      return { kind: 'multiRead', reads };
    }
    case OpCode.whoAmI:
      return { kind: 'whoAmI' };
    case OpCode.createSession:
    case OpCode.deleteContainer:
      // Valid opcodes in 3.8 that this gateway does not serve (README.md): UNIMPLEMENTED.
      return { kind: 'unimplemented' };
    default:
      return { kind: 'unimplemented' };
  }
}
