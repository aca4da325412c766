/**
 * Runs each situation on a fresh real 3.8 ensemble, then on the simulator (replaying the real
 * start-up skew), and judges: exact outcomes equal (or a known, documented difference), timings
 * inside the situation's band on both sides. `table` prints the result as markdown (FIDELITY.md).
 */
import type { Cluster } from './cluster.ts';
import { RealCluster } from './realCluster.ts';
import { SimCluster } from './simCluster.ts';
import { SITUATIONS, type Observed, type Situation, type Value } from './situations.ts';

/** The zoo.cfg both sides run with (syncLimit 2: a paused leader is dropped after 4 s). */
export const ENSEMBLE_CFG = { tickTime: 2000, initLimit: 10, syncLimit: 2 } as const;

export interface Row {
  readonly situation: string;
  readonly field: string;
  readonly real: Value;
  readonly sim: Value;
  /** 'equal', 'in band', 'known difference', or what is wrong. */
  readonly verdict: string;
  readonly ok: boolean;
  readonly band?: readonly [number, number];
}

export interface Progress {
  (line: string): void;
}

async function observe(c: Cluster, s: Situation): Promise<{ seen: Observed; skews: (number[] | undefined)[] }> {
  try {
    const seen = await s.run(c);
    return { seen, skews: c.startSkewsMs?.() ?? [] };
  } finally {
    await c.close();
  }
}

export function judge(s: Situation, real: Observed, sim: Observed): Row[] {
  const rows: Row[] = [];
  for (const field of Object.keys(real.info ?? {})) {
    rows.push({ situation: s.name, field, real: real.info![field]!, sim: sim.info?.[field] ?? '(missing)', verdict: 'shown, not judged', ok: true });
  }
  for (const field of Object.keys(real.exact)) {
    const r = real.exact[field]!;
    const m = sim.exact[field] ?? '(missing)';
    const known = s.known?.[field];
    const race = s.races?.[field];
    if (race) {
      const ok = race.values.includes(r) && race.values.includes(m);
      rows.push({ situation: s.name, field, real: r, sim: m, verdict: ok ? `race (${race.why})` : `OUTSIDE RACE ${race.values.join('/')}`, ok });
    } else if (r === m) rows.push({ situation: s.name, field, real: r, sim: m, verdict: 'equal', ok: true });
    else if (known) rows.push({ situation: s.name, field, real: r, sim: m, verdict: `known difference: ${known}`, ok: true });
    else rows.push({ situation: s.name, field, real: r, sim: m, verdict: 'DIFFERS', ok: false });
  }
  for (const field of Object.keys(s.bands)) {
    const band = s.bands[field]!;
    const r = real.timings[field] ?? -1;
    const m = sim.timings[field] ?? -1;
    const inBand = (v: number): boolean => v >= band[0] && v <= band[1];
    const ok = inBand(r) && inBand(m);
    const verdict = ok ? 'in band' : `OUT OF BAND (${!inBand(r) ? 'real' : ''}${!inBand(r) && !inBand(m) ? ', ' : ''}${!inBand(m) ? 'sim' : ''})`;
    rows.push({ situation: s.name, field, real: Math.round(r), sim: Math.round(m), verdict, ok, band });
  }
  return rows;
}

export async function runDifferential(opts: { situations?: readonly Situation[]; seed?: number; progress?: Progress } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of opts.situations ?? SITUATIONS) {
    const t0 = Date.now();
    opts.progress?.(`${s.name}: real 3.8 ensemble...`);
    const real = await observe(await RealCluster.create({ servers: 3, ...ENSEMBLE_CFG }), s);
    const skews = real.skews.map((k) => (k ? k.map((x) => Math.round(x)).join('/') : '?')).join(', ');
    opts.progress?.(`${s.name}: simulator (start-up skews replayed, ms: ${skews})...`);
    const cfg = { tickTimeMs: ENSEMBLE_CFG.tickTime, initLimitTicks: ENSEMBLE_CFG.initLimit, syncLimitTicks: ENSEMBLE_CFG.syncLimit };
    const sim = await observe(new SimCluster(opts.seed ?? 1, cfg, real.skews), s);
    const rs = judge(s, real.seen, sim.seen);
    rows.push(...rs);
    opts.progress?.(`${s.name}: ${rs.every((r) => r.ok) ? 'agrees' : 'DIFFERS'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return rows;
}

export function table(rows: readonly Row[]): string {
  const out = ['| situation | what | real 3.8 | zabsim | verdict |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const what = r.band ? `${r.field} (band ${r.band[0]}–${r.band[1]} ms)` : r.field;
    out.push(`| ${r.situation} | ${what} | ${r.real} | ${r.sim} | ${r.verdict} |`);
  }
  return out.join('\n');
}
