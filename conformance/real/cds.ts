/**
 * A class-data-sharing (AppCDS) archive of the classes a ZooKeeper server loads while starting:
 * the JVM maps them instead of parsing and verifying ~2000 classes, which cuts the CPU a start
 * costs by about a quarter (measured: ~430 -> ~320 ms CPU). The differential test starts hundreds
 * of servers on a 2-core machine, so this matters.
 *
 * Built once per (java, jar) into the temp dir: record the class list of one real start, then
 * `java -Xshare:dump`. Any failure just means no archive (the JVM then starts the normal way).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const building = new Map<string, Promise<string | undefined>>();

function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? fs.realpathSync(cmd) : undefined;
  for (const d of (process.env['PATH'] ?? '').split(':')) {
    const p = path.join(d, cmd);
    if (d && fs.existsSync(p)) return fs.realpathSync(p);
  }
  return undefined;
}

/** Where the archive for this JVM and class path lives (it may not exist yet). */
export function archivePath(java: string, classPath: readonly string[]): string | undefined {
  const bin = which(java);
  if (!bin) return undefined;
  const h = crypto.createHash('sha256');
  for (const f of [bin, ...classPath]) {
    h.update(f);
    try {
      const st = fs.statSync(f);
      h.update(`${st.size}:${st.mtimeMs}`);
    } catch {
      h.update('missing');
    }
  }
  return path.join(os.tmpdir(), `zabsim-zk-cds-${h.digest('hex').slice(0, 16)}.jsa`);
}

function run(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    c.on('error', () => resolve(-1));
    c.on('exit', (code) => resolve(code ?? -1));
  });
}

/**
 * The archive path, building it first if needed. `recordStart(jvmArgs)` must start and cleanly
 * stop one server with the extra JVM arguments (so the class list gets written).
 */
export function ensureArchive(
  java: string,
  classPath: readonly string[],
  recordStart: (jvmArgs: string[]) => Promise<void>,
): Promise<string | undefined> {
  const target = archivePath(java, classPath);
  if (!target) return Promise.resolve(undefined);
  if (fs.existsSync(target)) return Promise.resolve(target);
  let p = building.get(target);
  if (!p) {
    p = (async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zabsim-zk-cds-build-'));
      try {
        const list = path.join(tmp, 'classes.lst');
        await recordStart([`-XX:DumpLoadedClassList=${list}`]);
        if (!fs.existsSync(list)) return undefined;
        const out = path.join(tmp, 'zk.jsa');
        const code = await run(java, [
          '-Xshare:dump',
          `-XX:SharedClassListFile=${list}`,
          `-XX:SharedArchiveFile=${out}`,
          '-cp',
          classPath.join(':'),
        ]);
        if (code !== 0 || !fs.existsSync(out)) return undefined;
        // Atomic publish: concurrent test workers may build the same archive.
        fs.renameSync(out, target);
        return target;
      } catch {
        return undefined;
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    })();
    building.set(target, p);
  }
  return p;
}
