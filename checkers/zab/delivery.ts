/**
 * The delivery invariants of the TLA+ Zab specifications, over the `apply` stream (a server
 * "delivers" a txn when it applies it to its data tree):
 *
 * - TotalOrder: each server delivers in strictly increasing zxid order (per incarnation: after a
 *   crash the server rebuilds its tree and may deliver again).
 * - GlobalPrimaryOrder: a server never delivers a txn of an older epoch after one of a newer epoch.
 * - LocalPrimaryOrder: within one epoch, a server that delivers b delivers, before it, the txn the
 *   epoch's primary proposed just before b.
 * - PrefixConsistency: the delivered sequences are prefixes of one sequence. Checked in O(1) per
 *   delivery: the txn delivered just before zxid x must be the same on every server (a fork shows
 *   up as two different predecessors of the same zxid).
 * - Agreement: no two servers deliver different txns under one zxid (identity = the txn's
 *   type/digest/session/path as far as the trace carries them).
 * - Integrity: every delivered txn was proposed by some primary (`propose`).
 *
 * One linear pass computes all six; the results are cached per trace array (`sharedPass`).
 */
import { counterOf, epochOf, makeZxid, zxidHex } from '../../protocol/zxid.ts';
import { decode, type TxnInfo } from '../../trace/view.ts';
import { sharedPass, Verdict, type PassCache } from '../result.ts';
import type { CheckOptions, CheckResult, TraceRecord } from '../types.ts';
import { Applied } from './applied.ts';
import { Labels } from './labels.ts';
import { Histories } from './history.ts';

export const DELIVERY_CHECKS = [
  'TotalOrder',
  'GlobalPrimaryOrder',
  'LocalPrimaryOrder',
  'PrefixConsistency',
  'Agreement',
  'Integrity',
] as const;
export type DeliveryCheck = (typeof DELIVERY_CHECKS)[number];

const cache: PassCache<Map<DeliveryCheck, CheckResult>> = new WeakMap();

function identity(t: TxnInfo): string {
  // Only fields that every server's apply reports identically take part. The common case (the
  // apply names just the type) builds no string.
  if (t.session === undefined && t.path === undefined) return t.type;
  return [t.type, t.session ?? '', t.path ?? ''].join('|');
}

function scan(records: readonly TraceRecord[], options?: CheckOptions): Map<DeliveryCheck, CheckResult> {
  return sharedPass(cache, records, options, () => pass(records, options));
}

function pass(records: readonly TraceRecord[], options?: CheckOptions): Map<DeliveryCheck, CheckResult> {
  const v = new Map<DeliveryCheck, Verdict>(DELIVERY_CHECKS.map((n) => [n, new Verdict(n, options)]));
  const add = (n: DeliveryCheck, t: number, node: string, msg: string, recs: number[]): void => v.get(n)!.add(t, node, msg, recs);

  const hist = new Histories();
  const applied = new Applied(hist);
  /** zxid -> first PROPOSAL sender and its txn text, rendered only if another sender shows up. */
  const sent = new Map<number, { node: string; json: () => string; i: number }>();
  /** Record index of each server's last apply (witness for violations). */
  const lastIdx = new Map<string, number>();
  /** zxid -> the zxid delivered just before it, first seen (PrefixConsistency). */
  const pred = new Map<number, { before: number; node: string; i: number }>();
  /** zxid -> identity of the first delivery (Agreement). */
  const ident = new Map<number, { id: string; node: string; i: number }>();
  /** zxid -> record index of its first proposal (Integrity). */
  const proposed = new Map<number, number>();
  /** zxid -> the zxid its primary proposed just before it in the same epoch (LocalPrimaryOrder). */
  const primaryPred = new Map<number, number>();
  const labels = new Labels(applied);
  const real = (z: number): number => labels.real(z);
  const label = (z: number, node: string): void => labels.label(z, node);
  /** per proposer: last proposed zxid */
  const lastProposed = new Map<string, number>();

  for (const d of decode(records)) {
    const e = d.e;
    hist.feed(d.node, e);
    if (e.k === 'proposalSent') {
      const first = sent.get(e.zxid);
      if (first === undefined) sent.set(e.zxid, { node: d.node, json: e.json, i: d.i });
      else if (first.node !== d.node && first.json() !== e.json())
        add('Agreement', d.t, d.node, `${d.node} and ${first.node} both sent ${zxidHex(e.zxid)} as different txns`, [d.i, first.i]);
      continue;
    }
    if (e.k === 'propose') {
      if (!proposed.has(e.zxid)) proposed.set(e.zxid, d.i);
      const lp = lastProposed.get(d.node);
      if (lp !== undefined && epochOf(lp) === epochOf(e.zxid)) {
        if (e.zxid <= lp)
          add('LocalPrimaryOrder', d.t, d.node, `primary proposed ${zxidHex(e.zxid)} after ${zxidHex(lp)}`, [d.i]);
        else if (!primaryPred.has(e.zxid)) primaryPred.set(e.zxid, lp);
      }
      lastProposed.set(d.node, e.zxid);
      continue;
    }
    if (e.k !== 'apply') {
      if (e.k === 'established') label(makeZxid(e.epoch, 0), d.node);
      else if (e.k === 'syncSend' && e.mode === 'SNAP' && e.to !== undefined) label(e.to, d.node);
      applied.feed(d.node, e);
      if (e.k === 'boot' || e.k === 'crash') lastProposed.delete(d.node);
      continue;
    }
    const x = e.zxid;
    const last = applied.lastOf(d.node);
    const before = last === undefined ? undefined : real(last);
    const prevI = lastIdx.get(d.node);
    const w = prevI === undefined ? [d.i] : [d.i, prevI];
    if (!proposed.has(x)) add('Integrity', d.t, d.node, `delivered ${zxidHex(x)}, which no primary proposed`, [d.i]);

    const id = identity(e.txn);
    const first = ident.get(x);
    if (first === undefined) ident.set(x, { id, node: d.node, i: d.i });
    else if (first.id !== id)
      add('Agreement', d.t, d.node, `${d.node} delivered ${zxidHex(x)} as [${id}] but ${first.node} as [${first.id}]`, [d.i, first.i]);

    if (before !== undefined) {
      if (x <= before) {
        add('TotalOrder', d.t, d.node, `delivered ${zxidHex(x)} after ${zxidHex(before)}`, w);
        if (epochOf(x) < epochOf(before))
          add('GlobalPrimaryOrder', d.t, d.node, `delivered ${zxidHex(x)} (epoch ${epochOf(x)}) after ${zxidHex(before)} (epoch ${epochOf(before)})`, w);
      } else {
        const pp = primaryPred.get(x);
        if (pp !== undefined && before < pp)
          add('LocalPrimaryOrder', d.t, d.node, `delivered ${zxidHex(x)} without its primary predecessor ${zxidHex(pp)} (last delivered ${zxidHex(before)})`, w);
        const p = pred.get(x);
        if (p === undefined) pred.set(x, { before, node: d.node, i: d.i });
        else if (p.before !== before)
          add('PrefixConsistency', d.t, d.node, `${d.node} delivered ${zxidHex(x)} right after ${zxidHex(before)} but ${p.node} right after ${zxidHex(p.before)}`, [d.i, p.i]);
      }
    }
    applied.applied(d.node, x);
    lastIdx.set(d.node, d.i);
    labels.noteDelivered(x);
  }
  return new Map<DeliveryCheck, CheckResult>(DELIVERY_CHECKS.map((n) => [n, v.get(n)!.result()]));
}

function checker(name: DeliveryCheck) {
  return (records: readonly TraceRecord[], options?: CheckOptions): CheckResult => scan(records, options).get(name)!;
}

export const totalOrder = checker('TotalOrder');
export const globalPrimaryOrder = checker('GlobalPrimaryOrder');
export const localPrimaryOrder = checker('LocalPrimaryOrder');
export const prefixConsistency = checker('PrefixConsistency');
export const agreement = checker('Agreement');
export const integrity = checker('Integrity');
