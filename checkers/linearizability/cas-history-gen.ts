/**
 * Generated Knossos-style cas-register histories (EDN, one op map per line) for tests and the
 * bench: P processes run reads, writes and compare-and-sets on one register (values 0-4, as
 * Jepsen's tests draw them) against a real sequential register, each op taking effect at a
 * random instant between its invoke and its completion, so the history is linearizable by
 * construction. Seeded: the same arguments give the same text.
 *
 * `violation` plants one impossible read (a value never written) at that fraction of the
 * history: the checker must then search everything before it. `infoRate` turns that fraction
 * of ops into `:info` (outcome unknown; it took effect or not, at random), after which the
 * process id is reused, as Knossos allows.
 */
import seedrandom from 'seedrandom';

export interface CasHistoryOptions {
  readonly processes: number;
  readonly ops: number;
  readonly seed: string;
  /** Where to plant an impossible read, as a fraction of the history (0..1); none if absent. */
  readonly violation?: number;
  readonly infoRate?: number;
  /** A `:process :nemesis` line every this many ops (none if absent). */
  readonly nemesisEvery?: number;
}

interface Inflight {
  readonly f: 'read' | 'write' | 'cas';
  readonly value: string;
  /** Event time at which it takes effect, and at which it completes. */
  readonly effectAt: number;
  readonly doneAt: number;
  effected: boolean;
  result?: string;
  type?: 'ok' | 'fail' | 'info';
}

export function generateCasHistory(o: CasHistoryOptions): string {
  const rnd = seedrandom(o.seed);
  const int = (k: number): number => Math.floor(rnd() * k);
  const lines: string[] = [];
  let register = 0;
  let invoked = 0;
  let now = 0;
  const plantAt = o.violation === undefined ? -1 : Math.floor(o.violation * o.ops);
  let planted = false;
  const inflight: (Inflight | undefined)[] = new Array(o.processes).fill(undefined);
  const emit = (p: number | string, type: string, f: string, value: string): void => {
    lines.push(`{:process ${p}, :type :${type}, :f :${f}, :value ${value}}`);
  };
  let done = 0;
  while (done < o.ops) {
    now++;
    // One process acts per tick, in a random order: invoke, take effect, or complete.
    const p = int(o.processes);
    const op = inflight[p];
    if (op === undefined) {
      if (invoked >= o.ops) continue;
      invoked++;
      if (o.nemesisEvery && invoked % o.nemesisEvery === 0) emit(':nemesis', 'info', 'start', 'nil');
      const r = rnd();
      const f = r < 0.4 ? 'read' : r < 0.7 ? 'write' : 'cas';
      const value = f === 'read' ? 'nil' : f === 'write' ? String(int(5)) : `[${int(5)} ${int(5)}]`;
      const effectAt = now + 1 + int(3 * o.processes);
      inflight[p] = { f, value, effectAt, doneAt: effectAt + 1 + int(3 * o.processes), effected: false };
      emit(p, 'invoke', f, value);
      continue;
    }
    if (!op.effected && now >= op.effectAt) {
      op.effected = true;
      const info = o.infoRate !== undefined && rnd() < o.infoRate;
      if (info) {
        // Outcome unknown to the client: it took effect or not.
        op.type = 'info';
        if (rnd() < 0.5) continue;
      }
      if (op.f === 'read') op.result = String(register);
      else if (op.f === 'write') register = Number(op.value);
      else {
        const [from, to] = op.value.slice(1, -1).split(' ').map(Number) as [number, number];
        if (register === from) register = to;
        else if (!info) op.type = 'fail';
      }
      op.type ??= 'ok';
      continue;
    }
    if (op.effected && now >= op.doneAt) {
      inflight[p] = undefined;
      done++;
      let value = op.f === 'read' ? (op.result ?? 'nil') : op.value;
      if (op.type === 'info') value = op.f === 'read' ? 'nil' : op.value;
      else if (op.f === 'read' && !planted && plantAt >= 0 && done >= plantAt) {
        value = '99';
        planted = true;
      }
      emit(p, op.type!, op.f, value);
    }
  }
  return lines.join('\n') + '\n';
}
