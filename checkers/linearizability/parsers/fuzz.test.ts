/** Parsers on arbitrary input: they answer ops or a HistoryError naming a line, nothing else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryError } from '../history-error.ts';
import { parseCasEdn } from './cas-edn.ts';
import { parseEdnKv } from './edn-kv.ts';
import { parseJepsenLog } from './jepsen-log.ts';
import { parseZkHistory } from './zk-jsonl.ts';

const parsers: [string, (text: string, file: string) => unknown][] = [
  ['jepsen', parseJepsenLog],
  ['edn', parseEdnKv],
  ['cas-edn', parseCasEdn],
  ['zk', parseZkHistory],
];

// Lines that look almost right are the interesting ones: mutate fragments of valid records.
const fragments = [
  'INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]',
  'INFO  jepsen.util - 1\t:ok\t:read\tnil',
  '{:process 0, :type :invoke, :f :get, :key "a", :value nil}',
  '{:process 0, :type :ok, :f :get, :key "a", :value "x"}',
  '[{:process 0, :type :invoke, :f :cas, :value [1 2]}',
  '#jepsen.history.Op{:process 1, :type :ok, :f :read, :value "s"}]',
  '{:process :nemesis, :type :info, :f :start, :value #{:a \\b 1.5 (x y)}} ; note',
  '{:process 1, :type :info, :f :write, :value 3, :error #_ :gone "ok\\u0041"}',
  '{"type":"invoke","id":1,"process":"c","op":"create","path":"/a","mode":"ephemeral"}',
  '{"type":"return","id":1,"rc":"OK","path_returned":"/a"}',
  '{"type":"invoke","id":2,"process":"c","op":"multi","ops":[{"op":"check","path":"/a","version":0}]}',
  '{"type":"return","id":2,"rc":"OK","results":[{"type":"error","err":"BADVERSION"}],"multi_failed":true}',
  '{"type":"init","nodes":[{"path":"/a"}]}',
];
const line = fc.oneof(
  fc.constantFrom(...fragments),
  fc.tuple(fc.constantFrom(...fragments), fc.nat(), fc.nat(), fc.string({ maxLength: 4 })).map(
    ([f, a, b, ins]) => f.slice(0, a % (f.length + 1)) + ins + f.slice(b % (f.length + 1)),
  ),
  fc.string({ maxLength: 30 }),
);

describe('parsers on arbitrary input', () => {
  for (const [name, parse] of parsers) {
    it(`${name} never throws anything but a HistoryError with a valid line`, () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
          try {
            parse(lines.join('\n'), 'f');
          } catch (e) {
            expect(e).toBeInstanceOf(HistoryError);
            const h = e as HistoryError;
            expect(h.line).toBeGreaterThanOrEqual(1);
            expect(h.line).toBeLessThanOrEqual(Math.max(1, lines.join('\n').split('\n').length));
            expect(h.message).not.toMatch(/\n/);
          }
        }),
        { numRuns: 300, seed: 11 },
      );
    });
  }
});
