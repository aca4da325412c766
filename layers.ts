/**
 * The project's layers as data, and the import scanner that enforces them (`layers.test.ts`, run
 * by `npm test`). Every relative import of every `.ts` file is read — static `import`/`export ...
 * from`, `import type`, dynamic `import('...')` and `import('...').T` types — resolved to a repository
 * path, and judged against the rule of the importing file's top folder.
 *
 * A file is *test code* when it is a `*.test.ts` or `*.bench.ts` file or lies in a `testing/` folder;
 * test code of a folder may import what the folder may plus its `testsMay`. Production code never
 * imports test code (`testing/` folders, test files). Package imports (`vitest`, `node:fs`, ...)
 * are not judged here (`protocol/determinism.test.ts` keeps time, randomness and timers out of
 * `protocol/` and `sim/`).
 */
import ts from 'typescript';
import { posix } from 'node:path';

export interface Layer {
  /** Top folder, with its slash (`protocol/`). */
  readonly folder: string;
  /** Path prefixes its production code may import (a prefix ending in `.ts` is one file). */
  readonly may: readonly string[];
  /** More prefixes its test code may import (`TESTING` = any `testing/` folder). */
  readonly testsMay?: readonly string[];
  /** Prefixes only `import type` may reach (types vanish at run time). */
  readonly typesMay?: readonly string[];
  readonly why: string;
}

/** Stands for "any `testing/` folder" in `testsMay`. */
export const TESTING = '<testing/>';
/** Stands for "anything" in `may`/`testsMay`. */
export const ANY = '<any>';

export const LAYERS: readonly Layer[] = [
  {
    folder: 'protocol/',
    may: ['protocol/', 'trace/'],
    testsMay: ['ensemble/', TESTING],
    why: 'pure ZooKeeper logic behind the sans-I/O contract: no host, simulator, checker or driver; its tests reach the simulator only through the Ensemble driver and testing/ folders',
  },
  {
    folder: 'trace/',
    may: ['trace/', 'protocol/'],
    why: 'the typed trace module: record shapes (some named by protocol types) and the strict decoder',
  },
  {
    folder: 'sim/',
    may: ['sim/', 'trace/'],
    typesMay: ['protocol/contract.ts'],
    why: 'the kernel hosts any ProtocolNode: it knows the contract types and the trace, nothing of ZooKeeper',
  },
  {
    folder: 'hosts/',
    may: ['hosts/', 'protocol/', 'trace/', 'conformance/real/jute.ts'],
    testsMay: ['checkers/', 'cli/', 'conformance/', TESTING],
    why: 'a real host runs the protocol nodes on real I/O and writes the trace: no simulator, driver, checker or scenario; the client wire protocol shares the jute codec with the conformance wire client (its tests judge the written trace with the checkers, run the serve command and compare with a real ZooKeeper through conformance/)',
  },
  {
    folder: 'checkers/',
    may: ['checkers/', 'trace/'],
    testsMay: ['ensemble/', 'sim/', 'protocol/', 'scenarios/'],
    why: 'verdicts read the trace only (never the live model), so a checker cannot share the state it judges',
  },
  {
    folder: 'reports/',
    may: ['reports/', 'trace/'],
    testsMay: ['ensemble/', 'sim/', 'protocol/', 'scenarios/', 'checkers/', 'scripts/'],
    why: 'timelines and narration draw a trace file, whoever wrote it',
  },
  {
    folder: 'ensemble/',
    may: ['ensemble/', 'protocol/', 'sim/', 'trace/'],
    testsMay: ['checkers/'],
    why: 'the one driver of a simulated ensemble: protocol nodes on the kernel',
  },
  {
    folder: 'scenarios/',
    may: ['scenarios/', 'ensemble/', 'protocol/', 'sim/', 'checkers/', 'trace/'],
    why: 'scripted stories on the Ensemble, judged by the checkers',
  },
  {
    folder: 'harness/',
    may: ['harness/', 'ensemble/', 'protocol/', 'sim/', 'checkers/', 'trace/'],
    testsMay: ['cli/'],
    why: 'generated runs on the Ensemble, judged by the checkers; its tests run the commands',
  },
  {
    folder: 'conformance/',
    may: ['conformance/', 'protocol/'],
    why: 'op scripts against the model (protocol/) and a real server',
  },
  {
    folder: 'fidelity/',
    may: ['fidelity/', 'conformance/', 'ensemble/', 'protocol/'],
    why: 'the same situations on a real 3.8 ensemble (conformance/real launcher and wire client) and on the simulated Ensemble',
  },
  { folder: 'cli/', may: [ANY], why: 'command entry points wire everything together' },
  { folder: 'bench/', may: [ANY], why: 'benches measure everything' },
  { folder: 'scripts/', may: ['scripts/'], why: 'machine setup helpers' },
];

export interface Exception {
  /** The importing file, or a folder prefix. */
  readonly from: string;
  /** The imported file. */
  readonly to: string;
  readonly why: string;
  /** Goes away when the typed trace module (`trace/`) lands; not reported when unused. */
  readonly temporary?: boolean;
}

export const EXCEPTIONS: readonly Exception[] = [
  {
    from: 'checkers/linearizability/explain-html.test.ts',
    to: 'scripts/chromium.ts',
    why: 'the test opens the violation drawing in headless Chromium (the shared launcher); test code only',
  },
  {
    from: 'checkers/',
    to: 'protocol/zxid.ts',
    why: 'the trace carries zxids as numbers; epochOf/counterOf/zxidHex are their pure arithmetic (no model state)',
  },
  {
    from: 'reports/',
    to: 'protocol/zxid.ts',
    why: 'the trace carries zxids as numbers; epochOf/counterOf/zxidHex are their pure arithmetic (no model state)',
  },
  {
    from: 'checkers/linearizable.ts',
    to: 'protocol/client/ops.ts',
    why: "normalizeOp: the client API's op shapes, to rebuild the history from client.invoke records (a pure table; belongs in trace/)",
  },
  {
    from: 'checkers/linearizable.ts',
    to: 'protocol/request/errors.ts',
    why: 'errName: the error-code names of the client API (a pure table; belongs in trace/)',
  },
];

export interface ImportRef {
  readonly spec: string;
  readonly line: number;
  readonly typeOnly: boolean;
}

export interface LayerViolation {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly message: string;
}

/** Every module specifier a file names, with its line and whether only types cross. */
export function importsOf(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (lit: ts.Node, typeOnly: boolean): void => {
    if (!ts.isStringLiteralLike(lit)) return;
    out.push({ spec: lit.text, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings;
      const allTypes =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier !== undefined) {
      const c = n.exportClause;
      const allTypes = n.isTypeOnly || (c !== undefined && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly));
      add(n.moduleSpecifier, allTypes);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] !== undefined) {
      add(n.arguments[0], false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      add(n.argument.literal, true);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, n.isTypeOnly);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

export function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.endsWith('.bench.ts') || file.includes('/testing/') || file.startsWith('testing/');
}

function matches(prefix: string, target: string): boolean {
  if (prefix === ANY) return true;
  if (prefix === TESTING) return target.includes('/testing/') || target.startsWith('testing/');
  return prefix.endsWith('/') ? target.startsWith(prefix) : target === prefix;
}

/**
 * The violations of one file (repository-relative path, text). `used` collects the exceptions that
 * allowed something (to report stale ones).
 */
export function checkFile(file: string, text: string, used?: Set<Exception>): LayerViolation[] {
  const out: LayerViolation[] = [];
  const layer = LAYERS.find((l) => file.startsWith(l.folder));
  const testCode = isTestCode(file);
  for (const ref of importsOf(file, text)) {
    if (!ref.spec.startsWith('.')) continue; // packages and node: builtins
    const target = posix.normalize(posix.join(posix.dirname(file), ref.spec));
    if (target.startsWith('../')) continue; // outside the repository (shared data)
    const v = (message: string): void => void out.push({ file, line: ref.line, target, message });
    if (!testCode && isTestCode(target)) {
      v(`production code imports test code ${target}`);
      continue;
    }
    if (layer === undefined) continue;
    if (target.startsWith(layer.folder)) continue;
    const allowed = [...layer.may, ...(testCode ? (layer.testsMay ?? []) : [])];
    if (allowed.some((p) => matches(p, target))) continue;
    if (ref.typeOnly && (layer.typesMay ?? []).some((p) => matches(p, target))) continue;
    const ex = EXCEPTIONS.find((e) => matches(e.from, file) && e.to === target);
    if (ex !== undefined) {
      used?.add(ex);
      continue;
    }
    const typesNote = layer.typesMay?.some((p) => matches(p, target)) ? ' (only `import type` may reach it)' : '';
    v(`${layer.folder} must not import ${target}${typesNote}: ${layer.why}`);
  }
  return out;
}

/** `file:line: message` — the one line a violation prints. */
export function formatViolation(x: LayerViolation): string {
  return `${x.file}:${x.line}: ${x.message}`;
}
