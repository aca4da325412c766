/**
 * Runs a conformance op script against a real ZooKeeper 3.8 and records it in FORMAT.md's form.
 *
 * Without `server` it starts a fresh private server (see server.ts) and stops it afterwards, so
 * zxids start at 0 and the recording is comparable with the model's. With `server` it uses that
 * one; relative zxids then start at the server's last zxid before the first session opened.
 *
 * After every op it runs a sync on every open session: a sync reply comes after every
 * notification the server queued for that session before it, so each watch event lands on the
 * op that caused it.
 */
import { ECHO_FIELDS, type Recording, type RecordedEvent, type ResultRecord } from '../recording.ts';
import type { Script, ScriptOp } from '../script.ts';
import { sessionOf } from '../script.ts';
import { ConnectionLossError, SessionExpiredError, ZkSession } from './client.ts';
import { srvr } from './fourlw.ts';
import { JuteWriter } from './jute.ts';
import { Normalizer, hexZxid, renderEvent } from './render.ts';
import { runDataOp, type Fields } from './requests.ts';
import { startRealServer, type RealServerConfig } from './server.ts';
import { ClientMemory } from './watches.ts';
import { AUTH_FAILED, OpCode, errorCode, errorName } from './wire.ts';

export interface RealRunOptions {
  /** `host:port` of a running server to use instead of starting a fresh one. */
  server?: string;
  /** Configuration of the fresh server (ignored with `server`). */
  config?: RealServerConfig;
  /** Session timeout requested when an op gives none (FORMAT.md: 10000). */
  defaultTimeoutMs?: number;
  /** Called after each op with its wall time (profiling). */
  onOp?: (i: number, op: string, ms: number) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const WAIT_GONE_DEFAULT_MS = 30_000;
const WAIT_GONE_POLL_MS = 50;

const SUB_ECHO = ['op', 'path', 'version', 'mode', 'data', 'acl'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(s);
  if (!m) throw new Error(`server "${s}" is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

export async function runScriptAgainstReal(script: Script, options: RealRunOptions = {}): Promise<Recording> {
  if (options.server !== undefined) {
    const { host, port } = parseHostPort(options.server);
    return new Recorder(host, port, options).run(script);
  }
  const server = await startRealServer(options.config ?? {});
  try {
    return await new Recorder(server.host, server.port, options).run(script);
  } finally {
    await server.stop();
  }
}

class Recorder {
  /** Open sessions by script name, in the order they were opened. */
  private readonly open = new Map<string, ZkSession>();
  /** Sessions that closed during the current op: their late notifications still count. */
  private closing: Array<[string, ZkSession]> = [];
  /** Sessions replaced by a second `open` of their name: still connected, no longer addressable. */
  private readonly orphans: Array<[string, ZkSession]> = [];
  private n!: Normalizer;
  /** What the client remembers per session (auth, watches), kept across reconnects. */
  private readonly memory = new Map<ZkSession, ClientMemory>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: RealRunOptions,
  ) {}

  async run(script: Script): Promise<Recording> {
    const first = await srvr(this.host, this.port);
    this.n = new Normalizer(first.zxid);
    const results: ResultRecord[] = [];
    try {
      for (let i = 0; i < script.ops.length; i++) {
        const op = script.ops[i]!;
        let r: Record<string, unknown>;
        const t0 = Date.now();
        try {
          r = await this.runOp(i, op);
          const events = await this.collectEvents();
          if (events) r['events'] = events;
        } catch (e) {
          throw new Error(`op ${i} (${op.op}): ${(e as Error).message}`);
        }
        this.options.onOp?.(i, op.op, Date.now() - t0);
        results.push(r as ResultRecord);
      }
    } finally {
      // Leave nothing behind on a shared server: close what the script left open.
      for (const s of [...this.open.values(), ...this.orphans.map(([, o]) => o)]) {
        if (!s.closed) await s.closeSession().catch(() => s.abandon());
      }
      this.open.clear();
    }
    return { name: script.name, server: first.banner, zxid_base: hexZxid(first.zxid), results };
  }

  private head(i: number, op: ScriptOp): Record<string, unknown> {
    const r: Record<string, unknown> = { i, op: op.op };
    if (op.note !== undefined) r['note'] = op.note;
    if (op.op !== 'sleep' && op.op !== 'srvr') r['session'] = sessionOf(op);
    const o = op as unknown as Record<string, unknown>;
    for (const k of ECHO_FIELDS) if (o[k] !== undefined) r[k] = o[k];
    if (op.op === 'multi') {
      r['ops'] = op.ops.map((sub) => {
        const so = sub as unknown as Record<string, unknown>;
        const e: Record<string, unknown> = {};
        for (const k of SUB_ECHO) if (so[k] !== undefined) e[k] = so[k];
        return e;
      });
    }
    return r;
  }

  private async serverZxid(): Promise<number> {
    return this.n.zxid((await srvr(this.host, this.port)).zxid);
  }

  private async connect(name: string, timeoutMs: number, old?: ZkSession): Promise<ZkSession> {
    const s = await ZkSession.connect({
      host: this.host,
      port: this.port,
      timeoutMs,
      ...(old ? { sessionId: old.sessionId, passwd: old.passwd, lastZxidSeen: old.lastZxid } : {}),
    });
    this.n.nameSession(s.sessionId, name);
    this.open.set(name, s);
    this.memory.set(s, (old && this.memory.get(old)) || new ClientMemory());
    return s;
  }

  private mem(s: ZkSession): ClientMemory {
    let m = this.memory.get(s);
    if (!m) this.memory.set(s, (m = new ClientMemory()));
    return m;
  }

  private async session(name: string): Promise<ZkSession> {
    return this.open.get(name) ?? this.connect(name, this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  private retire(name: string): void {
    const s = this.open.get(name);
    if (!s) return;
    this.open.delete(name);
    this.closing.push([name, s]);
  }

  private async runOp(i: number, op: ScriptOp): Promise<Record<string, unknown>> {
    const r = this.head(i, op);
    const name = sessionOf(op);
    switch (op.op) {
      case 'open': {
        // Opening a name that is already open starts a second session under that name; the
        // first stays connected (its notifications still count under the name).
        const prev = this.open.get(name);
        if (prev) this.orphans.push([name, prev]);
        const before = await this.serverZxid();
        const s = await this.connect(name, op.timeout_ms ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
        const after = await this.serverZxid();
        return { ...r, rc: 'OK', zxid: after, zxids_consumed: after - before, _noisy: { negotiated_timeout_ms: s.negotiatedTimeoutMs } };
      }
      case 'close': {
        const s = this.open.get(name);
        if (!s) return { ...r, rc: 'NO_SUCH_SESSION' };
        let rc: string;
        try {
          rc = errorName((await s.closeSession()).err);
        } catch (e) {
          if (!(e instanceof ConnectionLossError)) throw e;
          rc = 'CONNECTIONLOSS';
        }
        this.retire(name);
        return { ...r, rc, server_zxid_after: await this.serverZxid() };
      }
      case 'abandon': {
        const s = this.open.get(name);
        if (!s) return { ...r, rc: 'NO_SUCH_SESSION' };
        await s.abandon();
        this.retire(name);
        return { ...r, rc: 'OK', server_zxid_after: await this.serverZxid() };
      }
      case 'sleep': {
        await sleep(op.ms);
        return { ...r, rc: 'OK' };
      }
      case 'srvr':
        return { ...r, rc: 'OK', server_zxid: await this.serverZxid() };
      case 'wait_gone':
        return { ...r, ...(await this.waitGone(await this.session(name), op.path, op.timeout_ms ?? WAIT_GONE_DEFAULT_MS)) };
      case 'add_auth': {
        const s = await this.session(name);
        let err: number;
        try {
          err = await s.addAuth(op.scheme, Buffer.from(op.auth, 'utf8'));
        } catch (e) {
          if (!(e instanceof ConnectionLossError)) throw e;
          return { ...r, rc: 'CONNECTIONLOSS' };
        }
        if (err === 0) this.mem(s).auths.push({ scheme: op.scheme, auth: Buffer.from(op.auth, 'utf8') });
        if (err !== AUTH_FAILED) return { ...r, rc: errorName(err) };
        // The server answers AUTHFAILED and closes the connection; the session counts as closed.
        await Promise.race([s.whenClosed(), sleep(2000)]);
        await s.abandon();
        this.retire(name);
        return { ...r, rc: errorName(err), session_closed: true };
      }
      default: {
        const s = await this.session(name);
        try {
          const f = await runDataOp(s, this.n, op);
          this.mem(s).afterOp(op, errorCode(String(f['rc'])) ?? -1);
          return { ...r, ...f };
        } catch (e) {
          if (!(e instanceof ConnectionLossError)) throw e;
          return { ...r, rc: 'CONNECTIONLOSS', reconnected_same_session: await this.reconnect(name, s) };
        }
      }
    }
  }

  /** After a connection loss: reattach the same session on a new connection, as a client would. */
  private async reconnect(name: string, old: ZkSession): Promise<boolean> {
    this.open.delete(name);
    this.closing.push([name, old]);
    try {
      const s = await this.connect(name, old.negotiatedTimeoutMs || DEFAULT_TIMEOUT_MS, old);
      if (s.sessionId !== old.sessionId) return false;
      // Like the Java client: re-send the auth info, then the watches it believes it holds.
      const m = this.mem(s);
      for (const a of m.auths) await s.addAuth(a.scheme, a.auth);
      if (m.hasWatches()) await s.request(OpCode.setWatches2, m.writeSetWatches2(new JuteWriter(), old.lastZxid));
      return true;
    } catch (e) {
      if (e instanceof SessionExpiredError || e instanceof ConnectionLossError) return false;
      throw e;
    }
  }

  private async waitGone(s: ZkSession, path: string, timeoutMs: number): Promise<Fields> {
    const t0 = Date.now();
    let gone = false;
    for (;;) {
      const reply = await s.request(OpCode.exists, new JuteWriter().ustring(path).bool(false));
      if (errorName(reply.err) === 'NONODE') {
        gone = true;
        break;
      }
      if (Date.now() - t0 >= timeoutMs) break;
      await sleep(WAIT_GONE_POLL_MS);
    }
    return { rc: 'OK', gone, server_zxid_after: await this.serverZxid(), _noisy: { elapsed_ms: Date.now() - t0 } };
  }

  /** Syncs every open session (in parallel), then takes the notifications every session received. */
  private async collectEvents(): Promise<Record<string, RecordedEvent[]> | undefined> {
    const live = [...this.open.values(), ...this.orphans.map(([, o]) => o)].filter((s) => !s.closed);
    await Promise.all(
      live.map((s) =>
        s.request(OpCode.sync, new JuteWriter().ustring('/')).catch((e: unknown) => {
          if (!(e instanceof ConnectionLossError)) throw e;
        }),
      ),
    );
    const out: Record<string, RecordedEvent[]> = {};
    const all: Array<[string, ZkSession]> = [...this.closing, ...this.orphans, ...this.open.entries()];
    this.closing = [];
    for (const [name, s] of all) {
      const received = s.takeEvents();
      for (const e of received) this.mem(s).onEvent(e);
      const evs = received.map(renderEvent);
      if (evs.length) (out[name] ??= []).push(...evs);
    }
    return Object.keys(out).length ? out : undefined;
  }
}
