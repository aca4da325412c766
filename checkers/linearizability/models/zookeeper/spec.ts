/** The checker spec for ZooKeeper histories: whole, or split where sound (see split.ts). */
import type { CheckerSpec } from '../../check.ts';
import type { Model, Operation, Part } from '../../types.ts';
import { zkModel } from './model.ts';
import type { ZkInput, ZkOutput } from './ops.ts';
import { splitZkHistory } from './split.ts';
import { freshTree } from './tree.ts';
import type { Tree } from './tree.ts';

type ZkOperation = Operation<ZkInput, ZkOutput>;

function label(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} (+${paths.length - 3} more)` : shown || '(no paths)';
}

/** `initial` is the tree the history starts from (a fresh server unless the history says). */
export function zkSpecFor(initial: Tree = freshTree()): CheckerSpec<ZkInput, ZkOutput> {
  const model = zkModel(initial) as Model<unknown, ZkInput, ZkOutput>;
  return {
    whole: (ops: readonly ZkOperation[]): Part<ZkInput, ZkOutput> => ({ label: 'whole history', ops, model }),
    split: (ops: readonly ZkOperation[]): Part<ZkInput, ZkOutput>[] =>
      splitZkHistory(ops, initial).map((g) => ({ label: label(g.paths), ops: g.ops, model })),
  };
}
