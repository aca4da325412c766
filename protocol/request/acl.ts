/**
 * ACL semantics of ZooKeeper 3.8: checkACL (ZooKeeperServer), fixupACL (PrepRequestProcessor), and
 * the two built-in authentication providers, digest and ip, plus the configured super digest.
 *
 * A connection's identities (`AuthId[]`) start with `ip:<client address>` and grow with addAuth.
 * sha1 comes from node:crypto: a pure function, not a source of randomness.
 */
import { createHash } from 'node:crypto';
import { Err, KeeperError } from './errors.ts';
import type { Acl } from './types.ts';
import { concurrentHashSetOrder, juteHash2 } from './javaHashOrder.ts';

export interface AuthId {
  readonly scheme: string;
  readonly id: string;
}

/** `user:password` -> `user:base64(sha1("user:password"))` (DigestAuthenticationProvider.generateDigest). */
export function generateDigest(userPassword: string): string {
  const i = userPassword.indexOf(':');
  const user = i < 0 ? userPassword : userPassword.slice(0, i);
  return user + ':' + createHash('sha1').update(userPassword, 'utf8').digest('base64');
}

/** Java's String.split(regex) drops trailing empty strings; digest ids are validated with it. */
function javaSplitCount(s: string, sep: string): number {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 ? 1 : parts.length;
}

function ipv4Bytes(addr: string): number[] | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Integer.parseInt accepts an optional sign and decimal digits only.
    if (!/^[+-]?[0-9]+$/.test(p)) return undefined;
    const v = Number(p);
    if (v < 0 || v > 255) return undefined;
    out.push(v);
  }
  return out;
}

function parseBits(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const b = Number(s);
  return b >= 0 && b <= 32 ? b : undefined;
}

/** IPAuthenticationProvider.isValid: `a.b.c.d` or `a.b.c.d/bits` (IPv4 only, as in 3.8). */
export function isValidIpAcl(id: string): boolean {
  const slash = id.indexOf('/');
  const addr = slash < 0 ? id : id.slice(0, slash);
  if (ipv4Bytes(addr) === undefined) return false;
  return slash < 0 || parseBits(id.slice(slash + 1)) !== undefined;
}

/** IPAuthenticationProvider.matches: the client address against `addr[/bits]`. */
export function ipMatches(clientAddr: string, aclExpr: string): boolean {
  const slash = aclExpr.indexOf('/');
  const acl = ipv4Bytes(slash < 0 ? aclExpr : aclExpr.slice(0, slash));
  if (acl === undefined) return false;
  let bits = 32;
  if (slash >= 0) {
    const b = parseBits(aclExpr.slice(slash + 1));
    if (b === undefined) return false;
    bits = b;
  }
  const remote = ipv4Bytes(clientAddr);
  if (remote === undefined) return false;
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((acl[i]! & mask) !== (remote[i]! & mask)) return false;
  }
  return true;
}

/** Providers the server knows (ProviderRegistry): digest and ip. `isAuthenticated` per provider. */
function providerValid(scheme: string, id: string): boolean {
  if (scheme === 'digest') return javaSplitCount(id, ':') === 2;
  if (scheme === 'ip') return isValidIpAcl(id);
  return false;
}

/**
 * ZooKeeperServer.checkACL: true when `auth` holds permission `perm` under `acl`. An empty ACL
 * allows everything; a `super` identity bypasses all checks.
 */
export function checkAcl(acl: readonly Acl[], perm: number, auth: readonly AuthId[]): boolean {
  if (acl.length === 0) return true;
  for (const a of auth) if (a.scheme === 'super') return true;
  for (const e of acl) {
    if ((e.perms & perm) === 0) continue;
    if (e.scheme === 'world' && e.id === 'anyone') return true;
    if (e.scheme !== 'digest' && e.scheme !== 'ip') continue;
    for (const a of auth) {
      if (a.scheme !== e.scheme) continue;
      if (e.scheme === 'digest' ? a.id === e.id : ipMatches(a.id, e.id)) return true;
    }
  }
  return false;
}

/** checkAcl that throws NoAuth. */
export function requireAcl(acl: readonly Acl[], perm: number, auth: readonly AuthId[], path?: string): void {
  if (!checkAcl(acl, perm, auth)) throw new KeeperError(Err.NOAUTH, path);
}

/**
 * PrepRequestProcessor.fixupACL: de-duplicate; an empty list is InvalidACL; `world` must be
 * `anyone`; `auth` expands to every authenticated (digest) identity of the caller, in the order the
 * server's auth set iterates them (`javaHashOrder.ts`), InvalidACL if
 * there is none; other schemes must be a known provider's valid id.
 */
export function fixupAcl(acl: readonly Acl[], auth: readonly AuthId[], path?: string): Acl[] {
  const uniq: Acl[] = [];
  for (const a of acl) {
    if (!uniq.some((u) => u.perms === a.perms && u.scheme === a.scheme && u.id === a.id)) uniq.push(a);
  }
  if (uniq.length === 0) throw new KeeperError(Err.INVALIDACL, path);
  const out: Acl[] = [];
  for (const a of uniq) {
    if (a.scheme === 'world' && a.id === 'anyone') {
      out.push(a);
    } else if (a.scheme === 'auth') {
      let any = false;
      for (const c of authOrder(auth)) {
        // Only the digest provider reports isAuthenticated(); ip does not, super has no provider.
        if (c.scheme === 'digest') {
          any = true;
          out.push({ perms: a.perms, scheme: c.scheme, id: c.id });
        }
      }
      if (!any) throw new KeeperError(Err.INVALIDACL, path);
    } else {
      if (!providerValid(a.scheme, a.id)) throw new KeeperError(Err.INVALIDACL, path);
      out.push(a);
    }
  }
  return out;
}

/** A connection's ids in the order 3.8 walks them (`ServerCnxn.authInfo` is a ConcurrentHashMap set). */
function authOrder(auth: readonly AuthId[]): AuthId[] {
  return concurrentHashSetOrder(auth, (a) => juteHash2(a.scheme, a.id), (a) => `${a.scheme}:${a.id}`);
}

/**
 * addAuth: the identities to add, or undefined for AuthFailed (unknown scheme; the server then
 * closes the connection). Digest always succeeds (a wrong password is just another identity); the
 * super digest additionally grants `super:`. `ip` ignores the data and adds the connection's own
 * address (IPAuthenticationProvider.handleAuthentication).
 */
export function authenticate(
  scheme: string,
  authText: string,
  opts: { superDigest?: string; clientAddr: string },
): AuthId[] | undefined {
  if (scheme === 'digest') {
    const d = generateDigest(authText);
    const out: AuthId[] = [];
    if (opts.superDigest !== undefined && d === opts.superDigest) out.push({ scheme: 'super', id: '' });
    out.push({ scheme: 'digest', id: d });
    return out;
  }
  if (scheme === 'ip') return [{ scheme: 'ip', id: opts.clientAddr }];
  return undefined;
}

/** ACL perms as recordings print them: letters c d r w a, or a decimal when a bit above 0x1f is set. */
export function permsToString(perms: number): string {
  if ((perms & ~0x1f) !== 0) return String(perms);
  let s = '';
  if (perms & 4) s += 'c';
  if (perms & 8) s += 'd';
  if (perms & 1) s += 'r';
  if (perms & 2) s += 'w';
  if (perms & 16) s += 'a';
  return s;
}

/** Input perms: letters of cdrwa in any order, or a decimal integer. */
export function parsePerms(p: string | number): number {
  if (typeof p === 'number') return p;
  if (/^-?[0-9]+$/.test(p)) return Number(p);
  let v = 0;
  for (const ch of p) v |= ch === 'c' ? 4 : ch === 'd' ? 8 : ch === 'r' ? 1 : ch === 'w' ? 2 : ch === 'a' ? 16 : 0;
  return v;
}
