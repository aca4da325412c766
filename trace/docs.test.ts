/**
 * trace/README.md is the one documentation of the trace: its tables must list exactly the schema's
 * record kinds, faults and node events, each with exactly the schema's fields, types and optional
 * marks (rendered from the field descriptors). A kind added to the schema without a line in the
 * README — or a README line for a kind that no longer exists — fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fields } from './fields.ts';
import { EVENTS, FAULTS, KERNEL } from './schema.ts';

const README = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

/** The rows `| \`kind\` | fields | ... |` of the tables under the heading that starts with `title`. */
function documented(title: string): Map<string, string> {
  const start = README.indexOf('\n### ' + title);
  expect(start, `README section "${title}"`).toBeGreaterThan(-1);
  const rest = README.slice(start + 5);
  const end = rest.search(/\n##/);
  const out = new Map<string, string>();
  for (const line of (end === -1 ? rest : rest.slice(0, end)).split('\n')) {
    const m = /^\| `([^`]+)` \| (.*?) \| .* \|$/.exec(line);
    if (m === null) continue;
    expect(out.has(m[1]!), `${m[1]} documented twice`).toBe(false);
    out.set(m[1]!, m[2]!.replace(/\\\|/g, '|'));
  }
  return out;
}

/** How the README writes a field table: `a: int, b: string?` or — for none. */
function rendered(fields: Fields): string {
  const names = Object.keys(fields);
  return names.length === 0 ? '—' : '`' + names.map((n) => `${n}: ${fields[n]!.doc}`).join(', ') + '`';
}

function expected(table: Readonly<Record<string, Fields>>): Map<string, string> {
  return new Map(Object.entries(table).map(([k, f]) => [k, rendered(f)]));
}

describe('trace/README.md matches the schema', () => {
  it('kernel records', () => {
    expect(documented('Kernel records')).toEqual(expected(KERNEL));
  });
  it('faults', () => {
    expect(documented('Faults')).toEqual(expected(FAULTS));
  });
  it('node events', () => {
    expect(documented('Node events')).toEqual(expected(EVENTS));
  });
});
