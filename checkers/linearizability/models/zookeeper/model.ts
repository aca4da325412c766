/**
 * The ZooKeeper write model: an op is accepted at a point of the order when what the leader would
 * answer there matches what the client recorded (fields the recording lacks are not compared). An
 * op whose outcome is unknown is accepted with whatever the leader would answer.
 */
import { applyOp } from './apply.ts';
import type { ZkInput, ZkOutput, ZkSubOp, ZkSubResult } from './ops.ts';
import { describeTree, freshTree, treesEqual } from './tree.ts';
import type { Tree } from './tree.ts';
import type { Model } from '../../types.ts';

function subMatches(expected: ZkSubResult, got: ZkSubResult): boolean {
  if (expected.rc !== got.rc) return false;
  if (got.path !== undefined && expected.path !== got.path) return false;
  if (got.version !== undefined && expected.version !== got.version) return false;
  return true;
}

function describeSub(op: ZkSubOp): string {
  switch (op.op) {
    case 'create': {
      const mode = [op.mode === 'persistent' ? '' : op.mode, op.sequential ? 'sequential' : ''].filter(Boolean).join(' ');
      return `create ${op.path}${mode ? ` (${mode})` : ''}`;
    }
    case 'delete':
    case 'set':
    case 'check':
      return `${op.op} ${op.path}${op.version === -1 ? '' : ` v=${op.version}`}`;
  }
}

function describeResult(r: ZkSubResult): string {
  return [r.rc, r.path, r.version === undefined ? undefined : `v${r.version}`].filter((x) => x !== undefined).join(' ');
}

export function zkModel(initial: Tree = freshTree()): Model<Tree, ZkInput, ZkOutput> {
  return {
    init: () => initial,
    step(state, input, output) {
      const a = applyOp(state, input);
      if (output.unknown) return a.tree;
      if (!subMatches(a, output)) return undefined;
      if (output.subs !== undefined) {
        const subs = a.subs ?? [];
        if (subs.length !== output.subs.length) return undefined;
        for (let i = 0; i < subs.length; i++) if (!subMatches(subs[i]!, output.subs[i]!)) return undefined;
      }
      return a.tree;
    },
    equal: treesEqual,
    hash: (t) => t.hash,
    describeOp(input, output) {
      const op = input.op;
      const what =
        op.op === 'close'
          ? `close session ${input.session}`
          : op.op === 'multi'
            ? `multi[${op.ops.map(describeSub).join('; ')}]`
            : describeSub(op);
      const who = op.op !== 'close' ? ` by ${input.session}` : '';
      if (output.unknown) return `${what}${who} -> ?`;
      const subs = output.subs ? ` [${output.subs.map(describeResult).join('; ')}]` : '';
      return `${what}${who} -> ${describeResult(output)}${subs}`;
    },
    describeState: describeTree,
    // The op and its recorded outcome; the session only where the op reads it (a close, an
    // ephemeral create: owner, and refused once the session is closed).
    opKey(input, output) {
      const op = input.op;
      const usesSession =
        op.op === 'close' ||
        (op.op === 'create' && op.mode === 'ephemeral') ||
        (op.op === 'multi' && op.ops.some((s) => s.op === 'create' && s.mode === 'ephemeral'));
      return JSON.stringify([usesSession ? input.session : '', op, output]);
    },
    // A written tree owns a fresh Map (copy on write): ~100 bytes per entry plus the object.
    stateBytes: (t) => 64 + 100 * t.nodes.size,
  };
}
