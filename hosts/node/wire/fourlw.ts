/**
 * The four-letter words of ZooKeeper 3.8 on the client port: `ruok`, `srvr`, `stat`, `mntr` (and
 * `isro`), answered in 3.8's text format from the server's pure `status()` and the gateway's own
 * connection counters. A word is recognised only as the first 4 bytes of a fresh connection (as
 * NIOServerCnxn.checkFourLetterWord does); the answer is written and the connection closed.
 */
import type { ServerStatus } from '../../../protocol/contract.ts';

/** Every word 3.8 knows (FourLetterCommands); the ones not answered here close without output. */
export const KNOWN_WORDS: readonly string[] = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat',
  'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
];

/** The word whose 4 ASCII bytes are this big-endian int, if it is one 3.8 knows. */
export function fourLetterWordOf(first4: Buffer): string | undefined {
  const w = first4.toString('latin1');
  return KNOWN_WORDS.includes(w) ? w : undefined;
}

/** The version line; the real server prints its build here (`3.8.0-<git>, built on <date>`). */
export const DEFAULT_VERSION = '3.8.0-zabsim, built on 1970-01-01 00:00 UTC';

export const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n';

/** The gateway's counters (ServerStats / ServerCnxn stats in 3.8). */
export interface WireStats {
  received: number;
  sent: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  totalLatencyMs: number;
  latencyCount: number;
  startedAt: number;
}

export function newStats(now: number): WireStats {
  return { received: 0, sent: 0, minLatencyMs: Number.MAX_SAFE_INTEGER, maxLatencyMs: 0, totalLatencyMs: 0, latencyCount: 0, startedAt: now };
}

export function recordLatency(s: WireStats, ms: number): void {
  s.minLatencyMs = Math.min(s.minLatencyMs, ms);
  s.maxLatencyMs = Math.max(s.maxLatencyMs, ms);
  s.totalLatencyMs += ms;
  s.latencyCount++;
}

/** A connection as `stat` lists it (`dumpConnectionInfo(brief)`). */
export interface ConnView {
  readonly remote: string;
  /** 1 = reading (an established connection), 0 = this very 4lw connection. */
  readonly interestOps: number;
  readonly queued: number;
  readonly received: number;
  readonly sent: number;
}

export interface WordContext {
  readonly status: ServerStatus;
  readonly standalone: boolean;
  readonly version: string;
  readonly stats: WireStats;
  readonly connections: readonly ConnView[];
  readonly outstanding: number;
  /** The DataTree's znodes, root included. */
  readonly nodeCount: number | undefined;
  readonly now: number;
}

/** What 3.8 prints as the node count: `DataTree.getNodeCount()` is the size of its node map, which
 *  holds the root twice (under "" and "/"), so a fresh tree of 4 znodes prints 5. */
function printedNodeCount(n: number): number {
  return n + 1;
}

/** Java's Double.toString for the averages 3.8 prints (`9.0`, `2.5`). */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function mode(c: WordContext): string {
  switch (c.status.role) {
    case 'LEADING':
      return c.standalone ? 'standalone' : 'leader';
    case 'FOLLOWING':
      return 'follower';
    case 'OBSERVING':
      return 'observer';
    default:
      return 'looking';
  }
}

function latency(s: WireStats): { min: number; avg: number; max: number } {
  if (s.latencyCount === 0) return { min: 0, avg: 0, max: 0 };
  return { min: s.minLatencyMs, avg: Math.round((s.totalLatencyMs / s.latencyCount) * 1000) / 1000, max: s.maxLatencyMs };
}

/** ServerStats.toString + `Node count:` (srvr; stat adds the client list first). */
function statText(c: WordContext, withClients: boolean): string {
  const l = latency(c.stats);
  let out = `Zookeeper version: ${c.version}\n`;
  if (withClients) {
    out += 'Clients:\n';
    for (const v of c.connections) out += ` /${v.remote}[${v.interestOps}](queued=${v.queued},recved=${v.received},sent=${v.sent})\n`;
    out += '\n';
  }
  out += `Latency min/avg/max: ${l.min}/${javaDouble(l.avg)}/${l.max}\n`;
  out += `Received: ${c.stats.received}\nSent: ${c.stats.sent}\nConnections: ${c.connections.length}\n`;
  out += `Outstanding: ${c.outstanding}\nZxid: 0x${c.status.lastProcessedZxid.toString(16)}\nMode: ${mode(c)}\n`;
  if (c.nodeCount !== undefined) out += `Node count: ${printedNodeCount(c.nodeCount)}\n`;
  if (c.status.role === 'LEADING' && !c.standalone) out += 'Proposal sizes last/min/max: -1/-1/-1\n';
  return out;
}

function mntrText(c: WordContext): string {
  const l = latency(c.stats);
  const rows: [string, string | number][] = [
    ['zk_version', c.version],
    ['zk_server_state', mode(c)],
    ['zk_num_alive_connections', c.connections.length],
    ['zk_avg_latency', javaDouble(l.avg)],
    ['zk_outstanding_requests', c.outstanding],
  ];
  if (c.nodeCount !== undefined) rows.push(['zk_znode_count', printedNodeCount(c.nodeCount)]);
  rows.push(
    ['zk_global_sessions', c.status.sessions.length],
    ['zk_packets_sent', c.stats.sent],
    ['zk_packets_received', c.stats.received],
    ['zk_min_latency', l.min],
    ['zk_uptime', Math.max(0, Math.round(c.now - c.stats.startedAt))],
    ['zk_max_latency', l.max],
  );
  return rows.map(([k, v]) => `${k}\t${v}\n`).join('');
}

/**
 * The answer to `word`, or undefined when the gateway has none (a known word it does not
 * implement: the connection closes without output). `allowed` is 4lw.commands.whitelist.
 */
export function answerWord(word: string, allowed: readonly string[] | '*', ctx: () => WordContext): string | undefined {
  if (allowed !== '*' && !allowed.includes(word)) return `${word} is not executed because it is not in the whitelist.\n`;
  if (word === 'ruok') return 'imok';
  const c = ctx();
  switch (word) {
    case 'srvr':
    case 'stat':
      return c.status.serving ? statText(c, word === 'stat') : NOT_SERVING;
    case 'mntr':
      return c.status.serving ? mntrText(c) : NOT_SERVING;
    case 'isro':
      return c.status.serving ? 'rw' : 'null';
    default:
      return undefined;
  }
}
