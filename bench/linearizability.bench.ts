/**
 * Linearizability checker speed. Prints figures (no assertions):
 * - the 102 Jepsen etcd histories (cas-register): a cold pass (JIT warming up) and the best of
 *   3 warm passes, plus the slowest single history. The Go checker Porcupine takes ~0.4 s for all
 *   of them on this machine.
 * - the kv histories split per key, and whole (no split: the stress case; c50 whole gets a budget).
 * - a synthetic ZooKeeper write history (seeded), split and whole.
 * - generated Knossos-style cas-register histories (cas-history-gen.ts) of 5 and 10 processes
 *   and 10k/50k/100k ops, with and without an impossible read planted at 90%: parse + check
 *   time and peak RSS, each in a process of its own (linearizability-case.ts), default limits.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { findModel } from '../checkers/linearizability/registry.ts';
import type { CheckOptions } from '../checkers/linearizability/types.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../checkers/linearizability/testdata');

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

/** A seeded ZooKeeper history: clients racing sets/creates/deletes on a few nodes, with lost answers. */
function zkHistory(seed: string, ops: number, clients: number): string {
  const rnd = seedrandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Run against the model's own apply to get answers a correct server would give.
  const lines: string[] = [];
  const nodes = new Map<string, number>(); // path -> version
  let seq = 0;
  let now = 0;
  const pending: { id: number; at: number; result: object }[] = [];
  for (let id = 0; id < ops; id++) {
    now += 1 + Math.floor(rnd() * 3);
    const c = `c${id % clients}`;
    const key = `/k${Math.floor(rnd() * 8)}`;
    let op: object;
    let result: object;
    const r = rnd();
    if (r < 0.4) {
      const v = nodes.get(key);
      const ver = rnd() < 0.5 ? -1 : (v ?? 0);
      op = { op: 'set', path: key, version: ver };
      if (v === undefined) result = { rc: 'NONODE' };
      else if (ver !== -1 && ver !== v) result = { rc: 'BADVERSION' };
      else {
        nodes.set(key, v + 1);
        result = { rc: 'OK', stat: { version: v + 1 } };
      }
    } else if (r < 0.7) {
      op = { op: 'create', path: key };
      if (nodes.has(key)) result = { rc: 'NODEEXISTS' };
      else {
        nodes.set(key, 0);
        result = { rc: 'OK', path_returned: key };
      }
    } else if (r < 0.85) {
      op = { op: 'delete', path: key };
      if (!nodes.has(key)) result = { rc: 'NONODE' };
      else {
        nodes.delete(key);
        result = { rc: 'OK' };
      }
    } else {
      op = { op: 'create', path: '/q/n-', sequential: true };
      result = { rc: 'OK', path_returned: `/q/n-${String(seq++).padStart(10, '0')}` };
    }
    lines.push(JSON.stringify({ type: 'invoke', id, time: now - Math.floor(rnd() * 6), process: c, op: (op as { op: string }).op, ...op }));
    pending.push({ id, at: now + Math.floor(rnd() * 6), result: rnd() < 0.02 ? { rc: 'CONNECTIONLOSS' } : result });
  }
  const init = JSON.stringify({ type: 'init', nodes: [{ path: '/q' }] });
  const returns = pending.map((p) => JSON.stringify({ type: 'return', id: p.id, time: Math.max(p.at, 0), ...p.result }));
  // Invokes may carry times earlier than their predecessors': the parser sorts by time.
  return [init, ...lines.map((l) => l.replace(/"time":(-?\d+)/, (_, t: string) => `"time":${Math.max(0, Number(t))}`)), ...returns].join('\n');
}

export default function bench(): void {
  const rows = readFileSync(join(dir, 'VERDICTS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const etcd = rows.filter((r) => r[1] === 'cas-register').map((r) => ({ file: r[0]!, text: readFileSync(join(dir, r[0]!), 'utf8') }));
  const cas = findModel('cas-register')!;
  const pass = (): { ms: number; cpu: number; worst: number; worstFile: string; steps: number } => {
    let worst = 0;
    let worstFile = '';
    let steps = 0;
    const cpu0 = process.cpuUsage();
    const [, ms] = time(() => {
      for (const h of etcd) {
        const [r, t] = time(() => cas.check(h.text, h.file));
        steps += r.steps;
        if (t > worst) [worst, worstFile] = [t, h.file];
      }
    });
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpu: (cpu.user + cpu.system) / 1000, worst, worstFile, steps };
  };
  const cold = pass();
  const warm = [pass(), pass(), pass()].sort((a, b) => a.ms - b.ms)[0]!;
  // CPU time is printed too: on a shared machine the wall clock also counts other people's work.
  console.log(`etcd cas-register, ${etcd.length} histories: cold ${cold.ms.toFixed(0)} ms (cpu ${cold.cpu.toFixed(0)} ms), ` +
    `warm best of 3 ${warm.ms.toFixed(0)} ms (cpu ${warm.cpu.toFixed(0)} ms) ` +
    `(slowest ${warm.worstFile} ${warm.worst.toFixed(0)} ms; ${warm.steps} search steps per pass)`);

  const kv = findModel('kv')!;
  for (const name of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad']) {
    const text = readFileSync(join(dir, `kv/${name}.txt`), 'utf8');
    const [split, ms] = time(() => kv.check(text, name));
    const options: CheckOptions = name.startsWith('c50') ? { noSplit: true, budgetMs: 20_000 } : { noSplit: true };
    const [whole, wms] = time(() => kv.check(text, name, options));
    console.log(`kv ${name} (${split.ops} ops): split ${split.verdict} ${ms.toFixed(0)} ms (${split.parts.length} parts checked); ` +
      `whole ${whole.verdict} ${wms.toFixed(0)} ms (${whole.steps} steps)${whole.reason ? ` — ${whole.reason}` : ''}`);
  }

  const zk = findModel('zookeeper')!;
  for (const [ops, clients] of [[500, 5], [2000, 8]] as const) {
    const text = zkHistory(`zk-${ops}`, ops, clients);
    const [split, ms] = time(() => zk.check(text, 'synthetic'));
    const [whole, wms] = time(() => zk.check(text, 'synthetic', { noSplit: true, budgetMs: 20_000 }));
    console.log(`zookeeper synthetic ${ops} writes / ${clients} clients: split ${split.verdict} ${ms.toFixed(0)} ms (${split.parts.length} parts); ` +
      `whole ${whole.verdict} ${wms.toFixed(0)} ms (${whole.steps} steps)${whole.reason ? ` — ${whole.reason}` : ''}`);
  }

  const here = dirname(fileURLToPath(import.meta.url));
  for (const processes of [5, 10]) {
    for (const ops of [10_000, 50_000, 100_000]) {
      for (const violation of [0, 1]) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'linearizability-case.ts'), String(processes), String(ops), String(violation)], {
          encoding: 'utf8',
        });
        const name = `cas-register generated ${processes} processes x ${ops / 1000}k ops${violation ? ' + violation' : ''}`;
        if (r.status !== 0) {
          console.log(`${name}: failed (${r.stderr.trim().split('\n')[0]})`);
          continue;
        }
        const j = JSON.parse(r.stdout) as { verdict: string; reason?: string; steps: number; memo: number; ms: number; cpuMs: number; maxRssMiB: number };
        console.log(`${name}: ${j.verdict} in ${(j.ms / 1000).toFixed(2)} s (cpu ${(j.cpuMs / 1000).toFixed(2)} s), ` +
          `peak RSS ${j.maxRssMiB.toFixed(0)} MiB; ${j.steps} steps, ${j.memo} memo entries${j.reason ? ` — ${j.reason}` : ''}`);
      }
    }
  }
}
