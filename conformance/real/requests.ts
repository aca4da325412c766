/**
 * Request bodies for the script's data ops, and decoders for their replies, over one session.
 * Each function sends one request and returns the recording fields that follow `rc` (`zxid`,
 * then the op-specific fields, which FORMAT.md shows only when rc is OK).
 */
import type { MultiSubOp, ScriptOp } from '../script.ts';
import type { ZkSession, Reply } from './client.ts';
import { addWatchMode, aclList, createPlan, dataBytes, watcherType } from './encode.ts';
import { JuteWriter, type JuteReader } from './jute.ts';
import type { Normalizer } from './render.ts';
import { renderAcls, renderData } from './render.ts';
import { OpCode, errorName, readAcl, readMultiResponse, readStat, writeCreate, type MultiSubResult } from './wire.ts';

export type Fields = Record<string, unknown>;

function common(n: Normalizer, r: Reply): Fields {
  return { rc: errorName(r.err), zxid: n.zxid(r.zxid) };
}

function childrenOf(r: JuteReader): string[] {
  return (r.vector((x) => x.ustring() ?? '') ?? []).slice().sort();
}

function writeCreateBody(w: JuteWriter, op: Extract<MultiSubOp, { op: 'create' }>, defaultOpcode: number): number {
  const plan = createPlan(op, defaultOpcode);
  writeCreate(w, op.path, dataBytes(op), aclList(op.acl), plan.flags, plan.ttl);
  return plan.opcode;
}

/** The sub-op as a multi request item: MultiHeader(type, done=false, err=-1) + its record. */
function writeSubOp(w: JuteWriter, op: MultiSubOp): void {
  const body = new JuteWriter();
  let type: number;
  switch (op.op) {
    case 'create':
      // Like the Java client's Op.create: plain `create` (no stat in the reply) unless the mode
      // needs createContainer / createTTL.
      type = writeCreateBody(body, op, OpCode.create);
      break;
    case 'delete':
      type = OpCode.delete;
      body.ustring(op.path).int(op.version ?? -1);
      break;
    case 'set':
      type = OpCode.setData;
      body.ustring(op.path).buffer(dataBytes(op)).int(op.version ?? -1);
      break;
    case 'check':
      type = OpCode.check;
      body.ustring(op.path).int(op.version ?? -1);
      break;
  }
  w.int(type).bool(false).int(-1);
  w.raw(body.toBuffer());
}

const SUB_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [OpCode.create, 'create'],
  [OpCode.create2, 'create'],
  [OpCode.delete, 'delete'],
  [OpCode.setData, 'set'],
  [OpCode.check, 'check'],
  [OpCode.error, 'error'],
]);

function renderSub(n: Normalizer, s: MultiSubResult): Fields {
  const out: Fields = { type: SUB_TYPE_NAMES.get(s.type) ?? `type(${s.type})` };
  // A create is answered as `create` (1, path only) or `create2` (15, path + stat): say which.
  if (s.type === OpCode.create || s.type === OpCode.create2) out['hdr_type'] = s.type;
  if (s.type === OpCode.error) out['err'] = errorName(s.err);
  if (s.path !== undefined) out['path'] = s.path;
  if (s.stat !== undefined) out['stat'] = n.stat(s.stat);
  return out;
}

type DataOp = Exclude<
  ScriptOp,
  { op: 'open' | 'close' | 'abandon' | 'sleep' | 'srvr' | 'wait_gone' | 'add_auth' }
>;

/** Sends one data op; throws ConnectionLossError when the connection breaks. */
export async function runDataOp(s: ZkSession, n: Normalizer, op: DataOp): Promise<Fields> {
  switch (op.op) {
    case 'create': {
      const w = new JuteWriter();
      const opcode = writeCreateBody(w, op, OpCode.create2);
      const r = await s.request(opcode, w);
      const f = common(n, r);
      if (r.err === 0) {
        f['path_returned'] = r.body.ustring();
        if (opcode !== OpCode.create) f['stat'] = n.stat(readStat(r.body));
      }
      return f;
    }
    case 'delete': {
      const r = await s.request(OpCode.delete, new JuteWriter().ustring(op.path).int(op.version ?? -1));
      return common(n, r);
    }
    case 'set': {
      const w = new JuteWriter().ustring(op.path).buffer(dataBytes(op)).int(op.version ?? -1);
      const r = await s.request(OpCode.setData, w);
      const f = common(n, r);
      if (r.err === 0) f['stat'] = n.stat(readStat(r.body));
      return f;
    }
    case 'get': {
      const r = await s.request(OpCode.getData, new JuteWriter().ustring(op.path).bool(op.watch ?? false));
      const f = common(n, r);
      if (r.err === 0) {
        f['data_returned'] = renderData(r.body.buffer());
        f['stat'] = n.stat(readStat(r.body));
      }
      return f;
    }
    case 'exists': {
      const r = await s.request(OpCode.exists, new JuteWriter().ustring(op.path).bool(op.watch ?? false));
      const f = common(n, r);
      // FORMAT.md: exists records `stat: null` for a missing node (rc NONODE).
      if (r.err === 0) f['stat'] = n.stat(readStat(r.body));
      else if (errorName(r.err) === 'NONODE') f['stat'] = null;
      return f;
    }
    case 'children': {
      const r = await s.request(OpCode.getChildren2, new JuteWriter().ustring(op.path).bool(op.watch ?? false));
      const f = common(n, r);
      if (r.err === 0) {
        f['children'] = childrenOf(r.body);
        f['stat'] = n.stat(readStat(r.body));
      }
      return f;
    }
    case 'sync': {
      const r = await s.request(OpCode.sync, new JuteWriter().ustring(op.path));
      const f = common(n, r);
      if (r.err === 0) f['path_returned'] = r.body.ustring();
      return f;
    }
    case 'multi': {
      const w = new JuteWriter();
      for (const sub of op.ops) writeSubOp(w, sub);
      w.int(-1).bool(true).int(-1);
      const r = await s.request(OpCode.multi, w);
      const f = common(n, r);
      if (r.err === 0) {
        const results = readMultiResponse(r.body);
        f['results'] = results.map((x) => renderSub(n, x));
        f['multi_failed'] = results.some((x) => x.type === OpCode.error);
      }
      return f;
    }
    case 'set_acl': {
      const w = new JuteWriter().ustring(op.path);
      w.vector(aclList(op.acl), (x, a) => x.int(a.perms).ustring(a.scheme).ustring(a.id));
      w.int(op.version ?? -1);
      const r = await s.request(OpCode.setACL, w);
      const f = common(n, r);
      if (r.err === 0) f['stat'] = n.stat(readStat(r.body));
      return f;
    }
    case 'get_acl': {
      const r = await s.request(OpCode.getACL, new JuteWriter().ustring(op.path));
      const f = common(n, r);
      if (r.err === 0) {
        f['acl'] = renderAcls(r.body.vector(readAcl));
        f['stat'] = n.stat(readStat(r.body));
      }
      return f;
    }
    case 'add_watch': {
      const r = await s.request(OpCode.addWatch, new JuteWriter().ustring(op.path).int(addWatchMode(op)));
      return common(n, r);
    }
    case 'remove_watches':
    case 'check_watches': {
      const code = op.op === 'remove_watches' ? OpCode.removeWatches : OpCode.checkWatches;
      const r = await s.request(code, new JuteWriter().ustring(op.path).int(watcherType(op)));
      return common(n, r);
    }
    case 'get_ephemerals': {
      const r = await s.request(OpCode.getEphemerals, new JuteWriter().ustring(op.path ?? '/'));
      const f = common(n, r);
      if (r.err === 0) f['ephemerals'] = childrenOf(r.body);
      return f;
    }
    case 'get_all_children_number': {
      const r = await s.request(OpCode.getAllChildrenNumber, new JuteWriter().ustring(op.path));
      const f = common(n, r);
      if (r.err === 0) f['total_number'] = r.body.int();
      return f;
    }
  }
}
