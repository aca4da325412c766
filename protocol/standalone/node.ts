/**
 * The standalone server model as a ProtocolNode (contract.ts), for hosts that drive nodes by
 * inputs: application `request` inputs carry a `StandaloneCommand`, answered by a `reply` effect
 * with the Outcome; watch notifications also leave as `trace` events (`zk.event`); one timer
 * (`tick`) wakes the node for session expiry and container sweeps. The node's clock is the `now` the
 * host passes to `step` (it never moves backwards inside the server).
 *
 * Shortcut: one clock. The standalone server reads the monotonic `now` for txn times (ctime/mtime)
 * and TTL ages too, where ZooKeeper reads the wall clock (`protocol/contract.ts`, Clocks); `wall` is
 * ignored, so a wall-clock jump does not show in its stats.
 *
 * There is no client wire protocol here: clients are the host's application (the ensemble's
 * client/server messages live in protocol/server).
 */
import type { Effect, Input, ProtocolNode } from '../contract.ts';
import type { Request, SessionId, WatchEvent } from '../request/types.ts';
import { StandaloneServer } from './server.ts';
import type { StandaloneConfig } from './config.ts';

export type StandaloneCommand =
  | { readonly cmd: 'open'; readonly timeoutMs: number; readonly clientAddr?: string }
  | { readonly cmd: 'request'; readonly sessionId: SessionId; readonly req: Request; readonly cxid?: number }
  | { readonly cmd: 'abandon'; readonly sessionId: SessionId };

const TIMER = 'tick';

export class StandaloneNode implements ProtocolNode {
  private server: StandaloneServer | undefined;

  constructor(
    readonly id: string,
    private readonly config: Partial<StandaloneConfig> = {},
  ) {}

  step(input: Input, now: number): Effect[] {
    const out: Effect[] = [];
    if (input.kind === 'start') {
      // Durable state is not modelled for the standalone server: every start is a fresh server.
      this.server = new StandaloneServer({ ...this.config, startTime: now });
      out.push({ kind: 'trace', event: 'zk.standalone.start', data: { restart: input.restart } });
    }
    const s = this.server;
    if (s === undefined) return out;
    const events = s.advanceTo(now);
    if (input.kind === 'request') {
      const c = input.op as StandaloneCommand;
      if (c.cmd === 'open') {
        const r = s.openSession(c.timeoutMs, c.clientAddr);
        events.push(...r.events);
        out.push({ kind: 'reply', id: input.id, result: { sessionId: r.sessionId, timeoutMs: r.timeoutMs, reply: r.reply } });
      } else if (c.cmd === 'request') {
        const r = s.request(c.sessionId, c.req, c.cxid ?? 0);
        events.push(...r.events);
        out.push({ kind: 'reply', id: input.id, result: { reply: r.reply, connectionClosed: r.connectionClosed ?? false } });
      } else {
        s.abandon(c.sessionId);
        out.push({ kind: 'reply', id: input.id, result: { ok: true } });
      }
    }
    for (const e of events) out.push(eventTrace(e));
    const wake = s.nextWakeup();
    if (Number.isFinite(wake)) out.push({ kind: 'setTimer', timer: TIMER, afterMs: Math.max(0, wake - now) });
    return out;
  }
}

function eventTrace(e: WatchEvent): Effect {
  return { kind: 'trace', event: 'zk.event', data: { sessionId: e.sessionId, type: e.type, path: e.path } };
}
