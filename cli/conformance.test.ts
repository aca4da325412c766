import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatKnobs, parseKnobs, type Knobs } from '../conformance/knobs.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function conformance(...args: string[]) {
  const r = spawnSync(TSX, [join(ROOT, 'cli', 'conformance.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr.trim().split('\n').filter((l) => l !== '') };
}

describe('npm run conformance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-conf-'));
  // A 1000 ms session asked of a server: tickTime 2000 raises it to 4000 (2 x tickTime), tickTime 100
  // grants it; 2.5 s after its client went away only the second has expired with its ephemeral.
  const script = join(dir, 'expiry.json');
  writeFileSync(
    script,
    JSON.stringify({
      name: 'expiry under a short tick',
      ops: [
        { op: 'open', session: 'a', timeout_ms: 1000 },
        { op: 'create', session: 'a', path: '/e', data: null, mode: 'ephemeral' },
        { op: 'abandon', session: 'a' },
        { op: 'sleep', session: 'b', ms: 2500 },
        { op: 'exists', session: 'b', path: '/e' },
      ],
    }),
  );

  it('--config changes the model server knobs, so a timed counterexample replays as it was recorded', () => {
    const plain = conformance(script, '--out', join(dir, 'plain.json'));
    const short = conformance(script, '--config', 'tickTime=100,containerCheckIntervalMs=100', '--out', join(dir, 'short.json'));
    expect(plain.code, plain.err.join('\n')).toBe(0);
    expect(short.code, short.err.join('\n')).toBe(0);
    const res = (f: string) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { results: Record<string, unknown>[] }).results;
    expect(res('plain.json')[0]!['_noisy']).toEqual({ negotiated_timeout_ms: 4000 });
    expect(res('short.json')[0]!['_noisy']).toEqual({ negotiated_timeout_ms: 1000 });
    expect(res('plain.json')[4]!['rc']).toBe('OK');
    expect(res('short.json')[4]!['rc']).toBe('NONODE');
  });

  it('bad --config values get one error line and exit 2', () => {
    for (const bad of ['tickTime=0', 'tickTime=fast', 'nope=1', 'tickTime', 'superDigest=not a digest']) {
      const r = conformance(script, '--config', bad);
      expect(r.code, bad).toBe(2);
      expect(r.err.length, r.err.join('\n')).toBe(1);
      expect(r.err[0]).toMatch(/^conformance: --config/);
    }
    const r = conformance(script, '--against', 'real', '--server', 'localhost:1', '--config', 'tickTime=100');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['conformance: --config sets up a server the runner starts; it cannot change the one at --server']);
  });

  it('formatKnobs and parseKnobs round-trip', () => {
    const k: Knobs = { tickTime: 100, containerCheckIntervalMs: 250, superDigest: 'super:D/RHwJHOkzi6PZ4JNnu7kqjI+Uw=' };
    const text = formatKnobs(k);
    expect(text).toBe('--config tickTime=100,containerCheckIntervalMs=250,superDigest=super:D/RHwJHOkzi6PZ4JNnu7kqjI+Uw=');
    const back: Knobs = {};
    expect(parseKnobs(text.slice('--config '.length), back)).toBeUndefined();
    expect(back).toEqual(k);
    expect(formatKnobs({})).toBe('');
  });
});
