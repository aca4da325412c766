/**
 * `npm run fidelity [-- --situation NAME]... [--seed S]`: runs the ensemble differential situations
 * (`fidelity/`) on a real 3-server ZooKeeper 3.8 ensemble and on the simulator and prints the table
 * (the one in FIDELITY.md). Exit 0 when everything agrees, 1 when something differs, 2 on bad usage.
 */
import { realZookeeperAvailable } from '../conformance/real/server.ts';
import { runDifferential, table } from '../fidelity/compare.ts';
import { SITUATIONS } from '../fidelity/situations.ts';

const USAGE = `usage: npm run fidelity -- [--situation NAME]... [--seed S]   (situations: ${SITUATIONS.map((s) => s.name).join(', ')})`;

function fail(msg: string): never {
  console.error(`fidelity: ${msg}`);
  console.error(USAGE);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names: string[] = [];
  let seed = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--situation') {
      const n = args[++i];
      if (!n) fail('--situation needs a name');
      if (!SITUATIONS.some((s) => s.name === n)) fail(`unknown situation '${n}'`);
      names.push(n);
    } else if (a === '--seed') {
      const v = Number(args[++i]);
      if (!Number.isInteger(v)) fail('--seed needs an integer');
      seed = v;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return;
    } else fail(`unknown argument '${a}'`);
  }
  const avail = realZookeeperAvailable();
  if (!avail.ok) {
    console.error(`fidelity: ${avail.reason}`);
    process.exit(2);
  }
  const situations = SITUATIONS.filter((s) => names.length === 0 || names.includes(s.name));
  const rows = await runDifferential({ situations, seed, progress: (l) => console.error(l) });
  console.log(table(rows));
  const bad = rows.filter((r) => !r.ok);
  console.log(bad.length === 0 ? `\nall ${rows.length} comparisons agree` : `\n${bad.length} of ${rows.length} comparisons differ`);
  process.exit(bad.length === 0 ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(`fidelity: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
