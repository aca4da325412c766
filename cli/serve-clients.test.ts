/**
 * Real clients against `npm run serve` (the served model on real sockets): the conformance
 * recorder's real side reproduces every golden a real ZooKeeper 3.8.0 recorded, against a served
 * standalone server (`--servers 1`) and a 3-server ensemble (a fresh one per script); Debian's `zkCli.sh` prints against a
 * served 3-server ensemble what it prints against a real 3.8 (zxids, times, sessions masked).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles, GOLDEN_DIR, SCRIPTS_DIR } from '../conformance/corpus.ts';
import { realGate } from '../conformance/real/availability.ts';
import { runScriptAgainstReal } from '../conformance/real/runner.ts';
import { startRealServer } from '../conformance/real/server.ts';
import { compareRecordings, type Recording } from '../conformance/recording.ts';
import { parseScriptText } from '../conformance/script.ts';
import { SESSION_1, SESSION_2, ZKCLI, zkCli } from '../hosts/node/wire/testing/zkcli.ts';
import { startServed } from './testing/served.ts';

const gate = realGate();

describe('npm run serve: the goldens over the wire', () => {
  for (const servers of [1, 3]) {
    for (const f of corpusFiles()) {
      it(`${f} against a served ${servers}-server ensemble`, async () => {
        const script = parseScriptText(fs.readFileSync(path.join(SCRIPTS_DIR, f), 'utf8'));
        const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as Recording;
        const s = await startServed(['--servers', String(servers)]);
        try {
          const rec = await runScriptAgainstReal(script, { server: s.addresses[0]! });
          expect(compareRecordings(golden, rec)).toEqual([]);
          expect(rec.results).toHaveLength(script.ops.length);
        } finally {
          expect(await s.stop()).toBe(0);
        }
      }, 120_000);
    }
  }
});

describe.skipIf(!gate.run && !gate.mustFail)('npm run serve: zkCli.sh against a served 3-server ensemble == a real 3.8', () => {
  it('prints the same for the same commands, and the ephemeral is gone after quit', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    if (!fs.existsSync(ZKCLI)) throw new Error(`${ZKCLI} is missing (Debian package zookeeper)`);
    const [real, served] = await Promise.all([startRealServer({}), startServed(['--servers', '3'])]);
    try {
      // Through a follower or the leader, whichever server 2 is: the client cannot tell.
      const ours = served.addresses[1]!;
      expect(await zkCli(ours, SESSION_1)).toEqual(await zkCli(real.address, SESSION_1));
      const want2 = await zkCli(real.address, SESSION_2);
      expect(await zkCli(ours, SESSION_2)).toEqual(want2);
      expect(want2.err).toContain('Node does not exist: /e');
    } finally {
      await Promise.all([real.stop(), served.stop()]);
    }
  }, 240_000);
});
