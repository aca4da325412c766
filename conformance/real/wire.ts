/**
 * ZooKeeper 3.8 client wire records: opcodes (ZooDefs.OpCode), error codes (KeeperException.Code),
 * and the request/response record layouts of `zookeeper.jute` that the conformance client uses.
 */
import { JuteReader, JuteWriter } from './jute.ts';

/** Opcodes are the protocol's own table (ZooDefs.OpCode), shared with the model. */
import { Err } from '../../protocol/request/errors.ts';
import { OpCode } from '../../protocol/request/types.ts';
export { OpCode };

/** Reserved xids: the server marks watch notifications, ping and auth replies with these. */
export const XID_NOTIFICATION = -1;
export const XID_PING = -2;
export const XID_AUTH = -4;

/** Error code -> upper-case name, as KeeperException.Code spells it (the protocol's table). */
export { errName as errorName } from '../../protocol/request/errors.ts';

/** The code of an upper-case error name (undefined for recorder-only names like NO_SUCH_SESSION). */
export function errorCode(name: string): number | undefined {
  return Object.hasOwn(Err, name) ? Err[name as keyof typeof Err] : undefined;
}

export const AUTH_FAILED = Err.AUTHFAILED;

/** Watch event types (Watcher.Event.EventType) and connection states (KeeperState). */
const EVENT_TYPES: ReadonlyMap<number, string> = new Map([
  [-1, 'None'],
  [1, 'NodeCreated'],
  [2, 'NodeDeleted'],
  [3, 'NodeDataChanged'],
  [4, 'NodeChildrenChanged'],
  [5, 'DataWatchRemoved'],
  [6, 'ChildWatchRemoved'],
  [7, 'PersistentWatchRemoved'],
]);
const KEEPER_STATES: ReadonlyMap<number, string> = new Map([
  [-1, 'Unknown'],
  [0, 'Disconnected'],
  [3, 'SyncConnected'],
  [4, 'AuthFailed'],
  [5, 'ConnectedReadOnly'],
  [6, 'SaslAuthenticated'],
  [-112, 'Expired'],
  [7, 'Closed'],
]);
export const eventTypeName = (t: number): string => EVENT_TYPES.get(t) ?? `EventType(${t})`;
export const keeperStateName = (s: number): string => KEEPER_STATES.get(s) ?? `KeeperState(${s})`;

export interface WireStat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export function readStat(r: JuteReader): WireStat {
  return {
    czxid: r.long(),
    mzxid: r.long(),
    ctime: r.long(),
    mtime: r.long(),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.long(),
  };
}

export interface WireAcl {
  perms: number;
  scheme: string;
  id: string;
}

export function writeAcl(w: JuteWriter, a: WireAcl): void {
  w.int(a.perms).ustring(a.scheme).ustring(a.id);
}

export function readAcl(r: JuteReader): WireAcl {
  const perms = r.int();
  const scheme = r.ustring() ?? '';
  const id = r.ustring() ?? '';
  return { perms, scheme, id };
}

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(r: JuteReader): WatcherEvent {
  return { type: r.int(), state: r.int(), path: r.ustring() ?? '' };
}

/** CreateRequest / CreateTTLRequest body (the TTL field only for opcode createTTL). */
export function writeCreate(
  w: JuteWriter,
  path: string,
  data: Uint8Array | null,
  acl: readonly WireAcl[],
  flags: number,
  ttl?: number,
): JuteWriter {
  w.ustring(path).buffer(data).vector(acl, writeAcl).int(flags);
  if (ttl !== undefined) w.long(BigInt(ttl));
  return w;
}

/** One sub-result of a MultiResponse. `type` is the MultiHeader type (-1 for an error). */
export interface MultiSubResult {
  type: number;
  err: number;
  path?: string;
  stat?: WireStat;
}

/** MultiResponse: (MultiHeader, body)* terminated by a header with done=true. */
export function readMultiResponse(r: JuteReader): MultiSubResult[] {
  const out: MultiSubResult[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    const err = r.int();
    if (done) return out;
    switch (type) {
      case OpCode.create:
        out.push({ type, err, path: r.ustring() ?? '' });
        break;
      case OpCode.create2:
        out.push({ type, err, path: r.ustring() ?? '', stat: readStat(r) });
        break;
      case OpCode.setData:
        out.push({ type, err, stat: readStat(r) });
        break;
      case OpCode.delete:
      case OpCode.check:
        out.push({ type, err });
        break;
      case OpCode.error:
        out.push({ type, err: r.int() });
        break;
      default:
        throw new Error(`multi reply: unexpected sub-result type ${type}`);
    }
  }
}
