/**
 * Runs an op script against the standalone server model on virtual time and records the results in
 * exactly the FORMAT.md shape (the same shape the real-server runner produces).
 */
import type { Script, ScriptOp } from '../script.ts';
import { sessionOf, watcherTypeCode } from '../script.ts';
import type { Recording, ResultRecord, RecordedEvent } from '../recording.ts';
import { StandaloneServer, type Outcome } from '../../protocol/standalone/server.ts';
import type { StandaloneConfig } from '../../protocol/standalone/config.ts';
import { errName } from '../../protocol/request/errors.ts';
import { zxidHex } from '../../protocol/zxid.ts';
import { EVENT_NAMES, type MultiResult, type Reply, type SessionId, type WatchEvent } from '../../protocol/request/types.ts';
import {
  aclToString,
  createRequestOf,
  dataToText,
  echoFields,
  multiSubRequestOf,
  parseAclSpec,
  recordStat,
  setRequestOf,
} from './convert.ts';

export interface ModelRunOptions {
  /** Server knobs; defaults are the goldens' configuration (FORMAT.md). */
  readonly config?: Partial<StandaloneConfig>;
  /** Session timeout an `open` requests when it gives none (FORMAT.md: 10000). */
  readonly defaultTimeoutMs?: number;
  /** Poll period of wait_gone in virtual ms. */
  readonly pollMs?: number;
}

/** The configuration the goldens were recorded with. */
export const GOLDEN_CONFIG: Partial<StandaloneConfig> = {
  tickTimeMs: 2000,
  extendedTypesEnabled: true,
  containerCheckIntervalMs: 500,
  maxNeverUsedIntervalMs: 0,
};

const MULTI_TYPE: Record<MultiResult['type'], string> = {
  create: 'create',
  delete: 'delete',
  setData: 'set',
  check: 'check',
  error: 'error',
};


class ModelRun {
  readonly server: StandaloneServer;
  private readonly names = new Map<SessionId, string>();
  private readonly open = new Map<string, SessionId>();
  private base = 0;
  private baseTaken = false;
  private pending: WatchEvent[] = [];

  constructor(private readonly opts: ModelRunOptions) {
    this.server = new StandaloneServer({ ...GOLDEN_CONFIG, ...opts.config });
  }

  private rel(z: number): number {
    return z - this.base;
  }

  private ownerName = (id: string): string => {
    const n = this.names.get(id);
    return n === undefined ? id : `session:${n}`;
  };

  private stat(r: Reply) {
    return r.stat === undefined || r.stat === null ? r.stat : recordStat(r.stat, this.base, this.ownerName);
  }

  private takeBase(): void {
    if (!this.baseTaken) {
      this.base = this.server.lastZxid;
      this.baseTaken = true;
    }
  }

  private openSession(name: string, timeoutMs: number): Outcome & { sessionId: SessionId; timeoutMs: number } {
    this.takeBase();
    const r = this.server.openSession(timeoutMs);
    this.names.set(r.sessionId, name);
    this.open.set(name, r.sessionId);
    return r;
  }

  /** The session of an op, opened on first use (FORMAT.md). */
  private sessionFor(op: ScriptOp): SessionId {
    const name = sessionOf(op);
    const id = this.open.get(name);
    if (id !== undefined && this.server.isConnected(id)) return id;
    const r = this.openSession(name, this.opts.defaultTimeoutMs ?? 10_000);
    this.pending.push(...r.events);
    return r.sessionId;
  }

  private send(op: ScriptOp, req: Parameters<StandaloneServer['request']>[1]): Outcome {
    const out = this.server.request(this.sessionFor(op), req);
    this.pending.push(...out.events);
    return out;
  }

  private events(): Record<string, RecordedEvent[]> | undefined {
    if (this.pending.length === 0) return undefined;
    const out: Record<string, RecordedEvent[]> = {};
    for (const e of this.pending) {
      const name = this.names.get(e.sessionId);
      if (name === undefined) continue;
      (out[name] ??= []).push({ type: EVENT_NAMES[e.type] ?? String(e.type), path: e.path, state: 'SyncConnected' });
    }
    this.pending = [];
    return Object.keys(out).length === 0 ? undefined : out;
  }

  private rcFields(r: Reply, res: Record<string, unknown>): boolean {
    res['rc'] = errName(r.rc);
    if (r.rc === -4) {
      res['reconnected_same_session'] = true;
      return false;
    }
    res['zxid'] = this.rel(r.zxid);
    return r.rc === 0;
  }

  run(op: ScriptOp, i: number): ResultRecord {
    const res: Record<string, unknown> = { i, op: op.op };
    if (op.note !== undefined) res['note'] = op.note;
    if (op.op !== 'sleep' && op.op !== 'srvr') res['session'] = sessionOf(op);
    Object.assign(res, echoFields(op));
    this.apply(op, res);
    const ev = this.events();
    if (ev !== undefined) res['events'] = ev;
    return res as ResultRecord;
  }

  private apply(op: ScriptOp, res: Record<string, unknown>): void {
    switch (op.op) {
      case 'open': {
        const before = this.server.lastZxid;
        const r = this.openSession(sessionOf(op), op.timeout_ms ?? this.opts.defaultTimeoutMs ?? 10_000);
        this.pending.push(...r.events);
        res['rc'] = errName(r.reply.rc);
        res['zxid'] = this.rel(r.reply.zxid);
        res['zxids_consumed'] = this.server.lastZxid - before;
        res['_noisy'] = { negotiated_timeout_ms: r.timeoutMs };
        return;
      }
      case 'close':
      case 'abandon': {
        const id = this.open.get(sessionOf(op));
        if (id === undefined || !this.server.isConnected(id)) {
          res['rc'] = 'NO_SUCH_SESSION';
          return;
        }
        this.open.delete(sessionOf(op));
        if (op.op === 'close') {
          const out = this.server.request(id, { op: 'closeSession' });
          this.pending.push(...out.events);
          res['rc'] = errName(out.reply.rc);
        } else {
          this.server.abandon(id);
          res['rc'] = 'OK';
        }
        res['server_zxid_after'] = this.rel(this.server.lastZxid);
        return;
      }
      case 'create': {
        const r = this.send(op, createRequestOf(op, 'create2')).reply;
        if (this.rcFields(r, res)) {
          res['path_returned'] = r.path;
          if (r.stat !== undefined) res['stat'] = this.stat(r);
        }
        return;
      }
      case 'delete': {
        this.rcFields(this.send(op, { op: 'delete', path: op.path, version: op.version ?? -1 }).reply, res);
        return;
      }
      case 'set': {
        const r = this.send(op, setRequestOf(op)).reply;
        if (this.rcFields(r, res)) res['stat'] = this.stat(r);
        return;
      }
      case 'get': {
        const r = this.send(op, { op: 'getData', path: op.path, watch: op.watch === true }).reply;
        if (this.rcFields(r, res)) {
          res['data_returned'] = dataToText(r.data);
          res['stat'] = this.stat(r);
        }
        return;
      }
      case 'exists': {
        const r = this.send(op, { op: 'exists', path: op.path, watch: op.watch === true }).reply;
        // FORMAT.md: exists records `stat`, null when the node does not exist (rc NONODE).
        if (this.rcFields(r, res) || r.rc === -101) res['stat'] = this.stat(r) ?? null;
        return;
      }
      case 'children': {
        const r = this.send(op, { op: 'getChildren', path: op.path, watch: op.watch === true, withStat: true }).reply;
        if (this.rcFields(r, res)) {
          res['children'] = [...(r.children ?? [])].sort();
          res['stat'] = this.stat(r);
        }
        return;
      }
      case 'sync': {
        const r = this.send(op, { op: 'sync', path: op.path }).reply;
        if (this.rcFields(r, res)) res['path_returned'] = r.path;
        return;
      }
      case 'multi': {
        res['ops'] = op.ops.map((s) => {
          const o = s as unknown as Record<string, unknown>;
          const e: Record<string, unknown> = {};
          for (const f of ['op', 'path', 'version', 'mode', 'data', 'acl']) if (o[f] !== undefined) e[f] = o[f];
          return e;
        });
        const r = this.send(op, { op: 'multi', ops: op.ops.map(multiSubRequestOf) }).reply;
        if (this.rcFields(r, res)) {
          const results = (r.results ?? []).map((m) => {
            const x: Record<string, unknown> = { type: MULTI_TYPE[m.type] };
            if (m.type === 'create') {
              x['hdr_type'] = m.stat === undefined ? 1 : 15;
              x['path'] = m.path;
              if (m.stat !== undefined) x['stat'] = recordStat(m.stat, this.base, this.ownerName);
            } else if (m.type === 'setData') {
              x['stat'] = recordStat(m.stat, this.base, this.ownerName);
            } else if (m.type === 'error') {
              x['err'] = errName(m.err);
            }
            return x;
          });
          res['results'] = results;
          res['multi_failed'] = (r.results ?? []).some((m) => m.type === 'error');
        }
        return;
      }
      case 'sleep': {
        this.pending.push(...this.server.advanceTo(this.server.now + op.ms));
        res['rc'] = 'OK';
        return;
      }
      case 'wait_gone': {
        const id = this.sessionFor(op);
        const deadline = this.server.now + (op.timeout_ms ?? 30_000);
        const poll = this.opts.pollMs ?? 100;
        let gone = false;
        for (;;) {
          const r = this.server.request(id, { op: 'exists', path: op.path, watch: false });
          this.pending.push(...r.events);
          if (r.reply.rc === -101) {
            gone = true;
            break;
          }
          if (this.server.now >= deadline) break;
          this.pending.push(...this.server.advanceTo(Math.min(deadline, this.server.now + poll)));
        }
        res['rc'] = 'OK';
        res['gone'] = gone;
        res['server_zxid_after'] = this.rel(this.server.lastZxid);
        return;
      }
      case 'srvr':
        res['rc'] = 'OK';
        res['server_zxid'] = this.rel(this.server.lastZxid);
        return;
      case 'add_auth': {
        const out = this.send(op, { op: 'addAuth', scheme: op.scheme, auth: op.auth });
        res['rc'] = errName(out.reply.rc);
        if (out.connectionClosed) {
          res['session_closed'] = true;
          this.open.delete(sessionOf(op));
        }
        return;
      }
      case 'set_acl': {
        const r = this.send(op, { op: 'setACL', path: op.path, acl: op.acl.map(parseAclSpec), version: op.version ?? -1 }).reply;
        if (this.rcFields(r, res)) res['stat'] = this.stat(r);
        return;
      }
      case 'get_acl': {
        const r = this.send(op, { op: 'getACL', path: op.path }).reply;
        if (this.rcFields(r, res)) {
          res['acl'] = (r.acl ?? []).map(aclToString);
          res['stat'] = this.stat(r);
        }
        return;
      }
      case 'add_watch': {
        const mode = op.mode_raw ?? (op.mode === 'persistent_recursive' ? 1 : 0);
        this.rcFields(this.send(op, { op: 'addWatch', path: op.path, mode }).reply, res);
        return;
      }
      case 'remove_watches':
      case 'check_watches': {
        const watcherType = watcherTypeCode(op);
        const req = op.op === 'remove_watches'
          ? { op: 'removeWatches' as const, path: op.path, watcherType }
          : { op: 'checkWatches' as const, path: op.path, watcherType };
        this.rcFields(this.send(op, req).reply, res);
        return;
      }
      case 'get_ephemerals': {
        const r = this.send(op, { op: 'getEphemerals', prefix: op.path ?? '/' }).reply;
        if (this.rcFields(r, res)) res['ephemerals'] = [...(r.ephemerals ?? [])].sort();
        return;
      }
      case 'get_all_children_number': {
        const r = this.send(op, { op: 'getAllChildrenNumber', path: op.path }).reply;
        if (this.rcFields(r, res)) res['total_number'] = r.totalNumber;
        return;
      }
    }
  }

  zxidBase(): string {
    return zxidHex(this.baseTaken ? this.base : this.server.lastZxid);
  }
}

/** Runs `script` against a fresh standalone model and returns its recording. */
export function runScriptAgainstModel(script: Script, options: ModelRunOptions = {}): Recording {
  const run = new ModelRun(options);
  const results = script.ops.map((op, i) => run.run(op, i));
  return { name: script.name, server: 'zabsim model (standalone ZooKeeper 3.8)', zxid_base: run.zxidBase(), results };
}
