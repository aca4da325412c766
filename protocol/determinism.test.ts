/**
 * Lint: protocol/, sim/ and ensemble/ (its driver runs inside kernel callbacks) must be
 * deterministic. Fails the build if any non-test `.ts` file there uses a wall clock, ambient
 * randomness or real timers. The scan works on the source text with comments removed (string and
 * template literals are kept: a forbidden name inside a string is still suspicious, and a false
 * alarm is cheap to rename away).
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
});
