/**
 * Child-process entry of `npm run explore`: receives run jobs from the parent (pool.ts), runs each
 * as a one-case fast-check search (so a failure is shrunk right here), and sends the outcome back;
 * a failure is announced as soon as the run fails (before shrinking), and shrink progress lines too.
 */
import { shapeOf } from './arbitraries.ts';
import { search } from './shrink.ts';
import type { Job, Outcome, WorkerMessage } from './pool.ts';

const send = (m: WorkerMessage): void => {
  process.send?.(m);
};

process.on('message', (job: Job) => {
  let out: Outcome;
  try {
    const r = search({
      seed: job.caseSeed,
      numRuns: 1,
      shrinkBudget: job.shrinkBudget,
      ...(job.shrinkWallMs === undefined ? {} : { shrinkWallMs: job.shrinkWallMs }),
      bugs: job.bugs,
      shape: shapeOf(job),
      onFailure: (c, res) => {
        send({ kind: 'found', early: { index: job.index, original: c, hash: res.hash, failures: res.failures, violations: res.failed.map((v) => `${v.name}: ${v.violations[0]?.message ?? ''}`) } });
        if (job.testDieAfterFound) process.exit(70);
      },
      onShrink: (line) => send({ kind: 'note', line }),
    });
    const f = r.found;
    out = {
      index: job.index,
      hash: r.hashes[0] ?? '',
      failures: f === null ? [] : [...f.originalFailures],
      ...(f === null
        ? {}
        : {
            found: {
              original: f.original,
              shrunk: f.shrunk,
              shrunkHash: f.result.hash,
              shrunkFailures: [...f.result.failures],
              violations: f.result.failed.map((v) => `${v.name}: ${v.violations[0]?.message ?? ''}`),
              shrinkRuns: f.shrinkRuns,
              command: f.command,
            },
          }),
    };
  } catch (e) {
    out = { index: job.index, hash: '', failures: [], error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
  send({ kind: 'outcome', outcome: out });
});
