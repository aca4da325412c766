/**
 * A JVM under a guard shell, so that it dies with this Node process: the guard starts the JVM,
 * prints its pid, waits for its stdin to close (our `stop()`, or our death), then signals the JVM.
 * Used by the standalone launcher (`server.ts`) and the real ensemble (`fidelity/realEnsemble.ts`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export interface GuardedJvmOptions {
  readonly args: readonly string[];
  /** stdout and stderr of the JVM go here. */
  readonly logFile: string;
  /** Append to the log (a restarted server keeps its earlier log). Default: truncate. */
  readonly append?: boolean;
  /** How `stop()` ends the JVM: TERM (a clean exit) or KILL (a crash). */
  readonly stopSignal: 'TERM' | 'KILL';
  readonly java?: string;
}

export interface GuardedJvm {
  /** The JVM's pid (0 until the guard reported it). */
  pid(): number;
  /** True once the guard (and so the JVM) is gone, or the JVM is a zombie. */
  exited(): boolean;
  /** Signals the JVM, waits for it (SIGKILL after 3 s); safe to call twice. */
  stop(): Promise<void>;
}

/** JVM pids alive, killed by the exit hook if a caller forgot `stop()`. */
const liveJvms = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort. (Even without this, the guard kills the JVM when our end of its stdin closes.)
  process.on('exit', () => {
    for (const pid of liveJvms) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

const GUARD = 'java="$1"; shift; "$java" "$@" >&3 2>&3 & j=$!; echo "$j"; cat >/dev/null; [ "$ZK_STOP_SIG" = TERM ] && kill -CONT "$j" 2>/dev/null; kill -"$ZK_STOP_SIG" "$j" 2>/dev/null; wait "$j" 2>/dev/null; exit 0';

export function spawnGuardedJvm(o: GuardedJvmOptions): GuardedJvm {
  installExitHook();
  const java = o.java ?? process.env['ZABSIM_JAVA'] ?? 'java';
  const logFd = fs.openSync(o.logFile, o.append ? 'a' : 'w');
  const child = spawn('sh', ['-c', GUARD, 'zk-guard', java, ...o.args], {
    stdio: ['pipe', 'pipe', 'ignore', logFd],
    env: { ...process.env, ZK_STOP_SIG: o.stopSignal },
  });
  fs.closeSync(logFd);
  let jvmPid = 0;
  let guardExited = false;
  const exitPromise = new Promise<void>((res) =>
    child.on('exit', () => {
      guardExited = true;
      liveJvms.delete(jvmPid);
      res();
    }),
  );
  child.stdout!.on('data', (d: Buffer) => {
    const n = parseInt(d.toString().trim(), 10);
    if (Number.isFinite(n) && !jvmPid) {
      jvmPid = n;
      if (!guardExited) liveJvms.add(n);
    }
  });
  child.stdin!.on('error', () => {});
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      child.stdin!.end();
      const timeout = new Promise<string>((r) => setTimeout(() => r('timeout'), 3000));
      if ((await Promise.race([exitPromise.then(() => 'ok'), timeout])) === 'timeout') {
        if (jvmPid) {
          try {
            process.kill(jvmPid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
        child.kill('SIGKILL');
        await exitPromise;
      }
    })();
    return stopped;
  };
  return { pid: () => jvmPid, exited: () => guardExited || jvmExited(jvmPid), stop };
}

/** A dead JVM stays a zombie until the guard shell reaps it: look at its state too. */
export function jvmExited(pid: number): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /\) Z /.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

/** A TCP port free on 127.0.0.1 right now (it may be taken before it is used: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
