/**
 * Assertions of protocol invariants (TigerBeetle style): a condition that must hold in every correct
 * run, checked where it must hold. A failure throws `InvariantError` naming the invariant and the
 * node: it is a bug in the model (or a planted one), never an input to tolerate. The simulator lets
 * the exception end the run; a transcript prints it as the node's PANIC.
 */
export class InvariantError extends Error {
  constructor(
    readonly invariant: string,
    readonly node: string,
    detail: string,
  ) {
    super(`invariant ${invariant} violated at ${node}: ${detail}`);
    this.name = 'InvariantError';
  }
}

export function invariant(cond: boolean, name: string, node: string, detail: () => string): asserts cond {
  if (!cond) throw new InvariantError(name, node, detail());
}
