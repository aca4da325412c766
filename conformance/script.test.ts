import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScript, parseScriptText, ScriptError } from './script.ts';
import { compareRecordings, writeRecording, type Recording } from './recording.ts';
import { corpusFiles, GOLDEN_DIR, SCRIPTS_DIR } from './corpus.ts';

describe('parseScript', () => {
  it('accepts every corpus script', () => {
    const dir = SCRIPTS_DIR;
    for (const f of readdirSync(dir)) {
      const s = parseScript(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
      expect(s.ops.length).toBeGreaterThan(0);
    }
  });
  it.each([
    [{ ops: [{ op: 'frobnicate' }] }, /op 0.*unknown op "frobnicate"/],
    [{ ops: [{ op: 'create' }] }, /op 0 \(create\): missing "path"/],
    [{ ops: [{ op: 'get', path: 3 }] }, /"path" must be a string/],
    [{ ops: [{ op: 'set', path: '/a', version: 'x' }] }, /"version" must be an integer/],
    [{ ops: [{ op: 'create', path: '/a', mode: 'weird' }] }, /"mode" must be one of/],
    [{ ops: [{ op: 'multi', ops: [{ op: 'get', path: '/a' }] }] }, /unknown multi sub-op "get"/],
    [{ ops: [{ op: 'create', path: '/a', acl: ['world'] }] }, /not "scheme:id:perms"/],
    [{ ops: [{ op: 'create', path: '/a', acl: ['world:anyone:xyz'] }] }, /perms "xyz"/],
    [{ name: 'x' }, /missing "ops"/],
    [{ ops: [{ op: 'sleep' }] }, /missing "ms"/],
    [{ ops: [{ path: '/a' }] }, /missing "op"/],
  ])('rejects %j', (json, msg) => {
    expect(() => parseScript(json)).toThrow(ScriptError);
    expect(() => parseScript(json)).toThrow(msg);
  });
  it('rejects malformed JSON with a ScriptError', () => {
    expect(() => parseScriptText('{"ops": [')).toThrow(/malformed JSON/);
  });
});

describe('compareRecordings', () => {
  const base: Recording = {
    name: 'x',
    server: 'a',
    zxid_base: '0x0',
    results: [
      { i: 0, op: 'open', session: 's1', rc: 'OK', zxid: 1, _noisy: { t: 1 } },
      {
        i: 1, op: 'delete', session: 's1', rc: 'OK', zxid: 2, note: 'n',
        events: { s1: [{ type: 'NodeDeleted', path: '/a', state: 'SyncConnected' }, { type: 'NodeChildrenChanged', path: '/', state: 'SyncConnected' }] },
      },
    ],
  };
  it('ignores server, note, _noisy and event order', () => {
    const other = JSON.parse(JSON.stringify(base));
    other.server = 'b';
    other.results[0]._noisy = { t: 2 };
    other.results[1].note = 'other';
    other.results[1].events.s1.reverse();
    expect(compareRecordings(base, other)).toEqual([]);
  });
  it('reports differing fields, missing events and result counts', () => {
    const other = JSON.parse(JSON.stringify(base));
    other.results[0].zxid = 5;
    other.results[1].events.s1.pop();
    const d = compareRecordings(base, other);
    expect(d.some((l) => l.startsWith('results[0](open).zxid: 1 != 5'))).toBe(true);
    expect(d.some((l) => l.startsWith('results[1](delete).events.s1'))).toBe(true);
    other.results.pop();
    expect(compareRecordings(base, other)).toContain('results: 2 results != 1 results');
  });
  it('writes goldens byte for byte', () => {
    const dir = GOLDEN_DIR;
    for (const f of readdirSync(dir)) {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      expect(writeRecording(JSON.parse(text))).toBe(text);
    }
  });
});
