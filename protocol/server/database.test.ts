import { describe, expect, it } from 'vitest';
import { makeZxid as z } from '../zxid.ts';
import { ZkDatabase } from './database.ts';
import type { LogRecord } from './database.ts';

/** A database whose on-disk log holds `files`, each a list of zxids (one log file each). */
function withFiles(...files: number[][]): ZkDatabase {
  const db = new ZkDatabase(() => ({ applyTxn: () => null, serialize: () => null, digest: () => 0 }), 500);
  const log: LogRecord[] = [];
  for (const f of files) f.forEach((zxid, i) => log.push(i === 0 ? { zxid, txn: null, file: true } : { zxid, txn: null }));
  db.log = log;
  return db;
}
const zxids = (r: readonly LogRecord[] | null) => r?.map((e) => e.zxid) ?? null;

describe('ZkDatabase.txnLogFrom (getProposalsFromTxnLog + its size check)', () => {
  it('within one log file: the file from its start', () => {
    const db = withFiles([z(1, 1), z(1, 2), z(1, 3)]);
    expect(zxids(db.txnLogFrom(z(1, 2)))).toEqual([z(1, 1), z(1, 2), z(1, 3)]);
    expect(zxids(db.txnLogFrom(z(1, 1)))).toEqual([z(1, 1), z(1, 2), z(1, 3)]);
  });

  it('nothing when the oldest file starts after the peer (the log does not reach back)', () => {
    expect(withFiles([z(1, 5), z(1, 6)]).txnLogFrom(z(1, 1))).toBeNull();
  });

  it('nothing when a log file newer than the opened one exists (preallocated: over the size limit)', () => {
    const db = withFiles([z(1, 1), z(1, 2)], [z(1, 3), z(1, 4)]);
    expect(db.txnLogFrom(z(1, 2))).toBeNull();
    // In the newest file: no file after it, DIFF-able.
    expect(zxids(db.txnLogFrom(z(1, 4)))).toEqual([z(1, 3), z(1, 4)]);
    // Exactly at a file's first zxid: the iterator opens the older file, so the newer one counts.
    expect(db.txnLogFrom(z(1, 3))).toBeNull();
  });

  it('file boundaries: every record flagged `file`, and the first record always', () => {
    const db = withFiles([z(1, 1)], [z(1, 2), z(1, 3)], [z(2, 1)]);
    expect(db.logFileStarts()).toEqual([0, 1, 3]);
    expect(withFiles().txnLogFrom(z(1, 1))).toBeNull();
  });

  it('a restarted process opens a new log file at its first append (load sets newFileNext)', () => {
    const db = withFiles([z(1, 1), z(1, 2)]);
    db.newFileNext = false;
    db.load({ log: db.log, snapshots: [], meta: {} });
    expect(db.newFileNext).toBe(true);
    expect(db.logFileStarts()).toEqual([0]);
  });
});
