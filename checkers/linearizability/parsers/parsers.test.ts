/** Parsers: well-formed input becomes the right ops; malformed input names the file and line. */
import { describe, expect, it } from 'vitest';
import { HistoryError } from '../history-error.ts';
import { parseEdnKv } from './edn-kv.ts';
import { parseJepsenLog } from './jepsen-log.ts';
import { InputLog } from './input-log.ts';
import { parseZkHistory } from './zk-jsonl.ts';

function errorOf(f: () => unknown): HistoryError {
  try {
    f();
  } catch (e) {
    if (e instanceof HistoryError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('jepsen log parser', () => {
  it('reads invokes, completions, timeouts and ops that never complete', () => {
    const ops = parseJepsenLog(
      [
        'INFO  jepsen.util - 0\t:invoke\t:write\t3',
        'INFO  jepsen.util - 1   :invoke :cas    [3 4]',
        '',
        'INFO  jepsen.util - 0\t:ok\t:write\t3',
        'INFO  jepsen.util - 1\t:info\t:cas\t:timed-out',
        'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
        'INFO  jepsen.util - 2\t:fail\t:read\t:timed-out',
        'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
        'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
      ].join('\n') + '\n',
      'x.log',
    );
    expect(ops.map((o) => [o.process, o.call, o.ret, o.input, o.output])).toEqual([
      ['0', 0, 3, { f: 'write', value: 3 }, { unknown: false }],
      ['1', 1, Infinity, { f: 'cas', from: 3, to: 4 }, { unknown: true }],
      ['2', 5, 6, { f: 'read' }, { unknown: true }],
      ['3', 7, Infinity, { f: 'read' }, { unknown: true }],
    ]);
  });
  it('names the line of a completion nobody invoked', () => {
    const e = errorOf(() => parseJepsenLog('INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 5\t:ok\t:read\t1\n', 'x.log'));
    expect(e.message).toMatch(/^x\.log:2: process 5 completes/);
  });
  const inv = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\n';
  it.each([
    ['INFO  jepsen.util - 0\t:invoke\t:cas\t[1]\n', /^y\.log:1: cas needs/],
    [inv + 'INFO  jepsen.util - 0\t:okay\t:read\t1\n', /^y\.log:2: unknown type ":okay"/],
    [inv + 'INFO  jepsen.util - -1\t:invoke\t:write\t1\n', /^y\.log:2: the process must be a non-negative integer/],
    [inv + 'some other line\n', /^y\.log:2: not a history line/],
    [inv + 'INFO  jepsen.util - 0\t:ok\t:read\t1', /^y\.log:2: the last line has no newline: the log looks truncated$/],
    ['', /^y\.log:1: no operations: the history is empty$/],
    ['\n\n', /^y\.log:1: no operations/],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseJepsenLog(text, 'y.log')).message).toMatch(message);
  });
  it('under lenient, skips and lists what it cannot use, and counts nemesis lines', () => {
    const log = new InputLog('y.log', true);
    const ops = parseJepsenLog(inv + 'INFO  jepsen.util - 0\t:okay\t:read\t1\nINFO  jepsen.util - :nemesis :info :start nil\nINFO  jepsen.util - 0\t:ok\t:read\t1\nINFO  jepsen.util - 1\t:inv', log);
    expect(ops).toHaveLength(1);
    expect(log.notes()).toEqual({
      ignored: { 'nemesis lines': 1 },
      skipped: [
        { line: 2, reason: 'unknown type ":okay" (expected :invoke, :ok, :fail or :info)' },
        { line: 5, reason: 'the last line has no newline: the log looks truncated' },
      ],
    });
  });
  it('takes `:info :crash` as the end of the pending op, and lets the process invoke again', () => {
    const ops = parseJepsenLog(inv + 'INFO  jepsen.util - 0\t:info\t:crash\tnil\n' + inv.replace(':invoke\t:read\tnil', ':invoke\t:write\t2'), 'y.log');
    expect(ops.map((o) => [o.process, o.call, o.ret, o.input.f])).toEqual([
      ['0', 0, Infinity, 'read'],
      ['0', 2, Infinity, 'write'],
    ]);
  });
});

describe('EDN kv parser', () => {
  it('reads a history', () => {
    const ops = parseEdnKv(
      '{:process 0, :type :invoke, :f :put, :key "a", :value "x \\"q\\""}\n\n{:process 0, :type :ok, :f :put, :key "a", :value "x \\"q\\""}\n' +
        '{:process 1, :type :invoke, :f :get, :key "a", :value nil}\n{:process 1, :type :ok, :f :get, :key "a", :value "x \\"q\\""}\n' +
        '{:process 2, :type :invoke, :f :append, :key "a", :value "y"}\n{:process 2, :type :info, :f :append, :key "a", :value "y"}',
      'kv.txt',
    );
    expect(ops.map((o) => [o.label, o.call, o.ret, o.input, o.output])).toEqual([
      ['L1', 1, 2, { f: 'put', key: 'a', value: 'x "q"' }, { unknown: false }],
      ['L4', 3, 4, { f: 'get', key: 'a' }, { unknown: false, value: 'x "q"' }],
      ['L6', 5, Infinity, { f: 'append', key: 'a', value: 'y' }, { unknown: true }],
    ]);
  });
  it.each([
    ['{:process 0, :type :invoke, :f :get, :key "a"', 'kv.txt:1: end of file inside a map opened on line 1 (truncated?)'],
    ['{:process 0, :type :invoke, :f :frob, :key "a", :value nil}', 'kv.txt:1: unknown :f :frob (this model knows :get :put :append)'],
    ['{:process 0, :type :invoke, :f :get, :key "a, :value nil}', 'kv.txt:1: end of file inside a string opened on line 1 (truncated?)'],
    ['[1 2]', 'kv.txt:1: expected an op map, got 1'],
    ['{:process 0, :type :ok, :f :get, :key "a", :value ""}', 'kv.txt:1: process 0 completes an op it never invoked'],
    ['', 'kv.txt:1: no client operations: the history is empty'],
  ])('rejects %s', (line, message) => {
    expect(errorOf(() => parseEdnKv(line, 'kv.txt')).message).toBe(message);
  });
});

describe('zookeeper JSONL parser', () => {
  const j = (...recs: object[]): string => recs.map((r) => JSON.stringify(r)).join('\n');
  it('drops reads and unmodelled refusals, keeps unknown outcomes', () => {
    const h = parseZkHistory(
      j(
        { type: 'invoke', id: 1, process: 'c1', op: 'get', path: '/a' },
        { type: 'return', id: 1, rc: 'OK', data_returned: 'x' },
        { type: 'invoke', id: 2, process: 'c1', op: 'create', path: '/a', mode: 'ephemeral_sequential' },
        { type: 'return', id: 2, rc: 'CONNECTIONLOSS' },
        { type: 'invoke', id: 3, process: 'c2', session: '0x2', op: 'delete', path: '/zookeeper' },
        { type: 'return', id: 3, rc: 'BADARGUMENTS' },
        { type: 'invoke', id: 4, process: 'c2', session: '0x2', op: 'setData', path: '/b', version: 2 },
        { type: 'return', id: 4, rc: 'OK', stat: { version: 3 } },
      ),
      'h.jsonl',
    );
    expect(h.reads).toBe(1);
    expect(h.unmodeled).toBe(1);
    expect(h.ops.map((o) => [o.label, o.call, o.ret, o.input, o.output])).toEqual([
      ['2', 2, Infinity, { session: 'c1', op: { op: 'create', path: '/a', mode: 'ephemeral', sequential: true } }, { unknown: true }],
      ['4', 6, 7, { session: '0x2', op: { op: 'set', path: '/b', version: 2 } }, { unknown: false, rc: 'OK', version: 3 }],
    ]);
  });
  it.each([
    ['not json', 'h.jsonl:1: not valid JSON'],
    [j({ type: 'invoke', id: 1, process: 'c', op: 'frob', path: '/a' }), 'h.jsonl:1: unknown op "frob"'],
    [j({ type: 'invoke', id: 1, process: 'c', op: 'create', path: '' }), 'h.jsonl:1: "path" must be a non-empty string'],
    [j({ type: 'init', nodes: [{ path: '/a/' }] }), 'h.jsonl:1: init node path "/a/" is not a valid ZooKeeper path'],
    [j({ type: 'return', id: 9, rc: 'OK' }), 'h.jsonl:1: return for op id 9, which is not pending'],
    [j({ type: 'invoke', id: 1, time: 5, process: 'c', op: 'delete', path: '/a' }, { type: 'return', id: 1, rc: 'OK' }), 'h.jsonl:2: either every record has "time" or none does'],
    [j({ type: 'invoke', id: 1, time: 5, process: 'c', op: 'delete', path: '/a' }, { type: 'return', id: 1, time: 4, rc: 'OK' }), 'h.jsonl:2: op 1 returns before it was invoked (line 1)'],
    [j({ type: 'invoke', id: 1, process: 'c', op: 'delete', path: '/a' }, { type: 'invoke', id: 1, process: 'c', op: 'delete', path: '/a' }), 'h.jsonl:2: op id 1 is invoked twice'],
    [j({ type: 'invoke', id: 1, process: 'c', op: 'multi', ops: [{ op: 'get', path: '/a' }] }), 'h.jsonl:1: unknown multi sub-op "get"'],
    [j({ type: 'invoke', id: 1, process: 'c', op: 'delete', path: '/a' }, { type: 'init', nodes: [] }), 'h.jsonl:2: "init" must come before every invoke/return'],
    [j({ type: 'init', nodes: [{ path: '/a/b' }] }), 'h.jsonl:1: init lists /a/b before its parent'],
  ])('rejects %s', (text, message) => {
    expect(errorOf(() => parseZkHistory(text, 'h.jsonl')).message).toBe(message);
  });
});
