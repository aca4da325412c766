/** Renders an explanation as text for a terminal (the JSON form is the `Explanation` itself). */
import type { ExplainedOp, Explanation } from './types.ts';

function when(o: ExplainedOp): string {
  return `[${o.call}, ${o.ret === null ? '∞' : o.ret}]`;
}

function line(o: ExplainedOp): string {
  return `#${o.label} ${o.process} ${when(o)} ${o.op}`;
}

/** At most `limit` lines of the linearized prefix are shown: the last ones matter most. */
export function explanationText(x: Explanation, limit = 20): string {
  const out: string[] = [];
  out.push(`  failing part: ${x.part} (${x.partOps} ops)`);
  out.push(`  longest linearizable prefix: ${x.linearized.length} ops`);
  const shown = x.linearized.slice(Math.max(0, x.linearized.length - limit));
  if (shown.length < x.linearized.length) out.push(`    ... ${x.linearized.length - shown.length} earlier ops`);
  for (const o of shown) out.push(`    ${line(o)}  => ${o.stateAfter}`);
  out.push(`  state then: ${x.stateBefore}`);
  out.push(`  cannot place next: ${line(x.blocking)}`);
  const others = x.candidates.filter((c) => c.index !== x.blocking.index);
  if (others.length > 0) {
    out.push(`  also pending when it returned (tried in every order):`);
    for (const c of others.slice(0, limit)) out.push(`    ${line(c)}`);
    if (others.length > limit) out.push(`    ... ${others.length - limit} more`);
  }
  return out.join('\n');
}
