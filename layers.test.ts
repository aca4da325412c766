/**
 * The import rules of `layers.ts` hold on every `.ts` file of the repository, and the scanner
 * catches planted violations (fixture strings, not real files) of each kind it judges.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, EXCEPTIONS, formatViolation, importsOf, type Exception } from './layers.ts';

const ROOT = new URL('.', import.meta.url).pathname;

/** Every .ts file below the root (not node_modules, out/ or dot folders), repository-relative. */
function tsFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'out' || e.name.startsWith('.')) continue;
    const rel = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

describe('layers', () => {
  it('every import of every .ts file follows the layer rules', () => {
    const used = new Set<Exception>();
    const files = tsFiles();
    expect(files.length).toBeGreaterThan(200);
    const bad = files.flatMap((f) => checkFile(f, readFileSync(join(ROOT, f), 'utf8'), used).map(formatViolation));
    expect(bad).toEqual([]);
    // An exception nothing needs any more is removed (the temporary trace ones go with trace/).
    const stale = EXCEPTIONS.filter((e) => !e.temporary && !used.has(e)).map((e) => `${e.from} -> ${e.to}`);
    expect(stale).toEqual([]);
  });

  it('reads static, type-only, re-exported and dynamic imports with their lines', () => {
    const refs = importsOf(
      'x.ts',
      [
        "import { a } from './a.ts';",
        "import type { B } from './b.ts';",
        "import { type C, type D } from './c.ts';",
        "export { e } from './e.ts';",
        "export type { F } from './f.ts';",
        "const g = await import('./g.ts');",
        "let h: import('./h.ts').H;",
        "import './side-effect.ts';",
      ].join('\n'),
    );
    expect(refs.map((r) => `${r.line} ${r.spec} ${r.typeOnly ? 'type' : 'value'}`)).toEqual([
      '1 ./a.ts value',
      '2 ./b.ts type',
      '3 ./c.ts type',
      '4 ./e.ts value',
      '5 ./f.ts type',
      '6 ./g.ts value',
      '7 ./h.ts type',
      '8 ./side-effect.ts value',
    ]);
  });

  describe('catches planted violations', () => {
    const lines = (file: string, text: string): string[] => checkFile(file, text).map(formatViolation);

    it('protocol/ importing the simulator (the old cluster.ts)', () => {
      const v = lines('protocol/server/cluster.ts', "import type { NodeId } from '../contract.ts';\nimport { Simulation } from '../../sim/index.ts';\n");
      expect(v).toHaveLength(1);
      expect(v[0]).toMatch(/^protocol\/server\/cluster\.ts:2: protocol\/ must not import sim\/index\.ts: /);
    });

    it('protocol/ importing a checker, a scenario or a driver, even dynamically', () => {
      expect(lines('protocol/zab/leader.ts', "const c = await import('../../checkers/index.ts');")).toHaveLength(1);
      expect(lines('protocol/zab/leader.ts', "import { zkScenario } from '../../scenarios/lib/define.ts';")).toHaveLength(1);
      expect(lines('protocol/zab/leader.ts', "import { Ensemble } from '../../ensemble/ensemble.ts';")).toHaveLength(1);
    });

    it('protocol tests reach the simulator only through the Ensemble and testing/ folders', () => {
      expect(lines('protocol/server/x.test.ts', "import { Simulation } from '../../sim/index.ts';")).toHaveLength(1);
      expect(lines('protocol/server/x.test.ts', "import { runAll } from '../../checkers/index.ts';")).toHaveLength(1);
      expect(lines('protocol/server/x.test.ts', "import { Ensemble } from '../../ensemble/ensemble.ts';")).toEqual([]);
      expect(lines('protocol/server/x.test.ts', "import { allViolations } from '../../ensemble/testing/violations.ts';")).toEqual([]);
    });

    it('sim/ importing more than the contract, or contract values', () => {
      expect(lines('sim/network.ts', "import type { QuorumConfig } from '../protocol/config.ts';")).toHaveLength(1);
      expect(lines('sim/network.ts', "import type { Message } from '../protocol/contract.ts';")).toEqual([]);
      const v = lines('sim/network.ts', "import { EMPTY_DURABLE } from '../protocol/contract.ts';");
      expect(v).toHaveLength(1);
      expect(v[0]).toContain('only `import type` may reach it');
    });

    it('checkers/ and reports/ reading the live model or each other', () => {
      expect(lines('checkers/zab/leadership.ts', "import type { QuorumPeer } from '../../protocol/server/peer.ts';")).toHaveLength(1);
      expect(lines('reports/narrate.ts', "import { runAll } from '../checkers/index.ts';")).toHaveLength(1);
      expect(lines('checkers/election.ts', "import { zxidHex } from '../protocol/zxid.ts';")).toEqual([]);
    });

    it('hosts/ importing the simulator, the driver or a checker; protocol/ importing a host', () => {
      const v = lines('hosts/node/host.ts', "import { Simulation } from '../../sim/index.ts';");
      expect(v).toHaveLength(1);
      expect(v[0]).toMatch(/^hosts\/node\/host\.ts:1: hosts\/ must not import sim\/index\.ts: /);
      expect(lines('hosts/node/host.ts', "import { Ensemble } from '../../ensemble/ensemble.ts';")).toHaveLength(1);
      expect(lines('hosts/node/host.ts', "import { runAll } from '../../checkers/index.ts';")).toHaveLength(1);
      expect(lines('hosts/node/host.ts', "import { QuorumPeer } from '../../protocol/server/peer.ts';")).toEqual([]);
      expect(lines('hosts/node/host.test.ts', "import { runAll } from '../../checkers/index.ts';")).toEqual([]);
      expect(lines('protocol/server/peer.ts', "import { NodeHost } from '../../hosts/node/host.ts';")).toHaveLength(1);
      expect(lines('sim/simulation.ts', "import type { NodeHost } from '../hosts/node/host.ts';")).toHaveLength(1);
    });

    it('production code importing test code', () => {
      expect(lines('harness/run.ts', "import { connectAll } from '../ensemble/testing/workload.ts';")).toHaveLength(1);
      expect(lines('scenarios/lib/world.ts', "import { x } from '../split-brain.test.ts';")).toHaveLength(1);
    });

    it('checkers read the trace module, not the simulator (the temporary exceptions are gone)', () => {
      expect(EXCEPTIONS.filter((e) => e.temporary)).toEqual([]);
      expect(lines('checkers/types.ts', "import type { TraceRecord } from '../sim/trace.ts';")).toHaveLength(1);
      expect(lines('checkers/ops.ts', "import type { TraceRecord } from '../sim/trace.ts';")).toHaveLength(1);
    });
  });
});
