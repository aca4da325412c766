/**
 * `npm run serve` as a child process for tests: started on a random base port, resolved at its
 * `ready` line with the client addresses, stopped with SIGTERM. With `--control` in the arguments,
 * `command` writes a fault command to its stdin (`kill leader`, `restart 2`).
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Served {
  /** `127.0.0.1:port` of server i+1. */
  readonly addresses: readonly string[];
  /** Everything it printed so far (stdout). */
  out(): string;
  /** Everything it printed so far on stderr. */
  err(): string;
  /** Resolves with the first match of `re` in stdout printed after `from` (an `out().length`). */
  waitFor(re: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** One line on its stdin (`--control` commands). */
  command(line: string): void;
  /** Whether the process is still running. */
  alive(): boolean;
  readonly pid: number;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts serve; a port taken by another process (tests of other engineers share the machine)
 *  gets another random base port, up to 5 tries. */
export async function startServed(args: readonly string[], timeoutMs = 60_000): Promise<Served> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(args, timeoutMs);
    } catch (e) {
      if (attempt >= 5 || !/EADDRINUSE/.test(String(e))) throw e;
    }
  }
}

function startOnce(args: readonly string[], timeoutMs: number): Promise<Served> {
  const base = 30_000 + Math.floor(Math.random() * 20_000);
  return new Promise((res, rej) => {
    const control = args.includes('--control');
    const p = spawn(process.execPath, ['--import', 'tsx', 'cli/serve.ts', '--base-port', String(base), ...args], { cwd: ROOT, stdio: [control ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    let running = true;
    const exited = new Promise<number | null>((r) =>
      p.on('exit', (code) => {
        running = false;
        r(code);
      }),
    );
    const waitFor = (re: RegExp, from = 0, ms = 30_000): Promise<RegExpExecArray> =>
      new Promise((resolve, reject) => {
        const end = Date.now() + ms;
        const poll = (): void => {
          const m = re.exec(out.slice(from));
          if (m) return resolve(m);
          if (!running || Date.now() > end) return reject(new Error(`serve did not print ${re} (${running ? 'timeout' : 'exited'}):\n${out.slice(from)}\n${err}`));
          setTimeout(poll, 20);
        };
        poll();
      });
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      rej(new Error(`serve did not get ready in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (\S+)/m.exec(out);
      if (!ready && m) {
        ready = true;
        clearTimeout(timer);
        res({
          addresses: m[1]!.split(','),
          out: () => out,
          err: () => err,
          waitFor,
          command: (line) => {
            if (!control) throw new Error('serve was started without --control');
            p.stdin!.write(line + '\n');
          },
          alive: () => running,
          pid: p.pid!,
          stop: async () => {
            p.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      if (!ready) {
        clearTimeout(timer);
        rej(new Error(`serve exited (${code}) before ready:\n${out}\n${err}`));
      }
    });
  });
}
