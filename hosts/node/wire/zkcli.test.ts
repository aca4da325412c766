/**
 * Debian's `zkCli.sh` (the Java client of the `zookeeper` package, installed by
 * scripts/install-system-deps.sh) prints the same against the served model as against a real
 * ZooKeeper 3.8: create/get/set/ls/delete, sequential nodes, and an ephemeral node that is gone
 * once the client that made it quit. Zxids, times and the port are masked (the mask is shared with
 * the 3-server comparison in cli/serve-clients.test.ts, whose zxids carry an epoch).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realGate } from '../../../conformance/real/availability.ts';
import { realAndServed } from './testing/pair.ts';
import { SESSION_1, SESSION_2, ZKCLI, zkCli } from './testing/zkcli.ts';

const gate = realGate();
const haveCli = fs.existsSync(ZKCLI);

describe.skipIf(!gate.run && !gate.mustFail)('zkCli.sh: served model == real ZooKeeper 3.8', () => {
  const pair = realAndServed(gate);

  it('prints the same for the same commands, and the ephemeral is gone after quit', async () => {
    if (gate.mustFail) throw new Error(`CI=true but ${gate.reason}`);
    if (!haveCli) throw new Error(`${ZKCLI} is missing (Debian package zookeeper)`);
    const want1 = await zkCli(pair.real().address, SESSION_1);
    const got1 = await zkCli(pair.ours().address, SESSION_1);
    expect(got1).toEqual(want1);
    const want2 = await zkCli(pair.real().address, SESSION_2);
    const got2 = await zkCli(pair.ours().address, SESSION_2);
    expect(got2).toEqual(want2);
    // Not trivially equal: the commands ran.
    expect(want1.err).toContain('Created /q-0000000002');
    expect(want1.out).toContain('[a, e, q-0000000002, q-0000000003, zookeeper]');
    expect(want2.out).toContain('[q-0000000002, q-0000000003, zookeeper]');
    expect(want2.err).toContain('Node does not exist: /e');
  }, 240_000);
});
