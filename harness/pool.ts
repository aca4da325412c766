/**
 * A pool of child processes (node:child_process fork, each with the tsx loader) that run explore
 * jobs; jobs are handed out one at a time so a slow shrink does not hold up the rest. Outcomes
 * arrive in completion order; the caller sorts by index (each run is deterministic on its own).
 *
 * A worker tells the parent about a failure as soon as its run fails (`onFound`, before shrinking)
 * and reports shrink progress (`onNote`). A worker that dies (out of memory, a signal) costs only
 * the job it held: that job ends as an error outcome naming the death, a fresh worker takes its
 * place, and the batch goes on.
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
  /** Wall-clock bound on shrinking one failure (ms). */
  readonly shrinkWallMs?: number;
  readonly bugs?: BugFlags;
  /** Election-focused runs (arbitraries.ts ELECTION_SHAPE). */
  readonly electionOnly?: boolean;
  /** Swarm runs (arbitraries.ts SWARM_SHAPE). */
  readonly swarm?: boolean;
  /** Test only: the worker exits (status 70) right after announcing a failure, before shrinking. */
  readonly testDieAfterFound?: boolean;
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
  /** The run threw, or its worker died: a failure of its own kind. */
  readonly error?: string;
}

/** A failing run as first seen, before shrinking. */
export interface Early {
  readonly index: number;
  readonly original: Case;
  readonly hash: string;
  readonly failures: readonly string[];
  readonly violations: readonly string[];
}

/** What a worker sends. */
export type WorkerMessage = { readonly kind: 'outcome'; readonly outcome: Outcome } | { readonly kind: 'found'; readonly early: Early } | { readonly kind: 'note'; readonly line: string };

export interface PoolListeners {
  readonly onOutcome: (o: Outcome) => void;
  readonly onFound?: (e: Early) => void;
  readonly onNote?: (line: string) => void;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function runPool(jobs: readonly Job[], workers: number, listen: PoolListeners | ((o: Outcome) => void)): Promise<void> {
  const l: PoolListeners = typeof listen === 'function' ? { onOutcome: listen } : listen;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  let next = 0;
  let outstanding = jobs.length;
  await new Promise<void>((resolveAll) => {
    if (jobs.length === 0) return resolveAll();
    const spawn = (): void => {
      const child: ChildProcess = fork(WORKER, [], { execArgv: ['--import', tsx], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      let held: Job | undefined;
      let retired = false;
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      const feed = (): void => {
        if (next < jobs.length) {
          held = jobs[next++]!;
          child.send(held);
        } else {
          held = undefined;
          retired = true;
          child.disconnect();
        }
      };
      const done = (o: Outcome): void => {
        l.onOutcome(o);
        if (--outstanding === 0) resolveAll();
      };
      child.on('message', (m: WorkerMessage) => {
        if (m.kind === 'found') l.onFound?.(m.early);
        else if (m.kind === 'note') l.onNote?.(m.line);
        else {
          held = undefined;
          feed();
          done(m.outcome);
        }
      });
      child.on('exit', (code, signal) => {
        if (retired) return;
        const job = held;
        held = undefined;
        if (job === undefined) return;
        const last = stderr.trim().split('\n').filter((s) => s.trim() !== '').pop() ?? '';
        const error = `worker died (${signal ?? `status ${code}`})${last ? `: ${last.trim().slice(0, 200)}` : ''}`;
        if (next < jobs.length) spawn();
        done({ index: job.index, hash: '', failures: [], error });
      });
      feed();
    };
    for (let w = 0; w < Math.min(workers, jobs.length); w++) spawn();
  });
}
