/**
 * The transcript file format (after cockroachdb/datadriven, our own code): a file is a sequence of
 * blocks, each a command line, a `----` line, and the command's output up to the next blank line.
 * `#` lines and blank lines between blocks are comments. Output never contains a blank line (an
 * empty output is written `ok`), so a rewritten file parses back to the same blocks.
 *
 * A command line: `name token token key=value key=(a,b) ...`. Positional tokens are kept in order
 * (`args`), `key=value` pairs by key (`kv`); a `(a,b)` or `a,b` value is a list.
 */

export interface Command {
  readonly name: string;
  readonly args: readonly string[];
  readonly kv: ReadonlyMap<string, string>;
  /** 1-based line of the command in its file. */
  readonly line: number;
  readonly text: string;
}

export interface Block {
  readonly cmd: Command;
  /** Expected output as written in the file (lines joined with \n). */
  readonly expected: string;
  /** 0-based line indexes of the output in the file: [start, end). */
  readonly outStart: number;
  readonly outEnd: number;
}

/** Bad transcript input: the message starts with `file:line:`. */
export class TranscriptInputError extends Error {}

export function parseCommand(text: string, line: number, file: string): Command {
  const tokens = text.trim().split(/\s+/);
  const name = tokens.shift() ?? '';
  const args: string[] = [];
  const kv = new Map<string, string>();
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      args.push(t);
      continue;
    }
    const key = t.slice(0, eq);
    let value = t.slice(eq + 1);
    if (value.startsWith('(') && value.endsWith(')')) value = value.slice(1, -1);
    if (key === '' || kv.has(key)) throw new TranscriptInputError(`${file}:${line}: bad or repeated argument '${t}'`);
    kv.set(key, value);
  }
  return { name, args, kv, line, text: text.trim() };
}

export function parseFile(src: string, file: string): Block[] {
  const lines = src.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    const cmd = parseCommand(l, i + 1, file);
    if (lines[i + 1] !== '----') throw new TranscriptInputError(`${file}:${i + 2}: expected '----' after the command '${cmd.text}'`);
    const outStart = i + 2;
    let j = outStart;
    while (j < lines.length && lines[j]!.trim() !== '') j++;
    blocks.push({ cmd, expected: lines.slice(outStart, j).join('\n'), outStart, outEnd: j });
    i = j;
  }
  return blocks;
}

/** The file with each block's output replaced by `actual[k]`. */
export function rewriteFile(src: string, blocks: readonly Block[], actual: readonly string[]): string {
  const lines = src.split('\n');
  const out: string[] = [];
  let at = 0;
  blocks.forEach((b, k) => {
    out.push(...lines.slice(at, b.outStart));
    out.push(...normalizeOutput(actual[k] ?? '').split('\n'));
    at = b.outEnd;
  });
  out.push(...lines.slice(at));
  return out.join('\n');
}

/** No blank lines, no trailing spaces; an empty output is `ok`. */
export function normalizeOutput(s: string): string {
  const lines = s.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  return lines.length === 0 ? 'ok' : lines.join('\n');
}
