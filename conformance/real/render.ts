/**
 * Normalizes wire values into recording form (FORMAT.md): relative zxids, masked times,
 * ephemeral owners by session name, event and ACL text.
 */
import type { RecordedEvent, RecordedStat } from '../recording.ts';
import { formatAcl } from './encode.ts';
import { eventTypeName, keeperStateName, type WatcherEvent, type WireAcl, type WireStat } from './wire.ts';

/** Maps server values to recording values for one run. */
export class Normalizer {
  /** Session id -> script session name, for every session the run opened (closed ones too). */
  private readonly owners = new Map<bigint, string>();

  constructor(readonly base: bigint) {}

  nameSession(id: bigint, name: string): void {
    this.owners.set(id, name);
  }

  /**
   * A zxid relative to the run's base (1 = the run's first txn); 0 (before any txn) stays 0, and a
   * zxid of a later epoch than the base counts from that epoch's start (a follower synced by DIFF
   * reports 0x0 in a fresh ensemble until its first txn, yet the txns it then applies are 0x1000000nn).
   */
  zxid(z: bigint): number {
    if (z === 0n) return 0;
    const epochStart = (z >> 32n) << 32n;
    return Number(z - (epochStart > this.base ? epochStart : this.base));
  }

  owner(id: bigint): 0 | string {
    if (id === 0n) return 0;
    const name = this.owners.get(id);
    // A session this run did not open (only possible against a shared server).
    return name === undefined ? `session:0x${BigInt.asUintN(64, id).toString(16)}` : `session:${name}`;
  }

  stat(s: WireStat): RecordedStat {
    return {
      czxid: this.zxid(s.czxid),
      mzxid: this.zxid(s.mzxid),
      pzxid: this.zxid(s.pzxid),
      ctime: '*',
      mtime: '*',
      version: s.version,
      cversion: s.cversion,
      aversion: s.aversion,
      ephemeralOwner: this.owner(s.ephemeralOwner),
      dataLength: s.dataLength,
      numChildren: s.numChildren,
    };
  }
}

export function renderEvent(e: WatcherEvent): RecordedEvent {
  return { type: eventTypeName(e.type), path: e.path, state: keeperStateName(e.state) };
}

export function renderAcls(list: readonly WireAcl[] | null): string[] {
  return (list ?? []).map(formatAcl);
}

/** Data as recorded: UTF-8 text, or null for a null buffer. */
export function renderData(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

export function hexZxid(z: bigint): string {
  return '0x' + z.toString(16);
}
