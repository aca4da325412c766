/**
 * Drives Debian's `zkCli.sh` (the Java client of the `zookeeper` package) with commands on stdin,
 * and masks what differs between servers by design (zxids, times, session ids, the address).
 */
import { spawn } from 'node:child_process';

export const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

/** create/get/set/ls/delete, an ephemeral and two sequential nodes. */
export const SESSION_1 = [
  'create /a hello',
  'get /a',
  'set /a world',
  'get -s /a',
  'ls /',
  'create -e /e tmp',
  'create -s /q- x',
  'create -s /q- y',
  'ls /',
  'get -s /e',
  'delete /a',
  'delete /nope',
  'create /a/b/c x',
  'ls /',
  'quit',
];
/** A second client: the ephemeral is gone once the first quit; the sequential nodes stay. */
export const SESSION_2 = ['ls /', 'get /q-0000000002', 'stat /e', 'quit'];

/** One zkCli.sh run with `lines` on stdin: its stdout and stderr, normalised. */
export function zkCli(address: string, lines: readonly string[]): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(ZKCLI, ['-server', address], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`zkCli.sh did not finish within 60 s; stdout so far:\n${out}`));
    }, 60_000);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.stdin.end(lines.join('\n') + '\n');
    p.on('close', () => {
      clearTimeout(timer);
      resolve({ out: normalise(out, address), err: normalise(err, address) });
    });
  });
}

/** Lines zkCli prints from its connection and event threads: where they land among the command
 *  output depends on thread timing, so they are compared as a sorted set after the rest. */
const ASYNC_LINE = /^(Welcome to ZooKeeper!|JLine support is .*|WatchedEvent .*|)$/;
/** Left out of the comparison: the `Closed` event zkCli's event thread prints at `quit` races the
 *  JVM's exit (a real 3.8 and a served ensemble each print it in some runs and not in others), and
 *  the `WATCHER::` header before every event says nothing the event line does not. */
const RACY_LINE = /^(WATCHER::|WatchedEvent state:Closed .*)$/;

export function normalise(text: string, address: string): string {
  const lines = text.split('\n').filter((l) => !l.startsWith('SLF4J:') && !RACY_LINE.test(l));
  const ordered = lines.filter((l) => !ASYNC_LINE.test(l));
  const unordered = lines.filter((l) => ASYNC_LINE.test(l) && l !== '').sort();
  return [...ordered, '-- printed by other threads (sorted):', ...unordered]
    .join('\n')
    .replaceAll(address, 'HOST:PORT')
    .replace(/^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/gm, '$1 = ZXID')
    .replace(/^(ctime|mtime) = .*$/gm, '$1 = TIME')
    .replace(/^ephemeralOwner = 0x[0-9a-f]+$/gm, (m) => (m.endsWith('= 0x0') ? m : 'ephemeralOwner = SESSION'));
}
