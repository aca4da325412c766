/**
 * Builds the reply to a write from what applying its txn did (ZooKeeper FinalRequestProcessor).
 * An error txn answers its error code; a multi answers OK with one result per sub-op (a failed
 * multi: OK for the sub-ops before the failure, the error, then RuntimeInconsistency).
 */
import type { ApplyResult } from '../datatree/tree.ts';
import type { MultiResult, Reply, Request } from './types.ts';

export function multiResultOf(r: ApplyResult): MultiResult {
  const stat = r.stat;
  switch (r.type) {
    case 'create':
      return { type: 'create', path: r.path ?? '' };
    case 'create2':
    case 'createContainer':
    case 'createTTL':
      return stat === undefined ? { type: 'create', path: r.path ?? '' } : { type: 'create', path: r.path ?? '', stat };
    case 'delete':
    case 'deleteContainer':
      return { type: 'delete' };
    case 'setData':
      return stat === undefined ? { type: 'error', err: r.err } : { type: 'setData', stat };
    case 'check':
      return { type: 'check' };
    default:
      return { type: 'error', err: r.err };
  }
}

/** The reply to `req` whose txn applied as `r`; `zxid` is the server's last processed zxid. */
export function buildWriteReply(req: Request, r: ApplyResult, zxid: number): Reply {
  if (r.type === 'error') return { op: req.op, rc: r.err, zxid };
  if (r.type === 'multi') return { op: req.op, rc: 0, zxid, results: (r.multi ?? []).map(multiResultOf) };
  if (r.err !== 0) return { op: req.op, rc: r.err, zxid };
  const stat = r.stat;
  switch (r.type) {
    case 'create':
      return { op: req.op, rc: 0, zxid, path: r.path ?? '' };
    case 'create2':
    case 'createContainer':
    case 'createTTL':
      return { op: req.op, rc: 0, zxid, path: r.path ?? '', ...(stat === undefined ? {} : { stat }) };
    case 'setData':
    case 'setACL':
    case 'check':
      return { op: req.op, rc: 0, zxid, ...(stat === undefined ? {} : { stat }) };
    default:
      return { op: req.op, rc: 0, zxid };
  }
}
