#!/usr/bin/env node
// Runs a TypeScript command-line entry point as compiled JavaScript, so that it starts in tens
// of milliseconds instead of the second tsx takes to load its compiler:
//
//   node scripts/cli.mjs cli/check.ts ARGS...     (what `npm run check -- ARGS` runs)
//   node scripts/cli.mjs --build-all              (what `npm install` / `npm ci` run: `prepare`)
//
// The entry is bundled with esbuild into dist/<its path>.mjs (npm packages stay external, read
// from node_modules at run time), beside a list of every source file that went into it. Before
// each run the launcher compares those files' modification times with the bundle's build time
// and rebuilds when any is newer (or gone): a stale bundle never runs, and a rebuild costs about
// a second once. The bundle is written to a temporary name and renamed, so concurrent runs are
// safe.
//
// `import.meta.url` in each source file is replaced by that source file's own URL, so code that
// finds files next to itself (CSS, a worker script, the repository root) sees the source tree,
// and process.argv[1] is set to the entry's source path, so "am I the main module" checks work
// as under tsx.
//
// Adding a command: one line in package.json, `"NAME": "node scripts/cli.mjs path/to/entry.ts"`.
// This file is plain JavaScript on purpose: it must run before anything is compiled.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = resolve(process.env.ZABSIM_DIST_DIR ?? join(repo, 'dist'));
/** Besides the bundle's own inputs, these make every bundle stale when they change. */
const alwaysInputs = [fileURLToPath(import.meta.url), join(repo, 'package.json'), join(repo, 'tsconfig.json')];

function fail(message) {
  console.error(`cli: ${message}`);
  process.exit(2);
}

function outputsOf(entry) {
  const rel = relative(repo, entry).replace(/\.[cm]?ts$/, '');
  const safe = rel.startsWith('..') ? `_outside/${rel.replace(/\.\.\//g, '_up/')}` : rel;
  const out = join(distDir, `${safe}.mjs`);
  return { out, meta: `${out}.inputs.json` };
}

/** Is the bundle missing, or older than any file it was built from? */
function stale(entry) {
  const { out, meta } = outputsOf(entry);
  let info;
  try {
    info = JSON.parse(readFileSync(meta, 'utf8'));
    statSync(out);
  } catch {
    return true;
  }
  for (const f of [...info.inputs, ...alwaysInputs]) {
    try {
      if (statSync(f).mtimeMs >= info.builtAt) return true;
    } catch {
      return true;
    }
  }
  return false;
}

async function build(entry) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    fail('esbuild is not installed: run npm ci');
  }
  const { out, meta } = outputsOf(entry);
  const builtAt = Date.now();
  const importMetaUrl = {
    name: 'import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const url = JSON.stringify(pathToFileURL(args.path).href);
        return { contents: src.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [importMetaUrl],
      outfile: out,
    });
  } catch (e) {
    const first = e.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    fail(`cannot build ${relative(repo, entry)}: ${where}${first?.text ?? String(e.message).split('\n')[0]}`);
  }
  const inputs = Object.keys(result.metafile.inputs).map((f) => resolve(f));
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, out);
  writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify({ builtAt, inputs }));
  renameSync(`${meta}.${process.pid}.tmp`, meta);
}

const [first, ...rest] = process.argv.slice(2);
if (first === undefined) fail('usage: node scripts/cli.mjs ENTRY.ts [ARGS...] | --build-all');

if (first === '--build-all') {
  // Every entry the package.json scripts run through this launcher.
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const entries = [...new Set(Object.values(pkg.scripts ?? {}).flatMap((s) => [...s.matchAll(/scripts\/cli\.mjs\s+(\S+\.ts)\b/g)].map((m) => m[1])))];
  for (const e of entries) {
    const entry = resolve(repo, e);
    if (stale(entry)) await build(entry);
  }
  console.log(`cli: ${entries.length} commands compiled into ${relative(repo, distDir) || '.'}/`);
} else {
  const entry = resolve(repo, first);
  try {
    statSync(entry);
  } catch {
    fail(`no such entry point: ${first}`);
  }
  if (stale(entry)) await build(entry);
  process.argv = [process.argv[0], entry, ...rest];
  await import(pathToFileURL(outputsOf(entry).out).href);
}
