/**
 * ZooKeeper 3.8 error codes (KeeperException.Code): numbers as on the wire, names as the
 * conformance recordings print them (upper case, no separators except NO_SUCH_SESSION, which is a
 * recorder-side code and has no number on the wire).
 */
export const Err = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  UNKNOWNSESSION: -12,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ErrName = keyof typeof Err;
export type ErrCode = (typeof Err)[ErrName];

const NAMES = new Map<number, ErrName>(
  (Object.keys(Err) as ErrName[]).map((n) => [Err[n], n] as const),
);

/** The upper-case name of a code (`-101` -> `NONODE`); unknown codes print as `ERR(<n>)`. */
export function errName(code: number): string {
  return NAMES.get(code) ?? `ERR(${code})`;
}

/** Thrown inside prep/read processing; caught and turned into an error txn / error reply. */
export class KeeperError extends Error {
  constructor(
    readonly code: number,
    readonly path?: string,
  ) {
    super(`${errName(code)}${path === undefined ? '' : ' ' + path}`);
  }
}
