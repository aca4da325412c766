/**
 * One znode as the DataTree stores it, with its children as a persistent set (pathmap.ts,
 * name -> true; null for none) so adding a child never copies a children map.
 *
 * Records follow the same edit-token rule as the tries (hamt.ts): a record created under the
 * tree's current token is edited in place, any other is copied. Editing in place matters on big
 * trees: replacing a record per write turns every write into old-generation garbage and the GC then
 * re-marks the whole tree. Consequence: a Znode read from a live tree is only valid until the next
 * write to that tree; a snapshot's records never change.
 */
import type { PathMap } from './pathmap.ts';
import type { Acl, Data, SessionId, Stat } from '../request/types.ts';
import { NO_SESSION } from '../request/types.ts';

/** What kind of node; ZooKeeper encodes this in ephemeralOwner, we keep it apart. */
export const NodeKind = { PERSISTENT: 0, EPHEMERAL: 1, CONTAINER: 2, TTL: 3 } as const;
export type NodeKindCode = (typeof NodeKind)[keyof typeof NodeKind];

export interface Znode {
  /** Edit token of the tree that may modify this record in place (see hamt.ts). */
  readonly e: object | null;
  readonly data: Data;
  readonly dataLength: number;
  readonly acl: readonly Acl[];
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  /**
   * The STORED child counter: +1 per child create, never decremented (ZooKeeper's
   * StatPersisted.cversion). Clients see `2 * cversion - numChildren` (= creates + deletes); the
   * sequential suffix uses the stored value.
   */
  readonly cversion: number;
  readonly aversion: number;
  /** Owning session of an ephemeral; NO_SESSION otherwise (also for container and TTL nodes). */
  readonly owner: SessionId;
  readonly kind: NodeKindCode;
  /** TTL in ms for TTL nodes, else 0. */
  readonly ttl: number;
  readonly children: PathMap | null;
  readonly numChildren: number;
}

/** Byte length of base64 data (null and "" are 0). */
export function dataLengthOf(d: Data): number {
  if (d === null) return 0;
  const n = d.length;
  if (n === 0) return 0;
  let pad = 0;
  if (d.charCodeAt(n - 1) === 61) pad++;
  if (n > 1 && d.charCodeAt(n - 2) === 61) pad++;
  return Math.floor((n * 3) / 4) - pad;
}

/** The Stat a client sees (DataNode.copyStat): visible cversion, ephemeralOwner 0 unless ephemeral. */
export function statOf(n: Znode): Stat {
  return {
    czxid: n.czxid,
    mzxid: n.mzxid,
    ctime: n.ctime,
    mtime: n.mtime,
    version: n.version,
    cversion: n.cversion * 2 - n.numChildren,
    aversion: n.aversion,
    ephemeralOwner: n.kind === 1 ? n.owner : NO_SESSION,
    dataLength: n.dataLength,
    numChildren: n.numChildren,
    pzxid: n.pzxid,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// The copy helpers below edit in place when the record is owned by `e`, else build a full literal
// in one key order (one hidden class): object spread is several times slower on this hot path.

export function withData(e: object, n: Znode, data: Data, mtime: number, mzxid: number, version: number): Znode {
  if (n.e === e) {
    const m = n as Mutable<Znode>;
    m.data = data;
    m.dataLength = dataLengthOf(data);
    m.mtime = mtime;
    m.mzxid = mzxid;
    m.version = version;
    return m;
  }
  return {
    e,
    data,
    dataLength: dataLengthOf(data),
    acl: n.acl,
    czxid: n.czxid,
    mzxid,
    pzxid: n.pzxid,
    ctime: n.ctime,
    mtime,
    version,
    cversion: n.cversion,
    aversion: n.aversion,
    owner: n.owner,
    kind: n.kind,
    ttl: n.ttl,
    children: n.children,
    numChildren: n.numChildren,
  };
}

export function withChildren(e: object, n: Znode, children: PathMap | null, numChildren: number, cversion: number, pzxid: number): Znode {
  if (n.e === e) {
    const m = n as Mutable<Znode>;
    m.children = children;
    m.numChildren = numChildren;
    m.cversion = cversion;
    m.pzxid = pzxid;
    return m;
  }
  return {
    e,
    data: n.data,
    dataLength: n.dataLength,
    acl: n.acl,
    czxid: n.czxid,
    mzxid: n.mzxid,
    pzxid,
    ctime: n.ctime,
    mtime: n.mtime,
    version: n.version,
    cversion,
    aversion: n.aversion,
    owner: n.owner,
    kind: n.kind,
    ttl: n.ttl,
    children,
    numChildren,
  };
}

export function withAcl(e: object, n: Znode, acl: readonly Acl[], aversion: number): Znode {
  if (n.e === e) {
    const m = n as Mutable<Znode>;
    m.acl = acl;
    m.aversion = aversion;
    return m;
  }
  return {
    e,
    data: n.data,
    dataLength: n.dataLength,
    acl,
    czxid: n.czxid,
    mzxid: n.mzxid,
    pzxid: n.pzxid,
    ctime: n.ctime,
    mtime: n.mtime,
    version: n.version,
    cversion: n.cversion,
    aversion,
    owner: n.owner,
    kind: n.kind,
    ttl: n.ttl,
    children: n.children,
    numChildren: n.numChildren,
  };
}

export function newZnode(
  e: object | null,
  data: Data,
  acl: readonly Acl[],
  zxid: number,
  time: number,
  kind: NodeKindCode,
  owner: SessionId,
  ttl: number,
): Znode {
  return {
    e,
    data,
    dataLength: dataLengthOf(data),
    acl,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    ctime: time,
    mtime: time,
    version: 0,
    cversion: 0,
    aversion: 0,
    owner,
    kind,
    ttl,
    children: null,
    numChildren: 0,
  };
}
