import { describe, expect, it } from 'vitest';
import { StandaloneNode } from './node.ts';
import { EMPTY_DURABLE, type Effect } from '../contract.ts';
import { OPEN_ACL_UNSAFE } from '../request/types.ts';

const reply = (effects: Effect[]) => effects.find((e) => e.kind === 'reply') as { result: Record<string, unknown> } | undefined;

describe('StandaloneNode', () => {
  it('serves commands, sets its wake-up timer and expires an abandoned session on it', () => {
    const n = new StandaloneNode('s1', { tickTimeMs: 2000 });
    n.step({ kind: 'start', durable: EMPTY_DURABLE, restart: false }, 0);
    const open = reply(n.step({ kind: 'request', id: 1, op: { cmd: 'open', timeoutMs: 4000 } }, 10))!.result;
    const sid = open['sessionId'] as string;
    const req = { op: 'create', opcode: 'create2', path: '/e', data: null, acl: OPEN_ACL_UNSAFE, flags: 1 };
    expect((reply(n.step({ kind: 'request', id: 2, op: { cmd: 'request', sessionId: sid, req } }, 20))!.result['reply'] as { rc: number }).rc).toBe(0);
    const eff = n.step({ kind: 'request', id: 3, op: { cmd: 'abandon', sessionId: sid } }, 30);
    const timer = eff.find((e) => e.kind === 'setTimer') as { afterMs: number };
    expect(timer.afterMs).toBeGreaterThan(0);
    // the session expires at its bucket (30 + 4000 -> 6000): a timer at 6000 runs the close txn
    n.step({ kind: 'timer', timer: 'tick' }, 6000);
    const check = { op: 'exists', path: '/e', watch: false };
    const open2 = reply(n.step({ kind: 'request', id: 4, op: { cmd: 'open', timeoutMs: 4000 } }, 6001))!.result;
    const r = reply(n.step({ kind: 'request', id: 5, op: { cmd: 'request', sessionId: open2['sessionId'], req: check } }, 6002))!.result;
    expect((r['reply'] as { rc: number }).rc).toBe(-101);
  });
});
