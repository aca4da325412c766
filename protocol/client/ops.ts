/**
 * The application-facing API of the simulated client: what a `request` input to a client node may
 * hold. ZooKeeper API calls use the request shapes of `protocol/request/types.ts`; omitted fields
 * take the Java client's defaults (version -1, open ACL, persistent, create2, no watch).
 * Client-level calls: connect, close, abandon (drop the connection, let the session expire),
 * reconnect (drop the connection and move the session to the next server, as a server-list update
 * that rebalances clients does), state (the handle's state, ZooKeeper.getState()). Watch events and
 * connection-state changes are not asked for: the client emits them as `notify` effects.
 */
import type { Acl, MultiSubRequest, Request } from '../request/types.ts';
import { OPEN_ACL_UNSAFE } from '../request/types.ts';

export type ClientOp =
  | Request
  /** `server`: try this server first (the conformance scripts' `open` may name one). */
  | { readonly op: 'connect'; readonly timeoutMs?: number; readonly server?: string }
  | { readonly op: 'abandon' }
  | { readonly op: 'reconnect' }
  | { readonly op: 'state' };

type Raw = Record<string, unknown>;

function str(r: Raw, k: string): string {
  const v = r[k];
  if (typeof v !== 'string') throw new Error(`${String(r['op'])}: '${k}' must be a string`);
  return v;
}
function num(r: Raw, k: string, dflt: number): number {
  const v = r[k] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${String(r['op'])}: '${k}' must be a number`);
  return v;
}
function data(r: Raw): string | null {
  const v = r['data'];
  if (v === undefined || v === null) return v === null ? null : '';
  if (typeof v !== 'string') throw new Error(`${String(r['op'])}: 'data' must be a string or null`);
  return v;
}
function acl(r: Raw): readonly Acl[] {
  const v = r['acl'];
  if (v === undefined) return OPEN_ACL_UNSAFE;
  if (!Array.isArray(v)) throw new Error(`${String(r['op'])}: 'acl' must be a list`);
  return v as Acl[];
}
function bool(r: Raw, k: string): boolean {
  return r[k] === true;
}

function sub(r: Raw): MultiSubRequest {
  const req = normalizeOp(r);
  if (req.op === 'create' || req.op === 'delete' || req.op === 'setData' || req.op === 'check') return req;
  throw new Error(`multi: unsupported sub-op ${String(r['op'])}`);
}

/** Validates and completes an application call; throws Error with a one-line message. */
export function normalizeOp(raw: unknown): ClientOp {
  if (typeof raw !== 'object' || raw === null || typeof (raw as Raw)['op'] !== 'string') {
    throw new Error('a client request must be an object with an "op" string');
  }
  const r = raw as Raw;
  const op = r['op'] as string;
  switch (op) {
    case 'connect': {
      const server = r['server'];
      if (server !== undefined && typeof server !== 'string') throw new Error("connect: 'server' must be a node id");
      return {
        op,
        ...(r['timeoutMs'] === undefined ? {} : { timeoutMs: num(r, 'timeoutMs', 0) }),
        ...(server === undefined ? {} : { server }),
      };
    }
    case 'abandon':
    case 'reconnect':
    case 'state':
      return { op };
    case 'close':
    case 'closeSession':
      return { op: 'closeSession' };
    case 'create': {
      const opcode = (r['opcode'] as string | undefined) ?? 'create2';
      if (!['create', 'create2', 'createContainer', 'createTTL'].includes(opcode)) throw new Error(`create: bad opcode ${opcode}`);
      const base = { op: 'create' as const, opcode: opcode as 'create', path: str(r, 'path'), data: data(r), acl: acl(r), flags: num(r, 'flags', 0) };
      return r['ttl'] === undefined ? base : { ...base, ttl: num(r, 'ttl', -1) };
    }
    case 'delete':
      return { op, path: str(r, 'path'), version: num(r, 'version', -1) };
    case 'setData':
      return { op, path: str(r, 'path'), data: data(r), version: num(r, 'version', -1) };
    case 'check':
      return { op, path: str(r, 'path'), version: num(r, 'version', -1) };
    case 'getData':
    case 'exists':
      return { op, path: str(r, 'path'), watch: bool(r, 'watch') };
    case 'getChildren':
      return { op, path: str(r, 'path'), watch: bool(r, 'watch'), withStat: r['withStat'] !== false };
    case 'sync':
    case 'getACL':
    case 'getAllChildrenNumber':
      return { op, path: str(r, 'path') };
    case 'multi': {
      const ops = r['ops'];
      if (!Array.isArray(ops)) throw new Error("multi: 'ops' must be a list");
      return { op, ops: ops.map((o) => sub(o as Raw)) };
    }
    case 'setACL':
      return { op, path: str(r, 'path'), acl: acl(r), version: num(r, 'version', -1) };
    case 'addWatch':
      return { op, path: str(r, 'path'), mode: num(r, 'mode', 0) };
    case 'removeWatches':
    case 'checkWatches':
      return { op, path: str(r, 'path'), watcherType: num(r, 'watcherType', 3) };
    case 'getEphemerals':
      return { op, prefix: typeof r['prefix'] === 'string' ? r['prefix'] : typeof r['path'] === 'string' ? r['path'] : '/' };
    case 'addAuth':
      return { op, scheme: str(r, 'scheme'), auth: str(r, 'auth') };
    default:
      throw new Error(`unknown client op '${op}'`);
  }
}
