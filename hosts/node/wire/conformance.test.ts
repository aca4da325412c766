/**
 * The conformance recorder's real side, pointed at a served zabsim server (the gateway over a
 * 1-server ensemble, and over a follower and the leader of an in-memory 3-server ensemble),
 * reproduces every golden that a real ZooKeeper 3.8.0 recorded: the same bytes on the wire, the
 * same answers. A fresh server per script, configured as FORMAT.md says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles, GOLDEN_DIR, SCRIPTS_DIR } from '../../../conformance/corpus.ts';
import { runScriptAgainstReal } from '../../../conformance/real/runner.ts';
import { compareRecordings, type Recording } from '../../../conformance/recording.ts';
import { parseScriptText } from '../../../conformance/script.ts';
import { startMemoryEnsemble } from './testing/memoryEnsemble.ts';
import { startSingleServer } from './testing/singleServer.ts';

describe('the served model reproduces the goldens over the wire', () => {
  for (const f of corpusFiles()) {
    it(`${f} matches its golden`, async () => {
      const script = parseScriptText(fs.readFileSync(path.join(SCRIPTS_DIR, f), 'utf8'));
      const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as Recording;
      const s = await startSingleServer();
      try {
        const rec = await runScriptAgainstReal(script, { server: s.address });
        expect(compareRecordings(golden, rec)).toEqual([]);
        expect(rec.results).toHaveLength(script.ops.length);
      } finally {
        await s.stop();
      }
    }, 120_000);
  }
});

describe('a 3-server ensemble reproduces the goldens through a follower and through the leader', () => {
  for (const f of corpusFiles()) {
    for (const role of ['FOLLOWING', 'LEADING'] as const) {
      it(`${f} via the ${role === 'LEADING' ? 'leader' : 'follower'}`, async () => {
        const script = parseScriptText(fs.readFileSync(path.join(SCRIPTS_DIR, f), 'utf8'));
        const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as Recording;
        const e = await startMemoryEnsemble(3);
        try {
          const i = e.servers.findIndex((x) => x.status().role === role);
          const rec = await runScriptAgainstReal(script, { server: `${e.host}:${e.ports[i]}` });
          expect(compareRecordings(golden, rec)).toEqual([]);
        } finally {
          await e.stop();
        }
      }, 120_000);
    }
  }
});
