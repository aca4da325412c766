/**
 * A reader for EDN (https://github.com/edn-format/edn), enough of it for Jepsen and Knossos
 * histories: nil, booleans, integers (an `N` suffix allowed), floats, strings, characters,
 * keywords, symbols, vectors, lists, maps, sets, tagged values (`#jepsen.history.Op{...}`: the
 * tag is kept, the value read), `#_` discards and `;` comments. Own code: the npm EDN readers
 * report no line numbers, and a history's errors must name their line.
 *
 * `readHistoryForms` reads a whole file in either layout Jepsen writes: one vector (or list) of
 * op maps, or one op map after another (usually one per line). Each op comes with the line it
 * starts on. A syntax error, or the file ending inside an open bracket (a truncated file), is
 * reported with its line through `onError`; reading resumes at the next line that starts with
 * `{` (so a lenient caller can skip a bad line and go on).
 */

export class Keyword {
  private static readonly all = new Map<string, Keyword>();
  private constructor(readonly name: string) {}
  /** Keywords are interned: `Keyword.of('f') === Keyword.of('f')`, so they can key a Map. */
  static of(name: string): Keyword {
    let k = Keyword.all.get(name);
    if (k === undefined) Keyword.all.set(name, (k = new Keyword(name)));
    return k;
  }
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class EdnList {
  constructor(readonly items: EdnValue[]) {}
}

export class EdnSet {
  constructor(readonly items: EdnValue[]) {}
}

export class EdnChar {
  constructor(readonly char: string) {}
}

export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

/** A vector is a plain array; a map is a Map (keyword keys are interned, so `get` works). */
export type EdnValue =
  | null
  | boolean
  | number
  | string
  | Keyword
  | EdnSymbol
  | EdnChar
  | EdnValue[]
  | EdnList
  | EdnSet
  | Tagged
  | Map<EdnValue, EdnValue>;

export class EdnSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

const SPACE = new Uint8Array(128);
for (const c of ' \t\r\n,') SPACE[c.charCodeAt(0)] = 1;
const DELIM = new Uint8Array(128);
for (const c of ' \t\r\n,()[]{}";') DELIM[c.charCodeAt(0)] = 1;
const NUMBER = /^[+-]?\d+N?$|^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;

const CLOSER: Record<string, string> = { '[': ']', '(': ')', '{': '}' };

class Reader {
  pos = 0;
  line = 1;
  constructor(readonly text: string) {}

  fail(detail: string, line = this.line): never {
    throw new EdnSyntaxError(line, detail);
  }

  /** Skips whitespace, commas and comments; answers the next char code (NaN at the end). */
  skip(): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) this.line++;
      else if (c === 59) {
        // ; comment to the end of the line
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl;
        continue;
      } else if (!(c < 128 && SPACE[c])) return c;
      this.pos++;
    }
  }

  token(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c < 128 && DELIM[c]) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  /** Reads one value; `c` is the (already skipped-to) next char code. */
  value(c: number): EdnValue {
    const t = this.text;
    if (Number.isNaN(c)) this.fail('unexpected end of file');
    const ch = t[this.pos]!;
    switch (ch) {
      case '{': {
        const open = this.line;
        this.pos++;
        const m = new Map<EdnValue, EdnValue>();
        for (;;) {
          const d = this.skip();
          if (t[this.pos] === '}') break;
          if (Number.isNaN(d)) this.fail(`end of file inside a map opened on line ${open} (truncated?)`);
          const k = this.value(d);
          const e = this.skip();
          if (t[this.pos] === '}' || Number.isNaN(e)) this.fail(`map key ${show(k)} has no value`);
          m.set(k, this.value(e));
        }
        this.pos++;
        return m;
      }
      case '[':
      case '(': {
        const items = this.seq(ch);
        return ch === '[' ? items : new EdnList(items);
      }
      case '"':
        return this.string();
      case ':': {
        this.pos++;
        const name = this.token();
        return name === '' ? this.fail('empty keyword') : Keyword.of(name);
      }
      case '#': {
        const next = t[this.pos + 1];
        if (next === '{') {
          this.pos++;
          const items = this.seq('{');
          return new EdnSet(items);
        }
        if (next === '_') {
          this.pos += 2;
          this.value(this.skip());
          return this.value(this.skip());
        }
        this.pos++;
        const tag = this.token();
        if (tag === '') this.fail('"#" without a tag');
        return new Tagged(tag, this.value(this.skip()));
      }
      case '\\': {
        this.pos++;
        const name = t[this.pos] ?? this.fail('unexpected end of file');
        this.pos++;
        const rest = this.token();
        const s = name + rest;
        const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r' };
        return new EdnChar(s.length === 1 ? s : (named[s] ?? this.fail(`unknown character \\${s}`)));
      }
      case ')':
      case ']':
      case '}':
        return this.fail(`unexpected "${ch}"`);
    }
    const tok = this.token();
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    const d = tok.charCodeAt(0);
    const sign = d === 43 || d === 45;
    if ((d >= 48 && d <= 57) || (sign && tok.length > 1 && tok.charCodeAt(1) >= 48 && tok.charCodeAt(1) <= 57)) {
      if (!NUMBER.test(tok)) this.fail(`bad number "${tok}"`);
      const n = Number(tok.replace(/[NM]$/, ''));
      if (Number.isInteger(n) && !Number.isSafeInteger(n)) this.fail(`integer ${tok} is too large`);
      return n;
    }
    if (tok === '') this.fail(`unexpected "${ch}"`);
    return new EdnSymbol(tok);
  }

  seq(open: string): EdnValue[] {
    const close = CLOSER[open]!;
    const line = this.line;
    this.pos++;
    const items: EdnValue[] = [];
    for (;;) {
      const c = this.skip();
      if (this.text[this.pos] === close) break;
      if (Number.isNaN(c)) this.fail(`end of file inside "${open}" opened on line ${line} (truncated?)`);
      items.push(this.value(c));
    }
    this.pos++;
    return items;
  }

  string(): string {
    const t = this.text;
    const open = this.line;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail(`end of file inside a string opened on line ${open} (truncated?)`);
      if (c === 34) break;
      if (c === 10) this.line++;
      if (c === 92) {
        out += t.slice(start, this.pos);
        const e = t[this.pos + 1];
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (e === 'u') {
          const hex = t.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          out += esc[e ?? ''] ?? this.fail(`bad escape \\${e ?? ''}`);
          this.pos += 2;
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    out += t.slice(start, this.pos);
    this.pos++;
    return out;
  }

  /** After an error: move to the next line whose first non-blank char is "{" (or the end). */
  resync(): void {
    const t = this.text;
    for (;;) {
      const nl = t.indexOf('\n', this.pos);
      if (nl < 0) {
        this.pos = t.length;
        return;
      }
      this.pos = nl + 1;
      this.line = lineAt(t, this.pos);
      let i = this.pos;
      while (t[i] === ' ' || t[i] === '\t') i++;
      if (t[i] === '{') return;
    }
  }
}

/** 1-based line of offset `pos` (only used after errors, so a scan is fine). */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A short printed form of a value, for messages. */
export function show(v: EdnValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.toString();
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (v instanceof EdnList) return `(${v.items.map(show).join(' ')})`;
  if (v instanceof EdnSet) return `#{${v.items.map(show).join(' ')}}`;
  if (v instanceof EdnChar) return `\\${v.char}`;
  if (v instanceof Tagged) return `#${v.tag} ${show(v.value)}`;
  return `{${[...v].map(([k, x]) => `${show(k)} ${show(x)}`).join(', ')}}`;
}

/** Reads one EDN value from `text` (e.g. a command-line option); throws EdnSyntaxError. */
export function readEdn(text: string): EdnValue {
  const r = new Reader(text);
  const v = r.value(r.skip());
  if (!Number.isNaN(r.skip())) r.fail('text after the value');
  return v;
}

/**
 * Reads a history file's forms (see the file comment): calls `onForm(value, line)` for each op
 * and `onError(line, detail)` for each syntax error (then resumes at the next line starting
 * with "{"). `onError` may throw to stop.
 */
export function readHistoryForms(
  text: string,
  onForm: (value: EdnValue, line: number) => void,
  onError: (line: number, detail: string) => void,
): void {
  const r = new Reader(text);
  let c = r.skip();
  const t = text;
  // The vector/list layout: one top-level "[" or "(" holding every op.
  const wrapped = t[r.pos] === '[' || t[r.pos] === '(';
  let close = '';
  let openLine = 0;
  if (wrapped) {
    close = CLOSER[t[r.pos]!]!;
    openLine = r.line;
    r.pos++;
    c = r.skip();
  }
  for (;;) {
    if (Number.isNaN(c)) {
      if (wrapped) onError(r.line, `end of file inside the history's "${close === ']' ? '[' : '('}" opened on line ${openLine} (truncated?)`);
      return;
    }
    if (wrapped && t[r.pos] === close) {
      r.pos++;
      if (!Number.isNaN(r.skip())) onError(r.line, `text after the history's closing "${close}"`);
      return;
    }
    const line = r.line;
    try {
      onForm(r.value(c), line);
    } catch (e) {
      if (!(e instanceof EdnSyntaxError)) throw e;
      onError(e.line, e.detail);
      r.resync();
    }
    c = r.skip();
  }
}
