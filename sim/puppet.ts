/**
 * Puppet nodes for tests (kernel tests and anyone else's): a puppet records every input it gets and
 * does whatever its handler says. By default a `request` whose op is `{ effects: [...] }` makes the
 * puppet emit exactly those effects, so a test can script a node step by step from outside.
 */
import type { Effect, Input, NodeFactory, NodeId, ProtocolNode } from '../protocol/contract.ts';
import { Simulation } from './simulation.ts';

export interface SeenInput {
  readonly node: NodeId;
  /** Which process of the node (1 = first boot, 2 = after the first restart, ...). */
  readonly process: number;
  /** The node's monotonic clock (ms) when the input arrived. */
  readonly now: number;
  /** The node's wall clock (epoch ms) when the input arrived. */
  readonly wall: number;
  readonly input: Input;
}

export type PuppetHandler = (id: NodeId, input: Input, now: number) => Effect[] | undefined;

export interface Puppets {
  readonly factory: NodeFactory;
  /** Every input any puppet received, in order. */
  readonly seen: SeenInput[];
  /** Inputs of one node, optionally of one kind. */
  of(node: NodeId, kind?: Input['kind']): SeenInput[];
}

function scripted(input: Input): Effect[] | undefined {
  if (input.kind !== 'request') return undefined;
  const op = input.op as { effects?: Effect[] } | null;
  return op?.effects;
}

export function puppets(handler: PuppetHandler = () => undefined): Puppets {
  const seen: SeenInput[] = [];
  const processes = new Map<NodeId, number>();
  const factory: NodeFactory = (id) => {
    const process = (processes.get(id) ?? 0) + 1;
    processes.set(id, process);
    const node: ProtocolNode = {
      id,
      step(input, now, wall) {
        seen.push({ node: id, process, now, wall, input });
        return handler(id, input, now) ?? scripted(input) ?? [];
      },
    };
    return node;
  };
  return {
    factory,
    seen,
    of: (node, kind) => seen.filter((s) => s.node === node && (kind === undefined || s.input.kind === kind)),
  };
}

/** A booted simulation of puppets: `act(node, ...effects)` makes `node` emit those effects now. */
export function puppetSim(seed: number | string = 1, nodes: readonly string[] = ['a', 'b', 'c']) {
  const p = puppets();
  const sim = new Simulation({ seed, nodes: [...nodes], factory: p.factory });
  sim.run(); // boot
  const act = (node: string, ...effects: Effect[]): void => {
    sim.request(node, { effects });
    sim.runFor(0);
  };
  return { sim, p, act };
}

/** Disk effects a test scripts a puppet with. */
export const append = (id: number, ...records: unknown[]): Effect => ({ kind: 'disk', id, op: { op: 'append', records } });
export const fsync = (id: number): Effect => ({ kind: 'disk', id, op: { op: 'fsync' } });
export const writeMeta = (id: number, value: number, key = 'k'): Effect => ({ kind: 'disk', id, op: { op: 'writeMeta', key, value } });
