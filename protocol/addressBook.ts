/**
 * The ensemble's address book (zoo.cfg's `server.<myid>=host:ports[:observer]` lines): which node
 * is the server with which myid, and whether it votes. A node id is an opaque name to the protocol:
 * servers find each other's node ids here and learn a sender's myid from here (ZooKeeper learns it
 * from the connection handshake), never by parsing a name.
 *
 * The ensemble builders name servers `s<myid>` by default (`defaultAddressBook`); a host may give
 * any other names (`protocol/server/addressBook.test.ts` runs an ensemble of `alpha`, `bravo`,
 * `charlie` with myids 7, 3 and 12).
 */
import type { NodeId } from './contract.ts';

export type ServerRole = 'participant' | 'observer';

/** One server of the ensemble. Plain data (it travels in configs and in the trace header). */
export interface ServerAddress {
  readonly myid: number;
  readonly node: NodeId;
  readonly role: ServerRole;
}

/** The builders' default naming: server myid N is node `sN`. */
export function defaultServerNode(myid: number): NodeId {
  return 's' + myid;
}

/** The default address book: participants then observers, each `s<myid>`, in myid order. */
export function defaultAddressBook(participants: readonly number[], observers: readonly number[] = []): ServerAddress[] {
  const out: ServerAddress[] = [
    ...participants.map((myid) => ({ myid, node: defaultServerNode(myid), role: 'participant' as const })),
    ...observers.map((myid) => ({ myid, node: defaultServerNode(myid), role: 'observer' as const })),
  ];
  return out.sort((a, b) => a.myid - b.myid);
}

/** Lookups over an address book (built once per book: `AddressBook.of`). */
export class AddressBook {
  private readonly byNode = new Map<NodeId, ServerAddress>();
  private readonly byMyid = new Map<number, ServerAddress>();
  /** Entries in myid order. */
  readonly entries: readonly ServerAddress[];

  constructor(entries: readonly ServerAddress[]) {
    for (const e of entries) {
      if (!Number.isInteger(e.myid) || e.myid < 1) throw new Error(`address book: myid ${String(e.myid)} is not a positive integer`);
      if (typeof e.node !== 'string' || e.node === '') throw new Error(`address book: myid ${e.myid} has no node id`);
      if (e.role !== 'participant' && e.role !== 'observer') throw new Error(`address book: myid ${e.myid} has role ${String(e.role)}`);
      if (this.byMyid.has(e.myid)) throw new Error(`address book: myid ${e.myid} is listed twice`);
      if (this.byNode.has(e.node)) throw new Error(`address book: node ${e.node} is listed twice`);
      this.byMyid.set(e.myid, e);
      this.byNode.set(e.node, e);
    }
    this.entries = [...entries].sort((a, b) => a.myid - b.myid);
  }

  private static readonly cache = new WeakMap<readonly ServerAddress[], AddressBook>();

  /** The lookups of `entries`, built once per array. */
  static of(entries: readonly ServerAddress[]): AddressBook {
    let b = AddressBook.cache.get(entries);
    if (b === undefined) {
      b = new AddressBook(entries);
      AddressBook.cache.set(entries, b);
    }
    return b;
  }

  /** Is `node` a server of this ensemble? */
  has(node: NodeId): boolean {
    return this.byNode.has(node);
  }

  /** The myid of server `node`; NaN if `node` is not a server of this ensemble. */
  myidOf(node: NodeId): number {
    return this.byNode.get(node)?.myid ?? NaN;
  }

  /** The node id of server `myid` (throws for a myid not in the book: a protocol error). */
  nodeOf(myid: number): NodeId {
    const e = this.byMyid.get(myid);
    if (e === undefined) throw new Error(`address book: no server with myid ${myid}`);
    return e.node;
  }

  /** Every server's node id, in myid order. */
  nodes(): NodeId[] {
    return this.entries.map((e) => e.node);
  }
}
