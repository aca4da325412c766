/**
 * The server knobs a conformance run may change from the goldens' configuration (FORMAT.md), as
 * `npm run conformance -- ... --config tickTime=100,containerCheckIntervalMs=100,superDigest=...`
 * takes them. They apply to the model and to a fresh real server the runner starts alike, so a
 * differential counterexample recorded with other knobs (the timed scripts use tickTime 100)
 * replays exactly.
 */

export interface Knobs {
  /** zoo.cfg tickTime (ms); session timeouts are negotiated within [2, 20] x tickTime. */
  tickTime?: number;
  /** -Dznode.container.checkIntervalMs: how often containers and TTL nodes are checked (ms). */
  containerCheckIntervalMs?: number;
  /** `user:base64(sha1(user:password))`, the `super` digest identity. */
  superDigest?: string;
}

const MS_KEYS = ['tickTime', 'containerCheckIntervalMs'] as const;
export const KNOB_NAMES = [...MS_KEYS, 'superDigest'] as const;

/** Parses `key=value[,key=value...]` into `into`; returns the problem as one line, or undefined. */
export function parseKnobs(text: string, into: Knobs): string | undefined {
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `--config wants key=value, not "${part}" (keys: ${KNOB_NAMES.join(', ')})`;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if ((MS_KEYS as readonly string[]).includes(key)) {
      if (!/^[1-9]\d{0,8}$/.test(value)) return `--config ${key} must be a positive whole number of ms, not "${value}"`;
      into[key as (typeof MS_KEYS)[number]] = Number(value);
    } else if (key === 'superDigest') {
      if (!/^[^:,\s]+:[A-Za-z0-9+/]+=*$/.test(value)) return `--config superDigest must be user:base64(sha1(user:password)), not "${value}"`;
      into.superDigest = value;
    } else {
      return `--config: unknown key "${key}" (keys: ${KNOB_NAMES.join(', ')})`;
    }
  }
  return undefined;
}

/** The `--config` argument that sets these knobs (empty when none is set). */
export function formatKnobs(k: Knobs): string {
  const parts: string[] = [];
  for (const key of KNOB_NAMES) if (k[key] !== undefined) parts.push(`${key}=${k[key]}`);
  return parts.length === 0 ? '' : `--config ${parts.join(',')}`;
}

/** The knobs as the model's configuration (its fields carry units: zoo.cfg `tickTime` is `tickTimeMs`). */
export function knobsForModel(k: Knobs): { tickTimeMs?: number; containerCheckIntervalMs?: number; superDigest?: string } {
  return {
    ...(k.tickTime === undefined ? {} : { tickTimeMs: k.tickTime }),
    ...(k.containerCheckIntervalMs === undefined ? {} : { containerCheckIntervalMs: k.containerCheckIntervalMs }),
    ...(k.superDigest === undefined ? {} : { superDigest: k.superDigest }),
  };
}
