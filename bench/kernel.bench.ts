/**
 * The bare kernel's speed: events per wall-clock second with trivial ping-pong nodes, in three trace
 * modes, and the memory each queued event costs. Figures only (shared, noisy machine).
 *
 *   npm run bench -- kernel
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Effect, Message, NodeFactory, ProtocolNode } from '../protocol/contract.ts';
import { Ev } from '../sim/node-slot.ts';
import { EventQueue } from '../sim/queue.ts';
import { Simulation } from '../sim/simulation.ts';
import type { TraceOptions } from '../sim/trace.ts';

const PING: Message = Object.freeze({ type: 'ping' });

/** Node i pairs with node i^1; the even one serves first; every delivery is answered at once. */
function pingPong(ids: readonly string[]): NodeFactory {
  return (id) => {
    const i = ids.indexOf(id);
    const partner = ids[i ^ 1] as string;
    const node: ProtocolNode = {
      id,
      step(input): Effect[] {
        if (input.kind === 'message' || (input.kind === 'start' && i % 2 === 0)) {
          return [{ kind: 'send', to: partner, msg: PING }];
        }
        return [];
      },
    };
    return node;
  };
}

function run(label: string, nodes: number, events: number, trace: TraceOptions): void {
  const ids = Array.from({ length: nodes }, (_, i) => `s${i + 1}`);
  const sim = new Simulation({ seed: 1, nodes: ids, factory: pingPong(ids), trace });
  sim.run({ maxEvents: 10_000 }); // warm up the JIT
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = sim.run({ maxEvents: events });
  sim.trace.sha256(); // lazy hashing of retained records is part of the cost
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  // CPU-time rate too: on a shared, overloaded machine wall time mostly measures the neighbours.
  console.log(
    `${label.padEnd(32)} ${(n / dt / 1e6).toFixed(2).padStart(5)} M events/wall-s  ${(n / cpu / 1e6).toFixed(2).padStart(5)} M events/cpu-s  (${n} events, ${nodes} nodes)`,
  );
}

function gcFn(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function memoryPerQueuedEvent(): void {
  const gc = gcFn();
  const N = 1_000_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const q = new EventQueue<Ev>(16);
  for (let i = 0; i < N; i++) q.push((i * 7919) % 1_000_003, new Ev(1, null, 0, null, PING, i, '', null));
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`memory per queued event (heap + typed keys): ${((after - before) / N).toFixed(0)} bytes  (${N} events)`);
  if (q.size !== N) throw new Error('queue lost events');

  // Messages in flight through the full kernel: one node sends N distinct messages at once.
  gc();
  const base = process.memoryUsage().heapUsed;
  const ids = ['a', 'b'];
  const sim = new Simulation({
    seed: 1,
    nodes: ids,
    trace: { off: true },
    factory: (id) => ({
      id,
      step(input): Effect[] {
        if (id !== 'a' || input.kind !== 'start') return [];
        const out: Effect[] = [];
        for (let i = 0; i < N; i++) out.push({ kind: 'send', to: 'b', msg: { type: 'm', i } });
        return out;
      },
    }),
  });
  sim.run({ maxEvents: 2 }); // the two boots: now N messages are queued
  gc();
  const inFlight = process.memoryUsage().heapUsed;
  console.log(
    `memory per in-flight message (event + message object): ${((inFlight - base) / sim.pending).toFixed(0)} bytes  (${sim.pending} queued)`,
  );
}

/** Heap + array buffers kept per retained trace record (default trace), after the digest is taken. */
function memoryPerTraceRecord(): void {
  const gc = gcFn();
  const ids = Array.from({ length: 64 }, (_, i) => `s${i + 1}`);
  gc();
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  const sim = new Simulation({ seed: 1, nodes: ids, factory: pingPong(ids), trace: {} });
  sim.run({ maxEvents: 1_000_000 });
  sim.trace.sha256();
  gc();
  const kept = used() - base;
  console.log(`memory per retained trace record (default trace): ${(kept / sim.trace.length).toFixed(0)} bytes  (${sim.trace.length} records)`);
  gc();
  const before = used();
  const n = sim.trace.records.length; // a reader asks: the records are built as objects
  gc();
  console.log(`  + once read as objects (trace.records): ${((used() - before) / n).toFixed(0)} bytes more per record`);
}

export default function kernelBench(): void {
  const events = 3_000_000;
  run('trace off, 2 nodes', 2, events, { off: true });
  run('trace off, 64 nodes (32 pairs)', 64, events, { off: true });
  run('trace records, no hash/retain', 64, events, { retain: false, hash: false });
  run('trace default (hash + retain)', 64, 1_000_000, {});
  run('trace hash only (no retain)', 64, 1_000_000, { retain: false });
  memoryPerQueuedEvent();
  memoryPerTraceRecord();
}
