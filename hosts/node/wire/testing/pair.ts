/**
 * For a describe block that compares the served model with a real ZooKeeper 3.8: starts one of
 * each before its tests (in parallel) and stops both after. Under CI=true without a real server
 * (`gate.mustFail`) nothing is started: the block's tests throw instead.
 */
import { afterAll, beforeAll } from 'vitest';
import type { RealGate } from '../../../../conformance/real/availability.ts';
import { startRealServer, type RealServer } from '../../../../conformance/real/server.ts';
import { startSingleServer, type StartedServer } from './singleServer.ts';

export interface RealAndServed {
  real(): RealServer;
  ours(): StartedServer;
}

export function realAndServed(gate: RealGate): RealAndServed {
  let real: RealServer | undefined;
  let ours: StartedServer | undefined;
  beforeAll(async () => {
    if (gate.mustFail) return;
    [real, ours] = await Promise.all([startRealServer({}), startSingleServer()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([real?.stop(), ours?.stop()]);
  });
  return { real: () => real!, ours: () => ours! };
}
