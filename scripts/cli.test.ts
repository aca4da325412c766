/** The compiled-CLI launcher: runs the bundle, rebuilds it when a source is newer, never runs stale code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = join(dirname(fileURLToPath(import.meta.url)), 'cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'cli-launcher-'));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8', env: { ...process.env, ZABSIM_DIST_DIR: join(dir, 'dist') } });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
};
const write = (name: string, text: string, future = 0): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  if (future) utimesSync(p, new Date(Date.now() + future), new Date(Date.now() + future));
  return p;
};

describe('scripts/cli.mjs', () => {
  it('compiles an entry, runs it with its arguments, and rebuilds after a source edit', () => {
    write('msg.ts', 'export const msg: string = "one";\n');
    const entry = write(
      'hello.ts',
      'import { msg } from "./msg.ts";\n' +
        'console.log(msg, process.argv.slice(2).join(","), import.meta.url, process.argv[1]);\n',
    );
    const first = run(entry, 'a', 'b');
    expect(first).toEqual({ code: 0, out: `one a,b ${pathToFileURL(entry).href} ${entry}`, err: '' });
    // An edit to an imported file (dated after the build) is picked up on the next run.
    write('msg.ts', 'export const msg: string = "two";\n', 5000);
    expect(run(entry).out).toMatch(/^two /);
    expect(run(entry).out).toMatch(/^two /);
  });

  it('reports a source that does not compile in one line, exit 2', () => {
    const entry = write('broken.ts', 'const x: number = ;\n');
    const r = run(entry);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cli: cannot build .*broken\.ts: .*broken\.ts:1: /);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(run(join(dir, 'nope.ts')).err).toBe(`cli: no such entry point: ${join(dir, 'nope.ts')}`);
  });
});
