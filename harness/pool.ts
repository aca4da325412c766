/**
 * A pool of child processes (node:child_process fork, each with the tsx loader) that run explore
 * jobs; jobs are handed out one at a time so a slow shrink does not hold up the rest. Outcomes
 * arrive in completion order; the caller sorts by index (each run is deterministic on its own).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BugFlags } from '../protocol/config.ts';
import type { Case } from './case.ts';

export interface Job {
  readonly index: number;
  readonly caseSeed: number;
  readonly shrinkBudget: number;
  readonly bugs?: BugFlags;
  /** Election-focused runs (arbitraries.ts ELECTION_SHAPE). */
  readonly electionOnly?: boolean;
}

export interface Outcome {
  readonly index: number;
  readonly hash: string;
  readonly failures: readonly string[];
  readonly found?: {
    readonly original: Case;
    readonly shrunk: Case;
    readonly shrunkHash: string;
    readonly shrunkFailures: readonly string[];
    readonly violations: readonly string[];
    readonly shrinkRuns: number;
    readonly command: string;
  };
  /** The run threw (a harness or protocol crash): a failure of its own kind. */
  readonly error?: string;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function runPool(jobs: readonly Job[], workers: number, onOutcome: (o: Outcome) => void): Promise<void> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  let next = 0;
  const children: ChildProcess[] = [];
  await new Promise<void>((resolveAll, rejectAll) => {
    let live = Math.min(workers, jobs.length);
    if (live === 0) return resolveAll();
    const retired = new Set<ChildProcess>();
    const feed = (child: ChildProcess): void => {
      if (next < jobs.length) child.send(jobs[next++]!);
      else {
        retired.add(child);
        child.disconnect();
        if (--live === 0) resolveAll();
      }
    };
    for (let w = 0; w < live; w++) {
      const child = fork(WORKER, [], { execArgv: ['--import', tsx], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      children.push(child);
      child.on('message', (o: Outcome) => {
        onOutcome(o);
        feed(child);
      });
      child.on('exit', (code, signal) => {
        if (!retired.has(child)) {
          for (const c of children) c.kill();
          rejectAll(new Error(`explore worker exited (${signal ?? `status ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`));
        }
      });
      feed(child);
    }
  });
}
