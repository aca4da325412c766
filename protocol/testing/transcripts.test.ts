/**
 * Runs every transcript in testdata/ and compares each command's output with the golden text.
 * `UPDATE_TRANSCRIPTS=1 npx vitest run protocol/testing/transcripts.test.ts` rewrites the files
 * with the actual output instead (review the diff before committing it).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeOutput, parseFile, rewriteFile } from './datadriven.ts';
import { TranscriptEnv } from './transcript.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const REWRITE = process.env['UPDATE_TRANSCRIPTS'] === '1';

/** Runs one transcript; returns [expected, actual] per block, and the rewritten text. */
export function runTranscript(src: string, file: string): { expected: string[]; actual: string[]; rewritten: string } {
  const blocks = parseFile(src, file);
  const env = new TranscriptEnv();
  const actual = blocks.map((b) => normalizeOutput(env.run(b.cmd, file)));
  return { expected: blocks.map((b) => b.expected), actual, rewritten: rewriteFile(src, blocks, actual) };
}

describe('protocol transcripts', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  it('has transcripts', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const path = join(DIR, f);
      const src = readFileSync(path, 'utf8');
      const { expected, actual, rewritten } = runTranscript(src, `protocol/testing/testdata/${f}`);
      if (REWRITE) {
        if (rewritten !== src) writeFileSync(path, rewritten);
        return;
      }
      const blocks = parseFile(src, f);
      for (let i = 0; i < blocks.length; i++) {
        expect(actual[i], `${f}:${blocks[i]!.cmd.line}: ${blocks[i]!.cmd.text}`).toBe(expected[i]);
      }
    });
  }
});
