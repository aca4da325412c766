/**
 * DigestConsistency: every server that applied zxid z reports the same state digest right after it
 * (`apply {zxid, type, digest}`; the digest is the incremental DataTree digest of
 * `protocol/datatree/digest.ts`, as ZooKeeper 3.6+ keeps). Two servers at the same zxid with
 * different trees — a txn applied differently, a replay of a txn that should have been truncated,
 * a corrupted node — show here at the first apply where they part ways, whatever the txn was.
 */
import { zxidHex } from '../protocol/zxid.ts';
import { decode } from '../trace/view.ts';
import { Verdict } from './result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from './types.ts';

export function digestConsistency(records: readonly TraceRecord[], options?: CheckOptions): CheckResult {
  const v = new Verdict('DigestConsistency', options);
  /** zxid -> the first server's digest after applying it */
  const first = new Map<number, { node: string; digest: number; i: number }>();
  for (const d of decode(records)) {
    if (d.e.k !== 'apply') continue;
    const seen = first.get(d.e.zxid);
    if (seen === undefined) first.set(d.e.zxid, { node: d.node, digest: d.e.digest, i: d.i });
    else if (seen.digest !== d.e.digest)
      v.add(
        d.t,
        d.node,
        `${d.node} and ${seen.node} hold different trees after ${zxidHex(d.e.zxid)} (digest ${hex(d.e.digest)} vs ${hex(seen.digest)})`,
        [d.i, seen.i],
      );
  }
  return v.result();
}

const hex = (d: number): string => '0x' + d.toString(16).padStart(8, '0');
