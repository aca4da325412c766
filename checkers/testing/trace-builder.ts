/**
 * Hand-made traces for checker tests: a tiny builder that writes records in the simulator's format
 * (`trace/README.md`), node trace effects as `{ev:'trace', event, data}`. Time advances by 1 ms per
 * record unless set.
 */
import type { EventData, EventName, TraceRecord } from '../../trace/records.ts';
import { checkedRecord } from '../../trace/decode.ts';
import { makeZxid } from '../../protocol/zxid.ts';
import { sidOf } from '../../trace/view.ts';

export const z = makeZxid;

/** `s3` → 3 (Zab events name servers by sid). */
export const sid = sidOf;

export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  private now = 0;

  /** Moves virtual time to `us` (µs). */
  at(us: number): this {
    this.now = us;
    return this;
  }

  /** A node's own trace effect. Returns the record's index. */
  ev<N extends EventName>(node: string, event: N, data: EventData<N>): number {
    this.now += 1000;
    this.records.push(checkedRecord({ t: this.now, node, ev: 'trace', event, data }));
    return this.records.length - 1;
  }

  /** A host record (`boot`, `restart`, `crash`, ...), checked against the schema. */
  host(node: string, ev: TraceRecord['ev'], fields: Record<string, unknown> = {}): number {
    this.now += 1000;
    this.records.push(checkedRecord({ t: this.now, node, ev, ...fields }));
    return this.records.length - 1;
  }

  private msgs = 0;

  /**
   * The leader proposes: its `propose` trace event, then a kernel `send` record of the PROPOSAL to
   * each follower carrying the txn (`{hdr, body}` as in protocol/request/txn.ts).
   */
  propose(leader: string, zxid: number, to: readonly string[], type: string, body: Record<string, unknown> = {}, session = '0x0'): this {
    this.ev(leader, 'propose', { zxid });
    const txn = { hdr: { sessionId: session, cxid: 0, zxid, time: 0, type }, body: { type, ...body } };
    for (const f of to) this.host(leader, 'send', { to: f, m: ++this.msgs, type: 'PROPOSAL', msg: { type: 'PROPOSAL', conn: 'x', seq: this.msgs, entry: { zxid, txn } } });
    return this;
  }

  /** Every node boots. */
  boot(...nodes: string[]): this {
    for (const n of nodes) this.host(n, 'boot');
    return this;
  }

  /** The leader proposes, everyone logs, the leader commits, everyone applies — a healthy txn. */
  txn(leader: string, zxid: number, servers: readonly string[], type = 'create'): this {
    this.propose(leader, zxid, servers.filter((s) => s !== leader), type);
    for (const s of servers) {
      this.ev(s, 'log.append', { zxid });
      this.ev(s, 'log.durable', { zxid });
    }
    this.ev(leader, 'commit', { zxid });
    for (const s of servers) this.ev(s, 'apply', { zxid, type, digest: zxid % 1000 });
    return this;
  }

  /** `leader` becomes the established leader of `epoch` followed by `followers`. */
  establish(leader: string, epoch: number, followers: readonly string[], zxid = 0): this {
    this.ev(leader, 'state', { state: 'LEADING' });
    for (const f of followers) this.ev(f, 'state', { state: 'FOLLOWING' });
    this.ev(leader, 'epoch.accepted', { epoch });
    for (const f of followers) {
      this.ev(f, 'epoch.accepted', { epoch });
      this.ev(leader, 'sync.send', { peer: sid(f), mode: 'DIFF', from: zxid, to: zxid });
      this.ev(f, 'epoch.current', { epoch });
    }
    this.ev(leader, 'epoch.current', { epoch });
    this.ev(leader, 'leader.established', { epoch, zxid, quorum: [leader, ...followers].map(sid).sort((a, b) => a - b) });
    return this;
  }
}
