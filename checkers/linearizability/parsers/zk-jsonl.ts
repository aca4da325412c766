/**
 * zabsim's ZooKeeper client histories (JSONL; the format is written down in ../README.md) ->
 * write operations for the zookeeper model. Reads are dropped (not required to be linearizable),
 * as are ops answered with a code the model does not predict (NOAUTH, BADARGUMENTS, ...: refused
 * before they could change anything). An op answered with CONNECTIONLOSS, OPERATIONTIMEOUT,
 * SESSIONEXPIRED, SESSIONMOVED or REQUESTTIMEOUT, an `info` record, or no answer at all has an
 * unknown outcome: it may take effect at any point after its invocation, or never.
 */
import { HistoryError } from '../history-error.ts';
import { INDETERMINATE_RCS, MODELED_RCS, parentOf, validPath } from '../models/zookeeper/ops.ts';
import type { CreateMode, ZkInput, ZkOp, ZkOutput, ZkSubOp, ZkSubResult } from '../models/zookeeper/ops.ts';
import { freshTree, makeTree } from '../models/zookeeper/tree.ts';
import type { Tree, ZNode } from '../models/zookeeper/tree.ts';
import type { Operation } from '../types.ts';

export interface ZkHistory {
  readonly ops: Operation<ZkInput, ZkOutput>[];
  readonly initial: Tree;
  /** Records seen but not checked here. */
  readonly reads: number;
  readonly unmodeled: number;
}

const READS = new Set(['get', 'getData', 'exists', 'children', 'getChildren', 'getChildren2', 'sync', 'getAcl', 'get_acl']);

type Rec = Record<string, unknown>;

class Bad {
  constructor(readonly message: string) {}
}
const bad = (message: string): never => {
  throw new Bad(message);
};

function str(r: Rec, k: string): string {
  const v = r[k];
  return typeof v === 'string' && v !== '' ? v : bad(`"${k}" must be a non-empty string`);
}

/** Any non-empty string: a malformed path is the server's to refuse (BADARGUMENTS). */
function path(r: Rec): string {
  return str(r, 'path');
}

function version(r: Rec): number {
  const v = r['version'] ?? -1;
  return typeof v === 'number' && Number.isInteger(v) ? v : bad(`"version" must be an integer`);
}

const MODES: Record<string, [CreateMode, boolean]> = {
  persistent: ['persistent', false],
  persistent_sequential: ['persistent', true],
  ephemeral: ['ephemeral', false],
  ephemeral_sequential: ['ephemeral', true],
  container: ['container', false],
  persistent_ttl: ['ttl', false],
  persistent_sequential_ttl: ['ttl', true],
};

function createMode(r: Rec): [CreateMode, boolean] {
  const m = r['mode'];
  if (m !== undefined) {
    if (typeof m !== 'string' || !(m in MODES)) bad(`unknown create "mode" ${JSON.stringify(m)}`);
    const [mode, seq] = MODES[m as string]!;
    return [mode, seq || r['sequential'] === true];
  }
  const mode: CreateMode =
    r['ephemeral'] === true ? 'ephemeral' : r['container'] === true ? 'container' : r['ttl'] !== undefined ? 'ttl' : 'persistent';
  return [mode, r['sequential'] === true];
}

function subOp(r: Rec, inMulti: boolean): ZkSubOp | 'read' {
  const name = str(r, 'op');
  switch (name) {
    case 'create': {
      const [mode, sequential] = createMode(r);
      return { op: 'create', path: path(r), mode, sequential };
    }
    case 'delete':
      return { op: 'delete', path: path(r), version: version(r) };
    case 'set':
    case 'setData':
      return { op: 'set', path: path(r), version: version(r) };
    case 'check':
      return { op: 'check', path: path(r), version: version(r) };
    default:
      if (!inMulti && READS.has(name)) return 'read';
      return bad(`unknown ${inMulti ? 'multi sub-' : ''}op ${JSON.stringify(name)}`);
  }
}

function parseOp(r: Rec): ZkOp | 'read' {
  const name = str(r, 'op');
  if (name === 'close' || name === 'closeSession' || name === 'expire') return { op: 'close' };
  if (name === 'multi') {
    const ops = Array.isArray(r['ops']) ? (r['ops'] as unknown[]) : bad('multi needs an "ops" list');
    return {
      op: 'multi',
      ops: ops.map((s, i) => {
        if (typeof s !== 'object' || s === null) return bad(`multi sub-op ${i} is not an object`);
        return subOp(s as Rec, true) as ZkSubOp;
      }),
    };
  }
  return subOp(r, false);
}

function statVersion(r: Rec): number | undefined {
  const s = r['stat'];
  if (s === undefined || s === null) return r['version'] === undefined ? undefined : version(r);
  if (typeof s !== 'object') bad('"stat" must be an object');
  const v = (s as Rec)['version'];
  return typeof v === 'number' ? v : undefined;
}

/** A sub-result in either spelling: `{rc, path, version}` or the conformance recording's
 *  `{type, err, path, stat}`. */
function subResult(r: Rec): ZkSubResult {
  const rc = typeof r['rc'] === 'string' ? (r['rc'] as string) : r['type'] === 'error' ? str(r, 'err') : 'OK';
  const p = typeof r['path'] === 'string' ? (r['path'] as string) : undefined;
  const v = statVersion(r);
  return { rc, ...(p !== undefined ? { path: p } : {}), ...(v !== undefined ? { version: v } : {}) };
}

/** The recorded outcome, or 'unknown', or 'unmodeled'. */
function parseResult(r: Rec, op: ZkOp): ZkOutput | 'unmodeled' {
  const rc = str(r, 'rc');
  if (INDETERMINATE_RCS.has(rc)) return { unknown: true };
  if (op.op === 'multi') {
    const subs = Array.isArray(r['results'])
      ? (r['results'] as unknown[]).map((s, i) =>
          typeof s === 'object' && s !== null ? subResult(s as Rec) : bad(`result ${i} is not an object`),
        )
      : undefined;
    if (subs !== undefined && subs.length !== op.ops.length) bad(`multi has ${op.ops.length} ops but ${subs.length} results`);
    // The conformance recorder writes rc OK plus multi_failed; the API reports the first error.
    const firstError = subs?.find((s) => s.rc !== 'OK' && s.rc !== 'RUNTIMEINCONSISTENCY')?.rc;
    const overall = rc === 'OK' && (r['multi_failed'] === true || firstError !== undefined) ? (firstError ?? bad('multi_failed without a failing result')) : rc;
    if (!MODELED_RCS.has(overall)) return INDETERMINATE_RCS.has(overall) ? { unknown: true } : 'unmodeled';
    if (subs?.some((s) => !MODELED_RCS.has(s.rc) && s.rc !== 'RUNTIMEINCONSISTENCY')) return 'unmodeled';
    return { unknown: false, rc: overall, ...(subs !== undefined ? { subs } : {}) };
  }
  if (!MODELED_RCS.has(rc)) return 'unmodeled';
  const p = typeof r['path_returned'] === 'string' ? (r['path_returned'] as string) : undefined;
  const v = rc === 'OK' && (op.op === 'create' || op.op === 'set') ? statVersion(r) : undefined;
  return { unknown: false, rc, ...(p !== undefined && rc === 'OK' ? { path: p } : {}), ...(v !== undefined ? { version: v } : {}) };
}

function parseInit(r: Rec): Tree {
  const list = Array.isArray(r['nodes']) ? (r['nodes'] as unknown[]) : bad('init needs a "nodes" list');
  const base = freshTree();
  const nodes = new Map(base.nodes);
  const childCreates = new Map<string, number>();
  for (const [i, raw] of list.entries()) {
    if (typeof raw !== 'object' || raw === null) bad(`init node ${i} is not an object`);
    const n = raw as Rec;
    const p = path(n);
    if (!validPath(p) || p === '/') bad(`init node path ${JSON.stringify(p)} is not a valid ZooKeeper path`);
    const parent = parentOf(p);
    if (nodes.has(p)) bad(`init lists ${p} twice (or a node a fresh server has)`);
    const par = nodes.get(parent) ?? bad(`init lists ${p} before its parent`);
    if (par.owner !== '') bad(`init puts ${p} under an ephemeral`);
    const owner = n['ephemeralOwner'] ?? '';
    if (typeof owner !== 'string') bad(`"ephemeralOwner" must be a session name`);
    const cc = n['childCreates'];
    if (cc !== undefined && (typeof cc !== 'number' || !Number.isInteger(cc) || cc < 0)) bad('"childCreates" must be a non-negative integer');
    if (cc !== undefined) childCreates.set(p, cc as number);
    nodes.set(parent, { ...par, numChildren: par.numChildren + 1, childCreates: par.childCreates + 1 });
    nodes.set(p, { version: version(n) === -1 ? 0 : version(n), childCreates: 0, numChildren: 0, owner: owner as string });
  }
  for (const [p, cc] of childCreates) {
    const n = nodes.get(p)!;
    if (cc < n.numChildren) bad(`"childCreates" of ${p} is below its number of children`);
    nodes.set(p, { ...n, childCreates: cc });
  }
  return makeTree(new Map([...nodes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
}

interface Pending {
  readonly line: number;
  readonly label: string;
  readonly process: string;
  readonly input: ZkInput | 'read';
  readonly call: number;
}

export function parseZkHistory(text: string, file: string): ZkHistory {
  const lines = text.split('\n');
  let initial = freshTree();
  let timed: boolean | undefined;
  const pending = new Map<string, Pending>();
  const seenIds = new Set<string>();
  const ops: Omit<Operation<ZkInput, ZkOutput>, 'index'>[] = [];
  let reads = 0;
  let unmodeled = 0;
  let events = 0;
  for (let li = 0; li < lines.length; li++) {
    const lineText = lines[li]!.trim();
    if (lineText === '') continue;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(lineText);
      } catch {
        bad('not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('a record must be a JSON object');
      const r = parsed as Rec;
      const type = str(r, 'type');
      if (type === 'init') {
        if (events > 0) bad('"init" must come before every invoke/return');
        initial = parseInit(r);
        continue;
      }
      if (type !== 'invoke' && type !== 'return' && type !== 'info') bad(`unknown record type ${JSON.stringify(type)}`);
      events++;
      const rawId = r['id'];
      if (typeof rawId !== 'string' && typeof rawId !== 'number') bad('"id" must be a string or a number');
      const id = String(rawId);
      const hasTime = r['time'] !== undefined;
      if (timed === undefined) timed = hasTime;
      if (timed !== hasTime) bad('either every record has "time" or none does');
      const time = hasTime ? r['time'] : li;
      if (typeof time !== 'number' || !Number.isFinite(time)) bad('"time" must be a finite number');
      if (type === 'invoke') {
        if (seenIds.has(id)) bad(`op id ${id} is invoked twice`);
        seenIds.add(id);
        const process = r['process'];
        if (typeof process !== 'string' && typeof process !== 'number') bad('"process" must be a string or a number');
        const session = r['session'] === undefined ? String(process) : str(r, 'session');
        const op = parseOp(r);
        pending.set(id, {
          line: li,
          label: id,
          process: String(process),
          input: op === 'read' ? 'read' : { session, op },
          call: time as number,
        });
        continue;
      }
      const p = pending.get(id) ?? bad(`${type} for op id ${id}, which is not pending`);
      if ((time as number) < p.call) bad(`op ${id} returns before it was invoked (line ${p.line + 1})`);
      pending.delete(id);
      if (p.input === 'read') {
        reads++;
        continue;
      }
      const output: ZkOutput | 'unmodeled' = type === 'info' ? { unknown: true } : parseResult(r, p.input.op);
      if (output === 'unmodeled') {
        unmodeled++;
        continue;
      }
      ops.push({ label: p.label, process: p.process, call: p.call, ret: output.unknown ? Infinity : (time as number), input: p.input, output });
    } catch (e) {
      if (e instanceof Bad) throw new HistoryError(file, li + 1, e.message);
      throw e;
    }
  }
  for (const p of pending.values()) {
    if (p.input === 'read') reads++;
    else ops.push({ label: p.label, process: p.process, call: p.call, ret: Infinity, input: p.input, output: { unknown: true } });
  }
  const sorted = ops.sort((a, b) => a.call - b.call);
  return { ops: sorted.map((o, index) => ({ ...o, index })), initial, reads, unmodeled };
}
