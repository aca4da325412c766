/**
 * Conformance op scripts (see conformance/FORMAT.md): types and a validating parser.
 *
 * `parseScript` accepts the parsed JSON of a script file and returns the same ops, checked. Fields
 * stay as FORMAT.md names them (snake_case) so a recorder can echo them verbatim. Unknown extra
 * fields are tolerated (forward compatibility); wrong types, unknown ops and missing required fields
 * throw a `ScriptError` whose message names the op index and the field.
 */

export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

/** `"scheme:id:perms"` or an object; perms are `cdrwa` letters or an integer. */
export type AclSpec = string | { readonly scheme: string; readonly id: string; readonly perms: string | number };

export const CREATE_MODES = [
  'persistent',
  'ephemeral',
  'persistent_sequential',
  'ephemeral_sequential',
  'container',
  'persistent_ttl',
  'persistent_sequential_ttl',
] as const;
export type CreateModeName = (typeof CREATE_MODES)[number];
export const CREATE_OPCODES = ['create', 'create2', 'createContainer', 'createTTL'] as const;
export type CreateOpcodeName = (typeof CREATE_OPCODES)[number];
/** WatcherType codes (FORMAT.md): 4 and 5 are 3.9 names a 3.8.0 server does not know. */
export const WATCHER_TYPE_CODES = { children: 1, data: 2, any: 3, persistent: 4, persistent_recursive: 5 } as const;
export const WATCHER_TYPES = ['children', 'data', 'any', 'persistent', 'persistent_recursive'] as const;

/** The WatcherType integer an op sends: `watcher_type_raw`, else the named or numeric type, default any. */
export function watcherTypeCode(op: { readonly watcher_type?: string | number; readonly watcher_type_raw?: number }): number {
  if (op.watcher_type_raw !== undefined) return op.watcher_type_raw;
  const t = op.watcher_type;
  if (t === undefined) return WATCHER_TYPE_CODES.any;
  if (typeof t === 'number') return t;
  const n = (WATCHER_TYPE_CODES as Readonly<Record<string, number>>)[t];
  if (n === undefined) throw new Error(`watcher_type "${t}" is not one of ${WATCHER_TYPES.join(', ')}`);
  return n;
}
export const ADD_WATCH_MODES = ['persistent', 'persistent_recursive'] as const;

interface Base {
  /** Session name; FORMAT.md default `s1`. Absent on sleep/srvr. */
  readonly session?: string;
  readonly note?: string;
}

/** Fields a create (top level or inside a multi) may carry. */
export interface CreateFields {
  readonly path: string;
  readonly data?: string | null;
  readonly data_size?: number;
  readonly data_b64?: string;
  readonly mode?: CreateModeName;
  readonly ephemeral?: boolean;
  readonly sequential?: boolean;
  readonly container?: boolean;
  readonly ttl?: number;
  readonly flags_raw?: number;
  readonly opcode?: CreateOpcodeName;
  readonly acl?: readonly AclSpec[];
}
export interface SetFields {
  readonly path: string;
  readonly data?: string | null;
  readonly data_size?: number;
  readonly data_b64?: string;
  readonly version?: number;
}

export type MultiSubOp =
  | ({ readonly op: 'create' } & CreateFields)
  | { readonly op: 'delete'; readonly path: string; readonly version?: number }
  | ({ readonly op: 'set' } & SetFields)
  | { readonly op: 'check'; readonly path: string; readonly version?: number };

export type ScriptOp = Base &
  (
    | { readonly op: 'open'; readonly timeout_ms?: number; readonly server?: string }
    | { readonly op: 'close' }
    | { readonly op: 'abandon' }
    | ({ readonly op: 'create' } & CreateFields)
    | { readonly op: 'delete'; readonly path: string; readonly version?: number }
    | ({ readonly op: 'set' } & SetFields)
    | { readonly op: 'get' | 'exists' | 'children'; readonly path: string; readonly watch?: boolean }
    | { readonly op: 'sync'; readonly path: string }
    | { readonly op: 'multi'; readonly ops: readonly MultiSubOp[] }
    | { readonly op: 'sleep'; readonly ms: number }
    | { readonly op: 'wait_gone'; readonly path: string; readonly timeout_ms?: number }
    | { readonly op: 'srvr' }
    | { readonly op: 'add_auth'; readonly scheme: string; readonly auth: string }
    | { readonly op: 'set_acl'; readonly path: string; readonly acl: readonly AclSpec[]; readonly version?: number }
    | { readonly op: 'get_acl'; readonly path: string }
    | { readonly op: 'add_watch'; readonly path: string; readonly mode?: (typeof ADD_WATCH_MODES)[number]; readonly mode_raw?: number }
    | {
        readonly op: 'remove_watches' | 'check_watches';
        readonly path: string;
        readonly watcher_type?: (typeof WATCHER_TYPES)[number] | number;
        readonly watcher_type_raw?: number;
      }
    | { readonly op: 'get_ephemerals'; readonly path?: string }
    | { readonly op: 'get_all_children_number'; readonly path: string }
  );

export type ScriptOpName = ScriptOp['op'];

export interface Script {
  readonly name: string;
  readonly description?: string;
  readonly ops: readonly ScriptOp[];
}

export const DEFAULT_SESSION = 's1';

/** The session an op runs on (FORMAT.md: default `s1`). */
export function sessionOf(op: ScriptOp): string {
  return op.session ?? DEFAULT_SESSION;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  constructor(
    readonly o: Obj,
    readonly where: string,
  ) {}
  fail(msg: string): never {
    throw new ScriptError(`${this.where}: ${msg}`);
  }
  str(k: string, required: boolean): void {
    const v = this.o[k];
    if (v === undefined) {
      if (required) this.fail(`missing "${k}"`);
      return;
    }
    if (typeof v !== 'string') this.fail(`"${k}" must be a string`);
  }
  path(required = true): void {
    this.str('path', required);
  }
  int(k: string, required = false, min = -Infinity): void {
    const v = this.o[k];
    if (v === undefined) {
      if (required) this.fail(`missing "${k}"`);
      return;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(`"${k}" must be an integer`);
    if (v < min) this.fail(`"${k}" must be >= ${min}`);
  }
  bool(k: string): void {
    const v = this.o[k];
    if (v !== undefined && typeof v !== 'boolean') this.fail(`"${k}" must be true or false`);
  }
  oneOf(k: string, allowed: readonly string[]): void {
    const v = this.o[k];
    if (v === undefined) return;
    if (typeof v !== 'string' || !allowed.includes(v)) this.fail(`"${k}" must be one of ${allowed.join(', ')}`);
  }
  data(): void {
    const v = this.o['data'];
    if (v !== undefined && v !== null && typeof v !== 'string') this.fail('"data" must be a string or null');
    this.int('data_size', false, 0);
    this.str('data_b64', false);
    const b64 = this.o['data_b64'];
    if (typeof b64 === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) this.fail('"data_b64" is not base64');
    const n = ['data', 'data_size', 'data_b64'].filter((f) => this.o[f] !== undefined).length;
    if (n > 1) this.fail('give only one of "data", "data_size", "data_b64"');
  }
  acl(k: string, required: boolean): void {
    const v = this.o[k];
    if (v === undefined) {
      if (required) this.fail(`missing "${k}"`);
      return;
    }
    if (!Array.isArray(v)) this.fail(`"${k}" must be a list of ACL entries`);
    v.forEach((e, j) => checkAclSpec(e, `${this.where}: ${k}[${j}]`));
  }
}

function checkAclSpec(e: unknown, where: string): void {
  if (typeof e === 'string') {
    const first = e.indexOf(':');
    const last = e.lastIndexOf(':');
    if (first < 0 || first === last) throw new ScriptError(`${where}: ACL "${e}" is not "scheme:id:perms"`);
    checkPerms(e.slice(last + 1), where);
    return;
  }
  if (isObj(e) && typeof e['scheme'] === 'string' && typeof e['id'] === 'string' &&
      (typeof e['perms'] === 'string' || typeof e['perms'] === 'number')) {
    checkPerms(e['perms'], where);
    return;
  }
  throw new ScriptError(`${where}: an ACL entry must be "scheme:id:perms" or {scheme, id, perms}`);
}

function checkPerms(p: string | number, where: string): void {
  if (typeof p === 'number') {
    if (!Number.isSafeInteger(p)) throw new ScriptError(`${where}: perms must be an integer`);
    return;
  }
  if (/^-?[0-9]+$/.test(p)) return;
  if (!/^[cdrwa]*$/.test(p)) throw new ScriptError(`${where}: perms "${p}" must be letters of cdrwa or an integer`);
}

function checkCreate(c: Checker): void {
  c.path();
  c.data();
  c.oneOf('mode', CREATE_MODES);
  c.bool('ephemeral');
  c.bool('sequential');
  c.bool('container');
  c.int('ttl');
  c.int('flags_raw');
  c.oneOf('opcode', CREATE_OPCODES);
  c.acl('acl', false);
}

function checkSub(v: unknown, where: string): MultiSubOp {
  if (!isObj(v)) throw new ScriptError(`${where}: a multi sub-op must be an object`);
  const c = new Checker(v, where);
  switch (v['op']) {
    case 'create':
      checkCreate(c);
      break;
    case 'delete':
    case 'check':
      c.path();
      c.int('version');
      break;
    case 'set':
      c.path();
      c.data();
      c.int('version');
      break;
    default:
      c.fail(`unknown multi sub-op ${JSON.stringify(v['op'])} (create, delete, set, check)`);
  }
  return v as unknown as MultiSubOp;
}

function checkOp(v: unknown, i: number): ScriptOp {
  const where = `op ${i}`;
  if (!isObj(v)) throw new ScriptError(`${where}: an op must be an object`);
  const c = new Checker(v, `${where} (${String(v['op'])})`);
  if (typeof v['op'] !== 'string') new Checker(v, where).fail('missing "op"');
  c.str('session', false);
  c.str('note', false);
  if (v['session'] === '') c.fail('"session" must not be empty');
  switch (v['op']) {
    case 'open':
      c.int('timeout_ms', false, 0);
      c.str('server', false);
      break;
    case 'close':
    case 'abandon':
    case 'srvr':
      break;
    case 'create':
      checkCreate(c);
      break;
    case 'delete':
      c.path();
      c.int('version');
      break;
    case 'set':
      c.path();
      c.data();
      c.int('version');
      break;
    case 'get':
    case 'exists':
    case 'children':
      c.path();
      c.bool('watch');
      break;
    case 'sync':
    case 'get_acl':
    case 'get_all_children_number':
      c.path();
      break;
    case 'multi': {
      const ops = v['ops'];
      if (!Array.isArray(ops)) throw new ScriptError(`${where} (multi): "ops" must be a list of sub-ops`);
      ops.forEach((s, j) => checkSub(s, `${where} (multi) sub-op ${j}`));
      break;
    }
    case 'sleep':
      c.int('ms', true, 0);
      break;
    case 'wait_gone':
      c.path();
      c.int('timeout_ms', false, 0);
      break;
    case 'add_auth':
      c.str('scheme', true);
      c.str('auth', true);
      break;
    case 'set_acl':
      c.path();
      c.acl('acl', true);
      c.int('version');
      break;
    case 'add_watch':
      c.path();
      c.oneOf('mode', ADD_WATCH_MODES);
      c.int('mode_raw');
      break;
    case 'remove_watches':
    case 'check_watches': {
      c.path();
      const wt = v['watcher_type'];
      if (wt !== undefined && typeof wt !== 'number') c.oneOf('watcher_type', WATCHER_TYPES);
      if (typeof wt === 'number') c.int('watcher_type');
      c.int('watcher_type_raw');
      break;
    }
    case 'get_ephemerals':
      c.path(false);
      break;
    default:
      c.fail(`unknown op ${JSON.stringify(v['op'])}`);
  }
  return v as unknown as ScriptOp;
}

/** Validates a parsed script file. Throws ScriptError with one clear message. */
export function parseScript(json: unknown): Script {
  if (Array.isArray(json)) json = { name: 'unnamed', ops: json };
  if (!isObj(json)) throw new ScriptError('a script must be a JSON object {"name", "ops": [...]}');
  const ops = json['ops'];
  if (!Array.isArray(ops)) throw new ScriptError('script: missing "ops" (a list of operations)');
  const name = json['name'] ?? 'unnamed';
  if (typeof name !== 'string') throw new ScriptError('script: "name" must be a string');
  const description = json['description'];
  if (description !== undefined && typeof description !== 'string')
    throw new ScriptError('script: "description" must be a string');
  const checked = ops.map((o, i) => checkOp(o, i));
  return description === undefined ? { name, ops: checked } : { name, description, ops: checked };
}

/** Parses script text (JSON). Malformed JSON is a ScriptError too. */
export function parseScriptText(text: string): Script {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScriptError(`malformed JSON: ${(e as Error).message}`);
  }
  return parseScript(json);
}
