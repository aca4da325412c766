/**
 * Script ops (FORMAT.md) -> protocol requests, and protocol values -> recording values. Shared by
 * the model runner; the real-server runner may reuse the request side.
 */
import type { AclSpec, CreateFields, MultiSubOp, ScriptOp, SetFields } from '../script.ts';
import { ScriptError } from '../script.ts';
import { parsePerms, permsToString } from '../../protocol/request/acl.ts';
import {
  CreateFlag,
  OPEN_ACL_UNSAFE,
  type Acl,
  type CreateOpcode,
  type CreateRequest,
  type Data,
  type MultiSubRequest,
  type Stat,
} from '../../protocol/request/types.ts';
import type { RecordedStat } from '../recording.ts';
import { ECHO_FIELDS } from '../recording.ts';

/** `"scheme:id:perms"` (id = everything between the first and the last ':') or an object. */
export function parseAclSpec(spec: AclSpec): Acl {
  if (typeof spec === 'string') {
    const first = spec.indexOf(':');
    const last = spec.lastIndexOf(':');
    if (first < 0 || first === last) throw new ScriptError(`ACL "${spec}" is not "scheme:id:perms"`);
    return { scheme: spec.slice(0, first), id: spec.slice(first + 1, last), perms: parsePerms(spec.slice(last + 1)) };
  }
  return { scheme: spec.scheme, id: spec.id, perms: parsePerms(spec.perms) };
}

export function aclToString(a: Acl): string {
  return `${a.scheme}:${a.id}:${permsToString(a.perms)}`;
}

/** The data an op sends, as base64 (null for null bytes). Absent data sends null bytes. */
export function dataOf(op: { data?: string | null; data_size?: number; data_b64?: string }): Data {
  if (op.data_b64 !== undefined) return op.data_b64;
  if (op.data_size !== undefined) return Buffer.alloc(op.data_size, 'x').toString('base64');
  if (op.data === undefined || op.data === null) return null;
  return Buffer.from(op.data, 'utf8').toString('base64');
}

/** Recorded form of returned data: the UTF-8 text, or null. */
export function dataToText(d: Data | undefined): string | null {
  if (d === undefined || d === null) return null;
  return Buffer.from(d, 'base64').toString('utf8');
}

const MODE_FLAGS: Record<string, number> = {
  persistent: CreateFlag.PERSISTENT,
  ephemeral: CreateFlag.EPHEMERAL,
  persistent_sequential: CreateFlag.PERSISTENT_SEQUENTIAL,
  ephemeral_sequential: CreateFlag.EPHEMERAL_SEQUENTIAL,
  container: CreateFlag.CONTAINER,
  persistent_ttl: CreateFlag.PERSISTENT_WITH_TTL,
  persistent_sequential_ttl: CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL,
};

/** CreateMode flags of a create op: flags_raw, else mode, else the booleans (+ ttl). */
export function createFlagsOf(op: CreateFields): number {
  if (op.flags_raw !== undefined) return op.flags_raw;
  if (op.mode !== undefined) return MODE_FLAGS[op.mode]!;
  if (op.container) return CreateFlag.CONTAINER;
  const ttl = op.ttl !== undefined;
  const seq = op.sequential === true;
  if (ttl && !op.ephemeral) return seq ? CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateFlag.PERSISTENT_WITH_TTL;
  if (op.ephemeral) return seq ? CreateFlag.EPHEMERAL_SEQUENTIAL : CreateFlag.EPHEMERAL;
  return seq ? CreateFlag.PERSISTENT_SEQUENTIAL : CreateFlag.PERSISTENT;
}

/** The opcode: explicit, else createContainer / createTTL for those modes, else `dflt`. */
export function createOpcodeOf(op: CreateFields, dflt: CreateOpcode): CreateOpcode {
  if (op.opcode !== undefined) return op.opcode;
  const flags = createFlagsOf(op);
  if (flags === CreateFlag.CONTAINER) return 'createContainer';
  if (flags === CreateFlag.PERSISTENT_WITH_TTL || flags === CreateFlag.PERSISTENT_SEQUENTIAL_WITH_TTL) return 'createTTL';
  return dflt;
}

export function createRequestOf(op: CreateFields, dfltOpcode: CreateOpcode): CreateRequest {
  const opcode = createOpcodeOf(op, dfltOpcode);
  const acl = op.acl === undefined ? OPEN_ACL_UNSAFE : op.acl.map(parseAclSpec);
  const base = { op: 'create' as const, opcode, path: op.path, data: dataOf(op), acl, flags: createFlagsOf(op) };
  return opcode === 'createTTL' ? { ...base, ttl: op.ttl ?? -1 } : base;
}

export function setRequestOf(op: SetFields): { op: 'setData'; path: string; data: Data; version: number } {
  return { op: 'setData', path: op.path, data: dataOf(op), version: op.version ?? -1 };
}

/**
 * A multi sub-op. Creates default to opcode `create` (what the Java client's Op.create sends),
 * createContainer / createTTL for those modes.
 */
export function multiSubRequestOf(op: MultiSubOp): MultiSubRequest {
  switch (op.op) {
    case 'create':
      return createRequestOf(op, 'create');
    case 'delete':
      return { op: 'delete', path: op.path, version: op.version ?? -1 };
    case 'set':
      return setRequestOf(op);
    case 'check':
      return { op: 'check', path: op.path, version: op.version ?? -1 };
  }
}


export function echoFields(op: ScriptOp): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const o = op as unknown as Record<string, unknown>;
  for (const f of ECHO_FIELDS) if (o[f] !== undefined) out[f] = o[f];
  return out;
}

/** Recorded stat: relative zxids, masked times, owner as `session:NAME`. */
export function recordStat(s: Stat, base: number, ownerName: (id: string) => string): RecordedStat {
  return {
    czxid: s.czxid - base,
    mzxid: s.mzxid - base,
    pzxid: s.pzxid - base,
    ctime: '*',
    mtime: '*',
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: s.ephemeralOwner === '0x0' ? 0 : ownerName(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}
