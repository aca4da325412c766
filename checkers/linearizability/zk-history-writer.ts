/**
 * Writing a ZooKeeper client history in the checker's JSONL format (README.md, "ZooKeeper
 * histories"), for a harness that records what its clients did. Plain data in, lines out.
 */

export type ZkCreateMode =
  | 'persistent'
  | 'ephemeral'
  | 'persistent_sequential'
  | 'ephemeral_sequential'
  | 'container'
  | 'persistent_ttl'
  | 'persistent_sequential_ttl';

export type ZkSubOpRecord =
  | { readonly op: 'create'; readonly path: string; readonly mode?: ZkCreateMode; readonly data?: string | null }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number }
  | { readonly op: 'set'; readonly path: string; readonly version?: number; readonly data?: string | null }
  | { readonly op: 'check'; readonly path: string; readonly version: number };

export type ZkOpRecord =
  | ZkSubOpRecord
  | { readonly op: 'multi'; readonly ops: readonly ZkSubOpRecord[] }
  | { readonly op: 'close' | 'expire' }
  | { readonly op: 'get' | 'exists' | 'children' | 'sync'; readonly path: string };

export interface ZkResultRecord {
  readonly rc: string;
  readonly path_returned?: string;
  readonly stat?: { readonly version: number; readonly [field: string]: unknown };
  readonly data_returned?: string | null;
  readonly results?: readonly { readonly rc: string; readonly path?: string; readonly stat?: { readonly version: number } }[];
}

export interface ZkInitNode {
  readonly path: string;
  readonly version?: number;
  readonly ephemeralOwner?: string;
  readonly childCreates?: number;
}

export class ZkHistoryWriter {
  private readonly out: string[] = [];
  private nextId = 1;

  /** Nodes that exist before the first op (besides a fresh server's). Call first, at most once. */
  init(nodes: readonly ZkInitNode[]): void {
    if (this.out.length > 0) throw new Error('init must come first');
    this.out.push(JSON.stringify({ type: 'init', nodes }));
  }

  /** A client calls; answers the op id to pass to `ret` / `info`. */
  invoke(time: number, process: string, session: string, op: ZkOpRecord): number {
    const id = this.nextId++;
    this.out.push(JSON.stringify({ type: 'invoke', id, time, process, session, ...op }));
    return id;
  }

  ret(time: number, id: number, result: ZkResultRecord): void {
    this.out.push(JSON.stringify({ type: 'return', id, time, ...result }));
  }

  /** The client will never learn the outcome (gave up, crashed): it may or may not take effect. */
  info(time: number, id: number): void {
    this.out.push(JSON.stringify({ type: 'info', id, time }));
  }

  text(): string {
    return this.out.join('\n') + '\n';
  }
}
