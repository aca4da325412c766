/**
 * Turns op-script fields (FORMAT.md) into what goes on the wire: data bytes, ACL lists, create
 * flags and opcodes, watcher types. Pure functions, shared by the real runner and its tests.
 */
import type { AclSpec, CreateFields, CreateModeName, CreateOpcodeName } from '../script.ts';
import { watcherTypeCode } from '../script.ts';
import type { WireAcl } from './wire.ts';
import { OpCode } from './wire.ts';

/** The byte used for `data_size` filler. */
export const FILLER_BYTE = 'x'.charCodeAt(0);

/**
 * Data bytes of a create/set. `data: null` sends a null buffer (length -1), as the Java client
 * does for a null byte[]; no data field at all also sends null (zkCli's `create /p` without data).
 */
export function dataBytes(f: { data?: string | null; data_size?: number; data_b64?: string }): Buffer | null {
  if (f.data_size !== undefined) return Buffer.alloc(f.data_size, FILLER_BYTE);
  if (f.data_b64 !== undefined) return Buffer.from(f.data_b64, 'base64');
  if (f.data === undefined || f.data === null) return null;
  return Buffer.from(f.data, 'utf8');
}

const PERM_BITS: ReadonlyArray<readonly [string, number]> = [
  ['c', 4],
  ['d', 8],
  ['r', 1],
  ['w', 2],
  ['a', 16],
];

/** `cdrwa` letters (any order) or a decimal integer -> the permission bits. */
export function parsePerms(p: string | number): number {
  if (typeof p === 'number') return p | 0;
  if (/^-?[0-9]+$/.test(p)) return parseInt(p, 10) | 0;
  let bits = 0;
  for (const ch of p) {
    const e = PERM_BITS.find(([l]) => l === ch);
    if (!e) throw new Error(`perms "${p}": '${ch}' is not one of cdrwa`);
    bits |= e[1];
  }
  return bits;
}

/** Permission bits as recorded: letters in the fixed order c d r w a, or decimal above 0x1f. */
export function formatPerms(bits: number): string {
  if ((bits & ~0x1f) !== 0) return String(bits);
  return PERM_BITS.filter(([, b]) => (bits & b) !== 0)
    .map(([l]) => l)
    .join('');
}

/** `"scheme:id:perms"` (id = everything between the first and the last colon) or an object. */
export function parseAcl(spec: AclSpec): WireAcl {
  if (typeof spec !== 'string') return { scheme: spec.scheme, id: spec.id, perms: parsePerms(spec.perms) };
  const first = spec.indexOf(':');
  const last = spec.lastIndexOf(':');
  if (first < 0 || first === last) throw new Error(`ACL "${spec}" is not "scheme:id:perms"`);
  return { scheme: spec.slice(0, first), id: spec.slice(first + 1, last), perms: parsePerms(spec.slice(last + 1)) };
}

export const OPEN_ACL: readonly WireAcl[] = [{ perms: 31, scheme: 'world', id: 'anyone' }];

/** The ACL list to send; absent means ZooKeeper's OPEN_ACL_UNSAFE (`world:anyone:cdrwa`). */
export function aclList(specs: readonly AclSpec[] | undefined): readonly WireAcl[] {
  return specs === undefined ? OPEN_ACL : specs.map(parseAcl);
}

/** A recorded ACL entry: `scheme:id:perms`. */
export function formatAcl(a: WireAcl): string {
  return `${a.scheme}:${a.id}:${formatPerms(a.perms)}`;
}

/** CreateMode flag values (CreateMode.toFlag). */
const MODE_FLAGS: Readonly<Record<CreateModeName, number>> = {
  persistent: 0,
  ephemeral: 1,
  persistent_sequential: 2,
  ephemeral_sequential: 3,
  container: 4,
  persistent_ttl: 5,
  persistent_sequential_ttl: 6,
};

const OPCODES: Readonly<Record<CreateOpcodeName, number>> = {
  create: OpCode.create,
  create2: OpCode.create2,
  createContainer: OpCode.createContainer,
  createTTL: OpCode.createTTL,
};

export interface CreatePlan {
  opcode: number;
  flags: number;
  /** Present exactly when the opcode is createTTL (CreateTTLRequest carries it). */
  ttl?: number;
}

/**
 * Flags and opcode of a create. Flags: `flags_raw`, else `mode`, else the booleans (container -> 4;
 * a ttl on a non-ephemeral -> the TTL modes 5/6; else ephemeral 1 | sequential 2). Opcode:
 * `opcode`, else createContainer for flag 4, createTTL for flags 5/6, else `defaultOpcode`
 * (create2 at top level). So an ephemeral with a ttl goes out as a plain create2 without the
 * ttl (only createTTL carries one), and a TTL create without `ttl` sends -1 (BadArguments).
 */
export function createPlan(f: CreateFields, defaultOpcode: number = OpCode.create2): CreatePlan {
  let flags: number;
  if (f.flags_raw !== undefined) flags = f.flags_raw;
  else if (f.mode !== undefined) flags = MODE_FLAGS[f.mode];
  else if (f.container) flags = 4;
  else if (f.ttl !== undefined && !f.ephemeral) flags = f.sequential ? 6 : 5;
  else flags = (f.ephemeral ? 1 : 0) | (f.sequential ? 2 : 0);
  let opcode: number;
  if (f.opcode !== undefined) opcode = OPCODES[f.opcode];
  else if (flags === 4) opcode = OpCode.createContainer;
  else if (flags === 5 || flags === 6) opcode = OpCode.createTTL;
  else opcode = defaultOpcode;
  return opcode === OpCode.createTTL ? { opcode, flags, ttl: f.ttl ?? -1 } : { opcode, flags };
}

/** WatcherType for checkWatches/removeWatches (one table: `conformance/script.ts`). */
export const watcherType = watcherTypeCode;

/** AddWatchMode: persistent 0, persistent_recursive 1, or `mode_raw`. */
export function addWatchMode(op: { mode?: string; mode_raw?: number }): number {
  if (op.mode_raw !== undefined) return op.mode_raw;
  return op.mode === 'persistent_recursive' ? 1 : 0;
}
