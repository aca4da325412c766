/**
 * Lint: protocol/, sim/ and ensemble/ (its driver runs inside kernel callbacks) must be
 * deterministic. Fails the build if any non-test `.ts` file there uses a wall clock, ambient
 * randomness or real timers. The scan works on the source text with comments removed (string and
 * template literals are kept: a forbidden name inside a string is still suspicious, and a false
 * alarm is cheap to rename away).
 *
 * Second lint, on protocol/'s production code (not tests, not testing/ folders): the modules it
 * imports. The same nodes run on the simulator and on the Node host (`hosts/node/`), so protocol/
 * imports no host, no randomness package (`seedrandom`: a node is handed its seed) and no I/O or
 * timer module (`node:fs`, `node:net`, `node:timers`, `node:child_process`, ...). A deterministic
 * hash (`node:crypto` createHash, SHA-1 for digest auth) is fine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['protocol', 'sim', 'ensemble'];

const FORBIDDEN: readonly { name: string; re: RegExp }[] = [
  { name: 'Date', re: /\bDate\b/ },
  { name: 'performance.now', re: /\bperformance\s*\.\s*now\b/ },
  { name: 'Math.random', re: /\bMath\s*\.\s*random\b/ },
  { name: 'randomBytes', re: /\brandomBytes\b/ },
  { name: 'randomUUID', re: /\brandomUUID\b/ },
  { name: 'getRandomValues', re: /\bgetRandomValues\b/ },
  { name: 'randomInt', re: /\brandomInt\b/ },
  { name: 'setTimeout', re: /\bsetTimeout\b/ },
  { name: 'setInterval', re: /\bsetInterval\b/ },
  { name: 'setImmediate', re: /\bsetImmediate\b/ },
  { name: 'process.hrtime', re: /\bprocess\s*\.\s*hrtime\b/ },
];

/**
 * Blanks out // and /* comments, keeping line structure (for line numbers). Tracks string, template
 * and regex-free code well enough for this purpose: quotes inside comments and comment markers inside
 * strings are both handled.
 */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') out += '\n';
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      out += c;
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === '\\') {
          out += src[i] as string;
          i++;
        }
        if (i < n) out += src[i] as string;
        i++;
      }
      if (i < n) out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

export function scan(file: string, src: string): Violation[] {
  const found: Violation[] = [];
  stripComments(src)
    .split('\n')
    .forEach((text, idx) => {
      for (const f of FORBIDDEN) if (f.re.test(text)) found.push({ file, line: idx + 1, name: f.name });
    });
  return found;
}

/** Modules protocol/ production code must not import (bare names, with or without `node:`). */
const BANNED_MODULES: readonly { name: string; re: RegExp }[] = [
  { name: 'seedrandom', re: /^seedrandom(\/.*)?$/ },
  { name: 'an I/O module', re: /^(node:)?(fs|fs\/promises|net|dgram|http|http2|https|tls|dns|dns\/promises|readline|os|child_process|cluster|worker_threads|process|perf_hooks|inspector|v8|vm)$/ },
  { name: 'a timer module', re: /^(node:)?timers(\/promises)?$/ },
];

/** Files allowed one banned module, each with the reason (and when the allowance goes). */
const ALLOWED_IMPORTS: readonly { file: string; module: string; why: string }[] = [];

/** Every module specifier of static, dynamic and re-export imports, with its line. */
export function importSpecifiers(src: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  stripComments(src)
    .split('\n')
    .forEach((text, idx) => {
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) out.push({ spec: m[1]!, line: idx + 1 });
    });
  return out;
}

/** The banned imports of one protocol/ file (`file` repository-relative). */
export function scanImports(file: string, src: string): Violation[] {
  const found: Violation[] = [];
  for (const { spec, line } of importSpecifiers(src)) {
    let name: string | undefined;
    if (spec.startsWith('.')) {
      const parts: string[] = [];
      for (const seg of [...file.split('/').slice(0, -1), ...spec.split('/')]) {
        if (seg === '..') parts.pop();
        else if (seg !== '.') parts.push(seg);
      }
      if (parts[0] === 'hosts') name = 'a host';
    } else name = BANNED_MODULES.find((b) => b.re.test(spec))?.name;
    if (name === undefined) continue;
    if (ALLOWED_IMPORTS.some((a) => a.file === file && a.module === spec)) continue;
    found.push({ file, line, name: `${name} (${spec})` });
  }
  return found;
}

function isTestPath(f: string): boolean {
  return f.endsWith('.test.ts') || f.includes('/testing/');
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

describe('determinism lint', () => {
  it('catches planted uses and ignores comments', () => {
    const planted = [
      'const t = Date.now();',
      'const r = Math.random();',
      'setTimeout(() => 1, 5);',
      "import { randomBytes } from 'node:crypto';",
      'const h = process.hrtime.bigint();',
      'const p = performance . now();',
      'crypto.getRandomValues(buf); crypto.randomUUID(); randomInt(3);',
      'setInterval(f, 1); setImmediate(f);',
    ].join('\n');
    const names = scan('planted.ts', planted).map((v) => v.name);
    expect(names.sort()).toEqual(
      [
        'Date',
        'Math.random',
        'setTimeout',
        'randomBytes',
        'process.hrtime',
        'performance.now',
        'getRandomValues',
        'randomUUID',
        'randomInt',
        'setInterval',
        'setImmediate',
      ].sort(),
    );
    const commented = "// Date.now() here\n/* Math.random()\n setTimeout */ const s = '// not a comment'; // hrtime\n";
    expect(scan('c.ts', commented)).toEqual([]);
    expect(scan('s.ts', "const a = '/*'; const b = Date.now(); // */")).toEqual([{ file: 's.ts', line: 1, name: 'Date' }]);
    expect(scan('l.ts', 'ok();\n/* x\n y */\nsetTimeout(f);')).toEqual([{ file: 'l.ts', line: 4, name: 'setTimeout' }]);
  });

  it('protocol/ and sim/ use no clock, ambient randomness or real timers', () => {
    const violations: string[] = [];
    let files = 0;
    for (const d of DIRS) {
      for (const f of sourceFiles(join(ROOT, d))) {
        files++;
        for (const v of scan(relative(ROOT, f), readFileSync(f, 'utf8'))) violations.push(`${v.file}:${v.line} uses ${v.name}`);
      }
    }
    expect(files).toBeGreaterThan(5);
    expect(violations).toEqual([]);
  });

  it('catches planted imports of a host, seedrandom, I/O and timer modules', () => {
    const planted = [
      "import seedrandom from 'seedrandom';",
      "import { readFileSync } from 'node:fs';",
      "import { connect } from 'net';",
      "import { setTimeout as sleep } from 'node:timers/promises';",
      "import { spawn } from 'node:child_process';",
      "import { NodeHost } from '../../hosts/node/host.ts';",
      "const m = await import('node:fs/promises');",
      "export { x } from '../../hosts/y.ts';",
      "import { createHash } from 'node:crypto';",
      "import { sidOf } from '../config.ts';",
      "// import seedrandom from 'seedrandom';",
    ].join('\n');
    expect(scanImports('protocol/zab/x.ts', planted).map((v) => `${v.line} ${v.name}`)).toEqual([
      '1 seedrandom (seedrandom)',
      '2 an I/O module (node:fs)',
      '3 an I/O module (net)',
      '4 a timer module (node:timers/promises)',
      '5 an I/O module (node:child_process)',
      '6 a host (../../hosts/node/host.ts)',
      '7 an I/O module (node:fs/promises)',
      '8 a host (../../hosts/y.ts)',
    ]);
    // The client takes its seed now (protocol/random.ts): no file is allowed seedrandom.
    expect(scanImports('protocol/client/client.ts', "import seedrandom from 'seedrandom';")).toHaveLength(1);
  });

  it('protocol/ imports no host, no seedrandom, no I/O or timer module', () => {
    const violations: string[] = [];
    let files = 0;
    for (const f of sourceFiles(join(ROOT, 'protocol'))) {
      const rel = relative(ROOT, f);
      if (isTestPath(rel)) continue;
      files++;
      for (const v of scanImports(rel, readFileSync(f, 'utf8'))) violations.push(`${v.file}:${v.line} imports ${v.name}`);
    }
    expect(files).toBeGreaterThan(5);
    expect(violations).toEqual([]);
    // An allowance nothing needs any more is removed.
    for (const a of ALLOWED_IMPORTS) {
      const src = readFileSync(join(ROOT, a.file), 'utf8');
      expect(importSpecifiers(src).some((x) => x.spec === a.module), `${a.file} no longer imports ${a.module}: remove its allowance`).toBe(true);
    }
  });
});
