/**
 * ZooKeeper's four-letter-word admin commands (`ruok`, `srvr`, ...): write the word on a fresh
 * TCP connection, read until the server closes it. Needs `4lw.commands.whitelist` to allow them.
 */
import net from 'node:net';

export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word}: no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export interface SrvrInfo {
  /** The first line, e.g. `Zookeeper version: 3.8.0-..., built on ...`. */
  banner: string;
  /** The server's last processed zxid. */
  zxid: bigint;
  mode: string;
}

/** Parses `srvr` output; throws when it does not look like a serving ZooKeeper. */
export function parseSrvr(text: string): SrvrInfo {
  const lines = text.split('\n').map((l) => l.trim());
  const banner = lines.find((l) => l.startsWith('Zookeeper version:'));
  const zx = /^Zxid:\s*0x([0-9a-fA-F]+)/m.exec(text);
  const mode = /^Mode:\s*(\S+)/m.exec(text);
  if (!banner || !zx) {
    throw new Error(`srvr: unexpected answer: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return { banner, zxid: BigInt('0x' + zx[1]), mode: mode ? mode[1]! : '' };
}

export async function srvr(host: string, port: number, timeoutMs = 5000): Promise<SrvrInfo> {
  return parseSrvr(await fourLetterWord(host, port, 'srvr', timeoutMs));
}
