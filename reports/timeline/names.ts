/** Small printing helpers shared by the timeline and the narration. */
import { zxidHex } from '../../protocol/zxid.ts';

/** Virtual microseconds as seconds with millisecond precision: `1.203s`. */
export function secs(us: number): string {
  return (us / 1e6).toFixed(3) + 's';
}

export function hexZxid(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? zxidHex(v) : String(v);
}

/** Server ids may arrive as numbers (myid) or node ids; print them as node ids. */
export function sid(v: unknown): string {
  if (typeof v === 'number') return 's' + v;
  return String(v);
}

const RC: Readonly<Record<number, string>> = {
  0: 'ok', [-1]: 'SystemError', [-2]: 'RuntimeInconsistency', [-3]: 'DataInconsistency', [-4]: 'ConnectionLoss',
  [-5]: 'MarshallingError', [-6]: 'Unimplemented', [-7]: 'OperationTimeout', [-8]: 'BadArguments',
  [-12]: 'UnknownSession', [-100]: 'APIError', [-101]: 'NoNode', [-102]: 'NoAuth', [-103]: 'BadVersion',
  [-108]: 'NoChildrenForEphemerals', [-110]: 'NodeExists', [-111]: 'NotEmpty', [-112]: 'SessionExpired',
  [-113]: 'InvalidCallback', [-114]: 'InvalidACL', [-115]: 'AuthFailed', [-118]: 'SessionMoved',
  [-119]: 'NotReadOnly', [-120]: 'EphemeralOnLocalSession', [-121]: 'NoWatcher',
};

/** A ZooKeeper result code in words (`ok`, `NoNode`, ...). Strings pass through. */
export function rcName(rc: unknown): string {
  if (typeof rc === 'number') return RC[rc] ?? 'rc ' + rc;
  if (rc === undefined) return 'ok';
  return String(rc);
}

export function rcOk(rc: unknown): boolean {
  return rc === undefined || rc === 0 || rc === 'ok' || rc === 'OK' || rc === 'Ok';
}

/** Node ids as a space-separated list (`s1 s2 s3`). */
export function nodeList(v: unknown): string {
  if (Array.isArray(v)) return v.map(sid).join(' ');
  return v === undefined ? '' : String(v);
}

/** A vote as FLE's totalOrderPredicate compares it (`reports/elections.ts` `Triple`). */
export function voteTriple(v: { readonly peerEpoch: number; readonly zxid: number; readonly leader: number }): { epoch: number; zxid: number; myid: number } {
  return { epoch: v.peerEpoch, zxid: v.zxid, myid: v.leader };
}
