import { describe, expect, it } from 'vitest';
import { TraceError, checkedRecord, decodeRecords, parseJsonl, recordProblem } from './decode.ts';
import { sampleOf } from './fields.ts';
import { EVENTS, FAULTS, KERNEL, SCHEMA_VERSION } from './schema.ts';

const HEADER = { t: 0, node: '*', ev: 'header', schema: SCHEMA_VERSION, seed: 1, nodes: ['s1', 's2'] };

/** One record of every kind, fault and node event, built from the schema's sample values. */
function everyKind(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [HEADER];
  let t = 1;
  for (const ev of Object.keys(KERNEL)) {
    if (ev === 'header' || ev === 'fault' || ev === 'trace') continue;
    out.push({ t: t++, node: 's1', ev, ...sampleOf(KERNEL[ev as keyof typeof KERNEL]) });
  }
  for (const fault of Object.keys(FAULTS)) out.push({ t: t++, node: '*', ev: 'fault', fault, ...sampleOf(FAULTS[fault as keyof typeof FAULTS]) });
  for (const event of Object.keys(EVENTS)) out.push({ t: t++, node: 's2', ev: 'trace', event, data: sampleOf(EVENTS[event as keyof typeof EVENTS]) });
  return out;
}

const jsonl = (recs: readonly unknown[]): string => recs.map((r) => JSON.stringify(r)).join('\n') + '\n';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('the strict trace decoder', () => {
  it('every record kind, fault and node event round-trips through JSONL', () => {
    const recs = everyKind();
    expect(recs.length).toBe(1 + (Object.keys(KERNEL).length - 3) + Object.keys(FAULTS).length + Object.keys(EVENTS).length);
    expect(parseJsonl(jsonl(recs), 'all.jsonl')).toEqual(recs);
    expect(decodeRecords(recs)).toBe(recs);
  });

  it('optional fields may be absent', () => {
    expect(recordProblem({ t: 1, node: 's1', ev: 'trace', event: 'state', data: { state: 'LOOKING' } })).toBeNull();
    expect(recordProblem({ t: 1, node: '*', ev: 'fault', fault: 'link', from: '*', to: '*', loss: 0.1 })).toBeNull();
  });

  it('an unknown kind, event or fault is an error naming the record', () => {
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: 's1', ev: 'teleport' }]))).toBe("record 1: unknown record kind ev='teleport'");
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: 's1', ev: 'trace', event: 'zab.nonsense', data: {} }]))).toBe(
      "record 1: unknown trace event 'zab.nonsense'",
    );
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: '*', ev: 'fault', fault: 'meteor' }]))).toBe("record 1: unknown fault 'meteor'");
  });

  it('a missing, renamed or wrongly typed field is an error naming it', () => {
    const apply = (data: Record<string, unknown>) => [HEADER, { t: 5, node: 's1', ev: 'trace', event: 'apply', data }];
    expect(errorOf(() => decodeRecords(apply({ zxid: 1, type: 'create' })))).toBe('record 1: trace apply: missing field data.digest (number)');
    expect(errorOf(() => decodeRecords(apply({ zxid: '1', type: 'create', digest: 0 })))).toBe(
      'record 1: trace apply: field data.zxid: expected number, got string "1"',
    );
    expect(errorOf(() => decodeRecords(apply({ zxid: 1, txnType: 'create', type: 'x', digest: 0 })))).toBe('record 1: trace apply: unknown field data.txnType');
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: 's1', ev: 'crash', lost: 1 }]))).toBe('record 1: crash: missing field kept (int)');
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: 's1', ev: 'drop', from: 's2', m: 1, type: 'x', reason: 'gremlins' }]))).toMatch(
      /^record 1: drop: field reason: expected 'cut'\|'loss'/,
    );
    expect(errorOf(() => decodeRecords([HEADER, { t: -1, node: 's1', ev: 'boot' }]))).toMatch(/^record 1: field t: expected a non-negative int/);
    expect(errorOf(() => decodeRecords([HEADER, { t: 1, node: 's1', ev: 'trace', event: 'election.start', data: { round: 1, vote: { leader: 1 } } }]))).toBe(
      'record 1: trace election.start: field data.vote: missing field zxid (number)',
    );
  });

  it('a JSONL error names file and line; a truncated last line says so', () => {
    const text = jsonl([HEADER, { t: 1, node: 's1', ev: 'boot' }]) + '\n' + jsonl([{ t: 2, node: 's1', ev: 'pause', extra: 1 }]);
    expect(errorOf(() => parseJsonl(text, 'run.jsonl'))).toBe('run.jsonl:4: pause: unknown field extra');
    const full = jsonl([HEADER, { t: 1, node: 's1', ev: 'boot' }, { t: 2, node: 's1', ev: 'pause' }]);
    expect(errorOf(() => parseJsonl(full.slice(0, full.length - 8), 'cut.jsonl'))).toBe('cut.jsonl:3: not valid JSON (truncated last line?)');
    expect(errorOf(() => parseJsonl('', 'empty.jsonl'))).toBe('empty.jsonl: empty trace (no records)');
  });

  it('a trace must start with a header of this schema version', () => {
    expect(errorOf(() => parseJsonl(jsonl([{ t: 1, node: 's1', ev: 'boot' }]), 'old.jsonl'))).toMatch(/^old\.jsonl:1: not a zabsim trace: the first record must be the header/);
    expect(errorOf(() => parseJsonl(jsonl([{ ...HEADER, schema: 99 }]), 'new.jsonl'))).toBe(`new.jsonl:1: trace schema version 99, this build reads version ${SCHEMA_VERSION}`);
    expect(decodeRecords([{ t: 1, node: 's1', ev: 'boot' }], { header: false })).toHaveLength(1);
  });

  it('checkedRecord checks one record for hand-made traces', () => {
    expect(checkedRecord({ t: 1, node: 's1', ev: 'boot' })).toEqual({ t: 1, node: 's1', ev: 'boot' });
    expect(errorOf(() => checkedRecord({ t: 1, node: 's1', ev: 'boot', x: 1 }))).toMatch(/^boot: unknown field x/);
  });
});
