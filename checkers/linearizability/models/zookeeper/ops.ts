/**
 * The ZooKeeper write operations the model knows, and their recorded outcomes. Reads are not in
 * here: ZooKeeper does not promise linearizable reads (a follower may serve a stale value), so
 * the parser drops them and other checkers check them (FIFO order, read-your-writes, monotonic
 * zxid).
 */

export type CreateMode = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export type ZkSubOp =
  | {
      readonly op: 'create';
      readonly path: string;
      readonly mode: CreateMode;
      readonly sequential: boolean;
    }
  | { readonly op: 'delete'; readonly path: string; readonly version: number }
  | { readonly op: 'set'; readonly path: string; readonly version: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number };

export type ZkOp =
  | ZkSubOp
  | { readonly op: 'multi'; readonly ops: readonly ZkSubOp[] }
  /** closeSession, or the expiry of the session: one txn deleting all its ephemerals. */
  | { readonly op: 'close' };

export interface ZkInput {
  /** The session that issued the op (owner of the ephemerals it creates; the one `close` ends). */
  readonly session: string;
  readonly op: ZkOp;
}

/** What one (sub-)op answered. Fields absent from the recording are not compared. */
export interface ZkSubResult {
  readonly rc: string;
  /** create: the path the server chose (sequential suffix included). */
  readonly path?: string;
  /** create / set: the node's data version after the op. */
  readonly version?: number;
}

export type ZkOutput =
  | { readonly unknown: true }
  | {
      readonly unknown: false;
      /** The op's code as the client API reports it; for multi the first failing sub-op's code. */
      readonly rc: string;
      readonly path?: string;
      readonly version?: number;
      /** multi: one per sub-op, when recorded (OK before the failure, RUNTIMEINCONSISTENCY after). */
      readonly subs?: readonly ZkSubResult[];
    };

/** Codes the model predicts. */
export const MODELED_RCS: ReadonlySet<string> = new Set([
  'OK',
  'NONODE',
  'NODEEXISTS',
  'BADVERSION',
  'NOTEMPTY',
  'NOCHILDRENFOREPHEMERALS',
]);

/** Codes after which the client cannot know whether the op took effect. */
export const INDETERMINATE_RCS: ReadonlySet<string> = new Set([
  'CONNECTIONLOSS',
  'OPERATIONTIMEOUT',
  'SESSIONEXPIRED',
  'SESSIONMOVED',
  'REQUESTTIMEOUT',
]);

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The sequential suffix: the parent's child-create counter, zero-padded to 10 digits. */
export function sequentialName(path: string, counter: number): string {
  return path + String(counter).padStart(10, '0');
}

/**
 * ZooKeeper's path rule (PathUtils.validatePath): absolute, no trailing "/", no empty, "." or ".."
 * segment, no control or otherwise forbidden characters.
 */
export function validPath(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || path.endsWith('/')) return false;
  for (const seg of path.slice(1).split('/')) if (seg === '' || seg === '.' || seg === '..') return false;
  return !/[\u0000-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff]/.test(path);
}
