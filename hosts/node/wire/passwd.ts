/**
 * Session passwords as ZooKeeper 3.8 makes and checks them: the server never stores a password,
 * it derives one from the session id (`ZooKeeperServer.generatePasswd`: 16 bytes of
 * `java.util.Random` seeded with `sessionId ^ 0xB3415C00`) and, on a reconnect, compares what the
 * client sends with that (`checkPasswd`). `java.util.Random` is a 48-bit LCG, written out here.
 */

const MULT = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;
const SUPER_SECRET = 0xb3415c00n;

/** `new java.util.Random(seed).nextBytes(n)`. */
export function javaRandomBytes(seed: bigint, n: number): Buffer {
  let s = (BigInt.asIntN(64, seed) ^ MULT) & MASK;
  const out = Buffer.alloc(n);
  let i = 0;
  while (i < n) {
    s = (s * MULT + 0xbn) & MASK;
    let rnd = Number(BigInt.asIntN(32, s >> 16n));
    for (let k = Math.min(n - i, 4); k > 0; k--) {
      out[i++] = rnd & 0xff;
      rnd >>= 8;
    }
  }
  return out;
}

/** The password of a session (16 bytes). */
export function sessionPasswd(sessionId: bigint): Buffer {
  return javaRandomBytes(BigInt.asIntN(64, sessionId) ^ SUPER_SECRET, 16);
}

/** `ZooKeeperServer.checkPasswd`: a non-zero id whose derived password equals the one sent. */
export function checkPasswd(sessionId: bigint, passwd: Uint8Array): boolean {
  return sessionId !== 0n && Buffer.from(passwd).equals(sessionPasswd(sessionId));
}
