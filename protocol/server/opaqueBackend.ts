/**
 * A stand-in data model for Zab tests and benches: txns are the requests themselves (no prep
 * semantics), the state is a flat map path -> data plus the session table. It lets Zab, sessions and
 * the request pipeline be exercised without the DataTree; it is NOT ZooKeeper's tree semantics.
 */
import { addDigest, entryDigest, subDigest } from '../datatree/digest.ts';
import { Err } from '../request/errors.ts';
import type { Reply, Request, SessionId } from '../request/types.ts';
import type { TxnEntry } from '../zab/messages.ts';
import type { Backend, BackendFactory, Prep } from './backend.ts';
import type { StateMachine } from './database.ts';

export interface OpaqueTxn {
  readonly hdr: { readonly sessionId: SessionId; readonly cxid: number; readonly zxid: number; readonly time: number; readonly type: string };
  readonly body: Request;
}

interface Image {
  readonly kv: readonly (readonly [string, string | null])[];
  readonly sessions: readonly (readonly [SessionId, number])[];
  readonly applied: number;
  readonly digest: number;
}

export class OpaqueState implements StateMachine {
  readonly kv = new Map<string, string | null>();
  readonly sessions = new Map<SessionId, number>();
  /** How many txns were applied since the image (a cheap fingerprint for tests). */
  applied = 0;
  /** Sum of `entryDigest` over the map, mod 2^32 (sessions are not in it, as in the tree's). */
  private sum = 0;

  constructor(image: Image | null) {
    if (image) {
      for (const [k, v] of image.kv) this.kv.set(k, v);
      for (const [k, v] of image.sessions) this.sessions.set(k, v);
      this.applied = image.applied;
      this.sum = image.digest;
    }
  }

  applyTxn(entry: TxnEntry): unknown {
    const t = entry.txn as OpaqueTxn;
    this.applied++;
    const b = t.body;
    switch (b.op) {
      case 'createSession':
        this.sessions.set(t.hdr.sessionId, b.timeoutMs);
        break;
      case 'closeSession':
        this.sessions.delete(t.hdr.sessionId);
        break;
      case 'create':
      case 'setData':
        this.remove(b.path);
        this.kv.set(b.path, b.data);
        this.sum = addDigest(this.sum, entryDigest(b.path, b.data));
        break;
      case 'delete':
        this.remove(b.path);
        break;
      default:
        break;
    }
    return { rc: Err.OK };
  }

  private remove(path: string): void {
    const old = this.kv.get(path);
    if (old === undefined && !this.kv.has(path)) return;
    this.sum = subDigest(this.sum, entryDigest(path, old ?? null));
    this.kv.delete(path);
  }

  digest(): number {
    return this.sum;
  }

  serialize(): Image {
    return { kv: [...this.kv].sort(), sessions: [...this.sessions].sort(), applied: this.applied, digest: this.sum };
  }
}

class OpaquePrep implements Prep {
  prep(req: Request, sessionId: SessionId, cxid: number, zxid: number, time: number): OpaqueTxn {
    return { hdr: { sessionId, cxid, zxid, time, type: req.op }, body: req };
  }
  prepDeleteContainer(path: string, zxid: number, time: number): OpaqueTxn {
    return { hdr: { sessionId: '0x0', cxid: 0, zxid, time, type: 'delete' }, body: { op: 'delete', path, version: -1 } };
  }
  onCommitted(): void {}
}

const OPAQUE: Backend = {
  stateMachine: (image) => new OpaqueState(image as Image | null),
  newPrep: () => new OpaquePrep(),
  read(sm, _conn, req, zxid): Reply {
    const s = sm as OpaqueState;
    if (req.op === 'getData' || req.op === 'exists') {
      const has = s.kv.has(req.path);
      if (!has) return { op: req.op, rc: Err.NONODE, zxid };
      return { op: req.op, rc: Err.OK, zxid, data: s.kv.get(req.path) ?? null };
    }
    return { op: req.op as Request['op'], rc: Err.OK, zxid };
  },
  replyFor(_result, req, zxid): Reply {
    return req.op === 'create' ? { op: req.op, rc: Err.OK, zxid, path: req.path } : { op: req.op, rc: Err.OK, zxid };
  },
  fire: () => [],
  forget: () => {},
  sessions: (sm) => [...(sm as OpaqueState).sessions].sort(),
  expiredNodes: () => [],
  authenticate: (scheme, auth) => (scheme === 'digest' ? [{ scheme, id: auth }] : undefined),
  fits: () => true,
};

/** Stateless: every server may share the one instance. */
export const opaqueBackend: BackendFactory = () => OPAQUE;
