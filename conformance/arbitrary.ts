/**
 * fast-check generators of conformance op scripts for the differential test (model vs a real
 * ZooKeeper 3.8).
 *
 * Paths come from a small universe so ops collide (NodeExists, NotEmpty, BadVersion, watches that
 * fire); a few bad paths and ZooKeeper's own nodes are mixed in. Every op kind, node kind, version
 * rule, watch kind, multi and ACL scheme of FORMAT.md appears.
 *
 * Two script families, because a real server's clocks cannot be paused:
 * - `untimedScript`: no waiting. Run on a server whose container/TTL checker effectively never
 *   fires (see `UNTIMED_CONFIG`), so containers and TTL nodes of any kind are safe to generate.
 * - `timedScript`: untimed ops (without containers or short TTLs: a real checker could remove
 *   them at any moment), then ONE timed segment (a session abandoned and left to expire, an
 *   emptied container, a short-TTL node) followed by a sleep long enough for a real server to
 *   have acted, then more untimed ops. One segment per script, so no two expiries race.
 */
import fc from 'fast-check';
import { createPlan } from './real/encode.ts';
import { OpCode } from './real/wire.ts';
import type { AclSpec, CreateFields, MultiSubOp, Script, ScriptOp } from './script.ts';

/** The `super` identity the test servers (and the model) are configured with: super:secret. */
export const SUPER_DIGEST = 'super:lK75jTNcA+U9vtVEw5vB51mj/w4=';

/** Server settings the two families are recorded with (mirror them in the model). */
export const UNTIMED_CONFIG = { tickTime: 2000, containerCheckIntervalMs: 3_600_000, superDigest: SUPER_DIGEST } as const;
export const TIMED_CONFIG = { tickTime: 100, containerCheckIntervalMs: 100, superDigest: SUPER_DIGEST } as const;
/** Session timeout the timed segment's doomed session asks for (within [2, 20] x 100 ms). */
export const TIMED_SESSION_TIMEOUT_MS = 1000;
/** TTL of the timed segment's TTL node: long enough that the ops right after its create see it. */
export const TIMED_TTL_MS = 1000;
/**
 * How long a timed segment sleeps: session timeout (or TTL) + tick rounding + container checks,
 * with a wide margin for a busy machine.
 */
export const TIMED_SLEEP_MS = 2400;

const SESSIONS = ['s1', 's2', 's3'] as const;
const NODES = ['/a', '/a/b', '/a/b/c', '/b', '/b/x', '/c'];
const SEQ_BASES = ['/a/q-', '/q-'];
const SEQ_NAMES = ['/a/q-0000000000', '/a/q-0000000001', '/a/q-0000000002', '/q-0000000000', '/q-0000000001'];
const SYSTEM = ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/zookeeper/x'];
const BAD = ['/a/', '//a', 'a', '/a/./b', '/a/../b', '/missing/x', '/a/b/c/d/e'];

const ACL_IDS: readonly string[] = [
  'world:anyone',
  'digest:fox:ZsWwgmtnTnx1usRF1voHFJAYGQU=',
  'digest:bob:ikIaKsbtGweaHnb/jKn7OHqbunM=',
  'auth:',
  'ip:127.0.0.1',
  'ip:10.0.0.0/8',
  'ip:127.0.0.0/8',
  'world:nobody',
];
const AUTHS: ReadonlyArray<readonly [string, string]> = [
  ['digest', 'fox:123456'],
  ['digest', 'bob:pw'],
  ['digest', 'fox:wrong'],
  ['digest', 'super:secret'],
  ['ip', '127.0.0.1'],
];

/** Drops undefined fields so scripts are exactly what JSON would hold. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `arb` one time in `oneIn`, else undefined (the field is left out). */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const session = fc.constantFrom(...SESSIONS);
const nodePath = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NODES) },
  { weight: 2, arbitrary: fc.constantFrom(...SEQ_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...SYSTEM) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD) },
);
const createPath = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...NODES) },
  { weight: 3, arbitrary: fc.constantFrom(...SEQ_BASES) },
  { weight: 1, arbitrary: fc.constantFrom(...SYSTEM, ...BAD) },
);
const version = sometimes(fc.constantFrom(-1, 0, 1, 2, -2), 2);
const perms = fc.oneof(
  { weight: 6, arbitrary: fc.subarray(['c', 'd', 'r', 'w', 'a']).map((l) => l.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('cdrwa', 'r', '') },
  { weight: 1, arbitrary: fc.constantFrom<string | number>(31, 1, 0) },
);
const aclEntry: fc.Arbitrary<AclSpec> = fc.tuple(fc.constantFrom(...ACL_IDS), perms).map(([id, p]) =>
  typeof p === 'number' ? `${id}:${p}` : `${id}:${p}`,
);
const aclList = fc.oneof(
  { weight: 8, arbitrary: fc.array(aclEntry, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant([] as AclSpec[]) },
);
const optAcl = sometimes(aclList, 4);

type DataFields = { data?: string | null; data_size?: number; data_b64?: string };
const data: fc.Arbitrary<DataFields> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', 'x', 'hello', 'v2', 'é✓').map((d) => ({ data: d })) },
  { weight: 2, arbitrary: fc.constant({ data: null }) },
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => ({ data_size: n })) },
  { weight: 1, arbitrary: fc.constantFrom('AAEC', '/w==', 'aGk=').map((b) => ({ data_b64: b })) },
);
/** Rarely, a request larger than jute.maxbuffer: the server drops the connection. */
const dataOrHuge: fc.Arbitrary<DataFields> = fc.oneof(
  { weight: 60, arbitrary: data },
  { weight: 1, arbitrary: fc.constant({ data_size: 1_048_600 }) },
);

const TTL_VALUES = [3_600_000, 1_099_511_627_775, 0, -1, 1_099_511_627_776];

/** Create fields. `timeSafe` leaves out containers and valid short TTLs (see the file comment). */
function createFields(timeSafe: boolean, allowHuge: boolean): fc.Arbitrary<CreateFields> {
  const modes = timeSafe
    ? (['persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential', 'persistent_ttl', 'persistent_sequential_ttl'] as const)
    : (['persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential', 'container', 'persistent_ttl', 'persistent_sequential_ttl'] as const);
  const kind = fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 4, arbitrary: fc.constantFrom(...modes).map((mode) => ({ mode })) },
    {
      weight: 3,
      arbitrary: fc
        .record({ ephemeral: fc.boolean(), sequential: fc.boolean(), container: timeSafe ? fc.constant(false) : fc.boolean() })
        .map((b) => clean({ ephemeral: b.ephemeral || undefined, sequential: b.sequential || undefined, container: b.container || undefined })),
    },
  );
  return fc
    .record({
      path: createPath,
      kind,
      d: allowHuge ? dataOrHuge : data,
      ttl: sometimes(fc.constantFrom(...TTL_VALUES), 5),
      opcode: sometimes(fc.constantFrom('create', 'create2', 'createContainer', 'createTTL' as const), 10),
      flags_raw: sometimes(fc.constantFrom(7, -1, 4, 1), 25),
      acl: optAcl,
    })
    .map(({ path, kind, d, ttl, opcode, flags_raw, acl }) => {
      let f: CreateFields = clean({ path, ...kind, ...d, ttl, opcode, flags_raw, acl });
      // A TTL mode without a ttl mostly gets a valid, never-expiring one.
      if ((f.mode === 'persistent_ttl' || f.mode === 'persistent_sequential_ttl') && f.ttl === undefined) f = { ...f, ttl: 3_600_000 };
      if (timeSafe && (f.opcode === 'createContainer' || f.flags_raw === 4)) f = clean({ ...f, opcode: undefined, flags_raw: undefined });
      return avoidTtlCrash(f);
    });
}

/**
 * A real ZooKeeper 3.8.0 CRASHES (SyncThread dies, the JVM exits) on a createTTL request whose
 * flags are not a TTL mode and whose ttl is negative: validation lets it through and applying the
 * CreateTTLTxn throws. That is a server bug, not a behaviour to compare, so such creates get a
 * non-negative ttl (then the server answers BadArguments).
 */
export function avoidTtlCrash(f: CreateFields): CreateFields {
  const plan = createPlan(f);
  const ttlFlags = plan.flags === 5 || plan.flags === 6;
  if (plan.opcode === OpCode.createTTL && !ttlFlags && (plan.ttl ?? -1) < 0) return { ...f, ttl: 3_600_000 };
  return f;
}

function subOp(timeSafe: boolean): fc.Arbitrary<MultiSubOp> {
  return fc.oneof(
    { weight: 3, arbitrary: createFields(timeSafe, false).map((c): MultiSubOp => ({ op: 'create', ...c })) },
    { weight: 2, arbitrary: fc.record({ path: nodePath, version }).map((r): MultiSubOp => clean({ op: 'delete', ...r })) },
    { weight: 2, arbitrary: fc.record({ path: nodePath, d: data, version }).map(({ path, d, version }): MultiSubOp => clean({ op: 'set', path, ...d, version })) },
    { weight: 2, arbitrary: fc.record({ path: nodePath, version }).map((r): MultiSubOp => clean({ op: 'check', ...r })) },
  );
}

/** One op that needs no waiting. `timeSafe`: also safe while a real container/TTL checker runs. */
function untimedOp(timeSafe: boolean): fc.Arbitrary<ScriptOp> {
  const s = session;
  const op = <T extends ScriptOp>(a: fc.Arbitrary<T>, weight: number): fc.WeightedArbitrary<ScriptOp> => ({ weight, arbitrary: a });
  return fc.oneof(
    op(fc.record({ session: s, c: createFields(timeSafe, true) }).map(({ session, c }): ScriptOp => ({ op: 'create', session, ...c })), 14),
    op(fc.record({ session: s, path: nodePath, version }).map((r): ScriptOp => clean({ op: 'delete', ...r })), 6),
    op(fc.record({ session: s, path: nodePath, d: data, version }).map(({ session, path, d, version }): ScriptOp => clean({ op: 'set', session, path, ...d, version })), 5),
    op(fc.record({ session: s, op: fc.constantFrom('get', 'exists', 'children' as const), path: nodePath, watch: fc.constantFrom(undefined, true, true, false) }).map((r): ScriptOp => clean(r)), 14),
    op(fc.record({ session: s, path: nodePath }).map((r): ScriptOp => ({ op: 'sync', ...r })), 1),
    op(fc.record({ session: s, ops: fc.array(subOp(timeSafe), { minLength: 0, maxLength: 4 }) }).map((r): ScriptOp => ({ op: 'multi', ...r })), 5),
    op(fc.record({ session: s, a: fc.constantFrom(...AUTHS) }).map(({ session, a }): ScriptOp => ({ op: 'add_auth', session, scheme: a[0], auth: a[1] })), 3),
    op(fc.record({ session: s, path: nodePath, acl: aclList, version }).map((r): ScriptOp => clean({ op: 'set_acl', ...r })), 3),
    op(fc.record({ session: s, path: nodePath }).map((r): ScriptOp => ({ op: 'get_acl', ...r })), 2),
    op(
      fc
        .record({ session: s, path: nodePath, mode: fc.constantFrom('persistent', 'persistent_recursive' as const), raw: sometimes(fc.constantFrom(2, -1), 15) })
        .map(({ session, path, mode, raw }): ScriptOp => clean({ op: 'add_watch', session, path, mode, mode_raw: raw })),
      4,
    ),
    op(
      fc
        .record({ session: s, op: fc.constantFrom('remove_watches', 'check_watches' as const), path: nodePath, wt: fc.constantFrom<'children' | 'data' | 'any' | number>('children', 'data', 'any', 'any', 4, 5) })
        .map(({ session, op, path, wt }): ScriptOp => ({ op, session, path, watcher_type: wt })),
      3,
    ),
    op(fc.record({ session: s, path: sometimes(fc.constantFrom('/', '/a', '/q', '/b/'), 2) }).map((r): ScriptOp => clean({ op: 'get_ephemerals', ...r })), 2),
    op(fc.record({ session: s, path: nodePath }).map((r): ScriptOp => ({ op: 'get_all_children_number', ...r })), 2),
    op(fc.record({ session: s }).map((r): ScriptOp => ({ op: 'close', ...r })), 2),
    op(fc.record({ session: s }).map((r): ScriptOp => ({ op: 'open', ...r })), 1),
    op(fc.constant<ScriptOp>({ op: 'srvr' }), 1),
  );
}

/** Ops that only make sense on an untimed server: a forgotten session, an auth failure. */
const untimedOnly: fc.Arbitrary<ScriptOp> = fc.oneof(
  fc.record({ session }).map((r): ScriptOp => ({ op: 'abandon', ...r })),
  session.map((s): ScriptOp => ({ op: 'add_auth', session: s, scheme: 'bogus', auth: 'x' })),
  fc.record({ session, path: nodePath, timeout_ms: fc.constantFrom(0, 50) }).map((r): ScriptOp => ({ op: 'wait_gone', ...r })),
);

/**
 * Turns an `open` of a session that is already open (FORMAT.md does not say what that records)
 * into a harmless sync on that session. Deterministic in the op list, so shrinking keeps it valid.
 */
export function normalizeOps(ops: readonly ScriptOp[]): ScriptOp[] {
  const open = new Set<string>();
  const out: ScriptOp[] = [];
  for (const o of ops) {
    const s = o.session ?? 's1';
    if (o.op === 'open') {
      if (open.has(s)) {
        out.push({ op: 'sync', session: s, path: '/' });
        continue;
      }
      open.add(s);
    } else if (o.op === 'close' || o.op === 'abandon' || (o.op === 'add_auth' && o.scheme === 'bogus')) {
      open.delete(s);
    } else if (o.op !== 'sleep' && o.op !== 'srvr') {
      open.add(s);
    }
    out.push(o);
  }
  return out;
}

/**
 * A list of `min`..`max` items whose shrinking may go below `min`: generation honours the size
 * the test wants (30+ ops), but a counterexample can shrink to the few ops that matter. It
 * generates with one array arbitrary and shrinks with another over the same items (same value
 * and context shapes; only the length floor differs).
 */
class ListShrinkingBelowMin<T> extends fc.Arbitrary<T[]> {
  private readonly gen: fc.Arbitrary<T[]>;
  private readonly shr: fc.Arbitrary<T[]>;
  constructor(item: fc.Arbitrary<T>, min: number, max: number) {
    super();
    this.gen = fc.array(item, { minLength: min, maxLength: max });
    this.shr = fc.array(item, { minLength: 0, maxLength: max });
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    return this.gen.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T[] {
    return this.shr.canShrinkWithoutContext(value);
  }
  shrink(value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    return this.shr.shrink(value, context);
  }
}

export function opList(item: fc.Arbitrary<ScriptOp>, min: number, max: number): fc.Arbitrary<ScriptOp[]> {
  return new ListShrinkingBelowMin(item, min, max);
}

function named(prefix: string, ops: readonly ScriptOp[]): Script {
  return { name: prefix, ops: normalizeOps(ops) };
}

export function untimedScript(minOps = 30, maxOps = 45): fc.Arbitrary<Script> {
  const one = fc.oneof({ weight: 30, arbitrary: untimedOp(false) }, { weight: 1, arbitrary: untimedOnly });
  return opList(one, minOps, maxOps).map((ops) => named('diff-untimed', ops));
}

/** The timed segment: something only time removes, then a sleep. Session `t` is used only here. */
/** The segment's wait: a fixed sleep, or polling until `path` is gone (both outlast the event). */
function waitFor(path: string, watcher: string, poll: boolean): ScriptOp {
  return poll ? { op: 'wait_gone', session: watcher, path, timeout_ms: 10_000 } : { op: 'sleep', ms: TIMED_SLEEP_MS };
}

const timedSegment: fc.Arbitrary<ScriptOp[]> = fc.oneof(
  // Session expiry: t owns ephemerals others watch; t is abandoned and expires.
  fc.record({ watcher: session, seq: fc.boolean(), close: fc.boolean(), poll: fc.boolean() }).map(({ watcher, seq, close, poll }): ScriptOp[] => [
    { op: 'open', session: 't', timeout_ms: TIMED_SESSION_TIMEOUT_MS },
    { op: 'create', session: 'a1', path: '/t', data: '' },
    { op: 'create', session: 't', path: '/t/e', mode: seq ? 'ephemeral_sequential' : 'ephemeral', data: 't' },
    { op: 'create', session: 't', path: '/t/f', ephemeral: true },
    { op: 'children', session: watcher, path: '/t', watch: true },
    { op: 'exists', session: watcher, path: '/t/f', watch: true },
    { op: close ? 'close' : 'abandon', session: 't' },
    waitFor('/t/f', watcher, poll),
    { op: 'children', session: watcher, path: '/t' },
  ]),
  // Container: removed by the checker once emptied after having had a child. The child is an
  // ephemeral of a session left to expire, so the emptying (and the removal a check later)
  // happens during the sleep: an explicit delete would race the checker against the recorder.
  fc.record({ watcher: session, nested: fc.boolean(), poll: fc.boolean() }).map(({ watcher, nested, poll }): ScriptOp[] => [
    { op: 'open', session: 't', timeout_ms: TIMED_SESSION_TIMEOUT_MS },
    { op: 'create', session: 'a1', path: '/k', mode: 'container' },
    ...(nested ? [{ op: 'create', session: 'a1', path: '/k/x', mode: 'container' } as ScriptOp] : []),
    { op: 'create', session: 't', path: nested ? '/k/x/e' : '/k/e', ephemeral: true, data: 'e' },
    { op: 'exists', session: watcher, path: '/k', watch: true },
    { op: 'create', session: 'a1', path: '/k2', mode: 'container', note: 'never used: stays' },
    { op: 'abandon', session: 't' },
    waitFor('/k', watcher, poll),
    { op: 'exists', session: watcher, path: '/k' },
    { op: 'exists', session: watcher, path: '/k2' },
  ]),
  // TTL: removed once childless and unmodified for ttl ms. Under a fresh parent so the
  // sequential name is known in advance.
  fc.record({ watcher: session, seq: fc.boolean(), touch: fc.boolean(), poll: fc.boolean() }).map(({ watcher, seq, touch, poll }): ScriptOp[] => {
    const node = seq ? '/tt/n-0000000000' : '/tt/n-';
    return [
      { op: 'create', session: 'a1', path: '/tt', data: '' },
      { op: 'create', session: 'a1', path: '/tt/n-', mode: seq ? 'persistent_sequential_ttl' : 'persistent_ttl', ttl: TIMED_TTL_MS, data: '' },
      { op: 'get', session: watcher, path: node, watch: true },
      { op: 'children', session: watcher, path: '/tt', watch: true },
      ...(touch ? [{ op: 'set', session: 'a1', path: node, data: 'y' } as ScriptOp] : []),
      waitFor(node, watcher, poll),
      { op: 'get_all_children_number', session: watcher, path: '/tt' },
    ];
  }),
);

export function timedScript(): fc.Arbitrary<Script> {
  const ops = opList(untimedOp(true), 12, 18);
  return fc.tuple(ops, timedSegment, ops).map(([a, seg, b]) => named('diff-timed', [...a, ...seg, ...b]));
}
