/** The transcript format and the driver's bad-input errors: one line, `file:line: message`. */
import { describe, expect, it } from 'vitest';
import { parseCommand, parseFile, rewriteFile, TranscriptInputError } from './datadriven.ts';
import { TranscriptEnv } from './transcript.ts';

const SRC = '# c\nservers voters=3\n----\nold\n\nstatus s1\n----\nx\ny\n';

describe('datadriven format', () => {
  it('parses blocks and rewrites only the outputs', () => {
    const blocks = parseFile(SRC, 'f.txt');
    expect(blocks.map((b) => [b.cmd.name, b.cmd.line, b.expected])).toEqual([
      ['servers', 2, 'old'],
      ['status', 6, 'x\ny'],
    ]);
    expect(rewriteFile(SRC, blocks, ['new', ''])).toBe('# c\nservers voters=3\n----\nnew\n\nstatus s1\n----\nok\n');
  });

  it('parses positional tokens, key=value and lists', () => {
    const c = parseCommand('deliver s1 from=(s2,s3) max=2', 1, 'f');
    expect([c.args, [...c.kv]]).toEqual([['s1'], [['from', 's2,s3'], ['max', '2']]]);
  });

  it('a command without ---- is one error line with file:line', () => {
    expect(() => parseFile('status\nnope\n', 'f.txt')).toThrow(new TranscriptInputError("f.txt:2: expected '----' after the command 'status'"));
  });

  it('bad commands and arguments are one error line with file:line', () => {
    const env = new TranscriptEnv();
    const run = (text: string) => env.run(parseCommand(text, 7, 'f.txt'), 'f.txt');
    expect(() => run('frobnicate')).toThrow("f.txt:7: unknown command 'frobnicate'");
    run('servers voters=3');
    expect(() => run('start s9')).toThrow("f.txt:7: no node 's9'");
    expect(() => run('tick ms=abc')).toThrow('f.txt:7: tick: ms must be a non-negative integer');
    expect(() => run('deliver type=NOPE')).toThrow('f.txt:7: deliver: no message in flight matches');
    expect(() => run('servers voters=3')).toThrow('f.txt:7: servers: the ensemble is already defined');
    expect(() => run('status color=red')).toThrow("f.txt:7: status: unknown argument 'color'");
  });
});
