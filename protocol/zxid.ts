/**
 * zxid = epoch << 32 | counter, kept as a plain number (exact while epoch < 2^21, far beyond any
 * run). Messages and trace records carry zxids as numbers; `zxidHex` prints them as ZooKeeper does.
 */
const TWO32 = 0x1_0000_0000;

export const MAX_COUNTER = 0xffff_ffff;

export function makeZxid(epoch: number, counter: number): number {
  return epoch * TWO32 + counter;
}

export function epochOf(zxid: number): number {
  return Math.floor(zxid / TWO32);
}

export function counterOf(zxid: number): number {
  return zxid % TWO32;
}

export function zxidHex(zxid: number): string {
  return '0x' + zxid.toString(16);
}
