/** Unit tests of the real-server client's encoding: no ZooKeeper needed. */
import { describe, expect, it } from 'vitest';
import { avoidTtlCrash } from '../arbitrary.ts';
import { createPlan, dataBytes, formatPerms, parseAcl, parsePerms, watcherType } from './encode.ts';
import { parseSrvr } from './fourlw.ts';
import { JuteDecodeError, JuteReader, JuteWriter } from './jute.ts';
import { OpCode, readMultiResponse } from './wire.ts';

describe('jute', () => {
  it('round-trips every field kind, nulls included', () => {
    const w = new JuteWriter()
      .int(-7)
      .long(-2n)
      .long(0x1_0000_0003n)
      .bool(true)
      .buffer(null)
      .buffer(Buffer.from([1, 2, 3]))
      .ustring('é/x')
      .ustring(null)
      .vector(['a', 'bc'], (x, s) => x.ustring(s))
      .vector(null, (x, s: string) => x.ustring(s));
    const r = new JuteReader(w.toBuffer());
    expect(r.int()).toBe(-7);
    expect(r.long()).toBe(-2n);
    expect(r.long()).toBe(0x1_0000_0003n);
    expect(r.bool()).toBe(true);
    expect(r.buffer()).toBeNull();
    expect([...r.buffer()!]).toEqual([1, 2, 3]);
    expect(r.ustring()).toBe('é/x');
    expect(r.ustring()).toBeNull();
    expect(r.vector((x) => x.ustring())).toEqual(['a', 'bc']);
    expect(r.vector((x) => x.ustring())).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('encodes big-endian with -1 for null buffers and a length-prefixed frame', () => {
    expect([...new JuteWriter().int(1).buffer(null).toFrame()]).toEqual([0, 0, 0, 8, 0, 0, 0, 1, 255, 255, 255, 255]);
    // A full 64-bit session id survives (top byte set).
    const id = 0x8100_0000_0000_0001n;
    expect(BigInt.asUintN(64, new JuteReader(new JuteWriter().long(id).toBuffer()).long())).toBe(id);
  });

  it('refuses to read past the end of a frame', () => {
    expect(() => new JuteReader(Buffer.from([0, 0, 0, 9, 1])).buffer()).toThrow(JuteDecodeError);
  });

  it('decodes a multi reply: results in order, errors carry their code', () => {
    const w = new JuteWriter();
    w.int(OpCode.create).bool(false).int(0).ustring('/a');
    w.int(OpCode.error).bool(false).int(-101).int(-101);
    w.int(OpCode.check).bool(false).int(0);
    w.int(-1).bool(true).int(-1);
    expect(readMultiResponse(new JuteReader(w.toBuffer()))).toEqual([
      { type: OpCode.create, err: 0, path: '/a' },
      { type: OpCode.error, err: -101 },
      { type: OpCode.check, err: 0 },
    ]);
  });
});

describe('script -> wire', () => {
  it('parses ACL entries: id between first and last colon, perms letters or integer', () => {
    expect(parseAcl('digest:fox:ZsWwgmtnTnx1usRF1voHFJAYGQU=:cdrwa')).toEqual({
      scheme: 'digest',
      id: 'fox:ZsWwgmtnTnx1usRF1voHFJAYGQU=',
      perms: 31,
    });
    expect(parseAcl('auth::rw')).toEqual({ scheme: 'auth', id: '', perms: 3 });
    expect(parseAcl('ip:127.0.0.0/8:')).toEqual({ scheme: 'ip', id: '127.0.0.0/8', perms: 0 });
    expect(parseAcl({ scheme: 'world', id: 'anyone', perms: 17 })).toEqual({ scheme: 'world', id: 'anyone', perms: 17 });
    expect(() => parseAcl('world:anyone')).toThrow();
  });

  it('formats perms in the fixed order c d r w a, decimal above 0x1f', () => {
    expect(formatPerms(parsePerms('arwdc'))).toBe('cdrwa');
    expect(formatPerms(parsePerms('wr'))).toBe('rw');
    expect(formatPerms(0)).toBe('');
    expect(formatPerms(33)).toBe('33');
    expect(parsePerms('12')).toBe(12);
  });

  it('chooses create flags and opcodes like the Java client', () => {
    expect(createPlan({ path: '/a' })).toEqual({ opcode: OpCode.create2, flags: 0 });
    expect(createPlan({ path: '/a', ephemeral: true, sequential: true })).toEqual({ opcode: OpCode.create2, flags: 3 });
    expect(createPlan({ path: '/a', mode: 'container' })).toEqual({ opcode: OpCode.createContainer, flags: 4 });
    expect(createPlan({ path: '/a', container: true })).toEqual({ opcode: OpCode.createContainer, flags: 4 });
    expect(createPlan({ path: '/a', mode: 'persistent_ttl', ttl: 5 })).toEqual({ opcode: OpCode.createTTL, flags: 5, ttl: 5 });
    expect(createPlan({ path: '/a', sequential: true, ttl: 5 })).toEqual({ opcode: OpCode.createTTL, flags: 6, ttl: 5 });
    expect(createPlan({ path: '/a', ephemeral: true, ttl: 5 })).toEqual({ opcode: OpCode.create2, flags: 1 });
    expect(createPlan({ path: '/a', flags_raw: 5, ttl: 5 })).toEqual({ opcode: OpCode.createTTL, flags: 5, ttl: 5 });
    expect(createPlan({ path: '/a', mode: 'persistent_ttl' })).toEqual({ opcode: OpCode.createTTL, flags: 5, ttl: -1 });
    expect(createPlan({ path: '/a', opcode: 'create', flags_raw: 7 })).toEqual({ opcode: OpCode.create, flags: 7 });
    expect(createPlan({ path: '/a', mode: 'ephemeral' }, OpCode.create)).toEqual({ opcode: OpCode.create, flags: 1 });
  });

  it('keeps generated creates away from the createTTL input that crashes a real 3.8.0 server', () => {
    const crash = { path: '/a', opcode: 'createTTL' as const };
    expect(createPlan(crash).ttl).toBe(-1);
    expect(createPlan(avoidTtlCrash(crash)).ttl).toBeGreaterThan(0);
    const fine = { path: '/a', mode: 'persistent_ttl' as const, ttl: -1 };
    expect(avoidTtlCrash(fine)).toBe(fine);
  });

  it('builds data bytes: null, text, filler, base64', () => {
    expect(dataBytes({})).toBeNull();
    expect(dataBytes({ data: null })).toBeNull();
    expect(dataBytes({ data: '' })!.length).toBe(0);
    expect(dataBytes({ data_size: 3 })!.toString()).toBe('xxx');
    expect([...dataBytes({ data_b64: 'AAEC' })!]).toEqual([0, 1, 2]);
    expect(watcherType({ watcher_type: 'data' })).toBe(2);
    expect(watcherType({ watcher_type: 'children', watcher_type_raw: 9 })).toBe(9);
  });

  it('reads the zxid and banner from srvr output, and rejects anything else', () => {
    const out = 'Zookeeper version: 3.8.0-abc, built on x\nLatency min/avg/max: 0/0.0/0\nZxid: 0x10000002a\nMode: standalone\n';
    expect(parseSrvr(out)).toEqual({ banner: 'Zookeeper version: 3.8.0-abc, built on x', zxid: 0x10000002an, mode: 'standalone' });
    expect(() => parseSrvr('This ZooKeeper instance is not currently serving requests')).toThrow(/srvr/);
  });
});
