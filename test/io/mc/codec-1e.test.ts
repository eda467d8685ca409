import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { create1eRequestSplitter, decode1eRequest, encode1eResponse } from '../../../src/io/mc/codec/requests-1e-reader.js';
import { batchReadBits1e, batchReadWords1e, batchWriteBits1e, batchWriteWords1e, encode1eRequestFrame } from '../../../src/io/mc/codec/requests-1e.js';
import { create1eStreamReader, decode1eResponse } from '../../../src/io/mc/codec/response-1e.js';
import { Mc1eEndCodeError } from '../../../src/io/mc/codec/end-codes-1e.js';
import type { Encoding } from '../../../src/io/mc/codec/wire.js';
import { ascii, hex, toHex, toText } from './frame-builder.js';
import { ascii1eRequest, ascii1eResponse, binary1eRequest, binary1eResponse, CODE_1E } from './frame-builder-1e.js';

const point = (address: string) => {
  const a = parseMcAddress(address, 'fx3');
  return { info: a.info, number: a.number };
};
const frame = (encoding: Encoding, command: ReturnType<typeof batchReadWords1e>, timer = 4) => encode1eRequestFrame({ encoding, pc: 0xff, monitoringTimer: timer }, command);

describe('1E codec: the manual\'s worked examples (FX3U-ENET-ADP 7.3)', () => {
  it('binary: batch read M100-M107 in bit units, 2.5 s timer', () => {
    expect(toHex(frame('binary', batchReadBits1e(point('M100'), 8, 'binary'), 0x0a))).toBe('00ff0a006400000020 4d0800'.replace(/ /g, ''));
    const reply = decode1eResponse(hex('80 00 10 10 01 10'), 'binary', { command: 0, replyLength: 4 });
    expect(reply).toMatchObject({ kind: 'ok', size: 6 });
    expect(reply?.kind === 'ok' ? toHex(reply.data) : '').toBe('10100110');
  });

  it('ASCII: the same request puts the device code before the number', () => {
    expect(toText(frame('ascii', batchReadBits1e(point('M100'), 8, 'ascii'), 0x0a))).toBe('00FF000A4D20000000640800');
    const reply = decode1eResponse(ascii('8000 10100110'), 'ascii', { command: 0, replyLength: 8 });
    expect(reply?.kind === 'ok' ? toText(reply.data) : '').toBe('10100110');
  });

  it('ASCII: D100 is "4420" "00000064"; Y20 (octal) is point 10H', () => {
    expect(toText(frame('ascii', batchReadWords1e(point('D100'), 2, 'ascii'))).slice(8, 20)).toBe('442000000064');
    expect(toText(frame('ascii', batchReadWords1e(point('Y20'), 1, 'ascii'))).slice(8, 20)).toBe('592000000010');
  });
});

describe('1E codec: every FX3 device, built against the test builder', () => {
  const cases = [
    ['D8000', 'D', 8000, 'word'],
    ['R32767', 'R', 32767, 'word'],
    ['TN511', 'TN', 511, 'word'],
    ['CN199', 'CN', 199, 'word'],
    ['TS10', 'TS', 10, 'bit'],
    ['CS20', 'CS', 20, 'bit'],
    ['X377', 'X', 255, 'bit'],
    ['Y16', 'Y', 14, 'bit'],
    ['M8000', 'M', 8000, 'bit'],
    ['S4094', 'S', 4094, 'bit'],
  ] as const;
  for (const encoding of ['binary', 'ascii'] as const) {
    const build = encoding === 'binary' ? binary1eRequest : ascii1eRequest;
    it.each(cases)(`${encoding}: %s`, (address, device, number, kind) => {
      const code = CODE_1E[device];
      const read = kind === 'word' ? batchReadWords1e(point(address), 1, encoding) : batchReadBits1e(point(address), 2, encoding);
      expect(toHex(frame(encoding, read))).toBe(toHex(build({ command: kind === 'word' ? 1 : 0, code, number, points: kind === 'word' ? 1 : 2 })));
      const data = kind === 'word' ? (encoding === 'binary' ? '3412' : '1234') : encoding === 'binary' ? '10' : '10';
      const write = kind === 'word' ? batchWriteWords1e(point(address), [0x1234], encoding) : batchWriteBits1e(point(address), [1, 0], encoding);
      expect(toHex(frame(encoding, write))).toBe(toHex(build({ command: kind === 'word' ? 3 : 2, code, number, points: kind === 'word' ? 1 : 2, data })));
    });
  }

  it('sends 256 points as 00H and pads an odd bit write with a dummy point', () => {
    expect(toHex(frame('binary', batchReadBits1e(point('M0'), 256, 'binary')))).toBe(toHex(binary1eRequest({ command: 0, code: CODE_1E.M, number: 0, points: 256 })));
    expect(toHex(frame('binary', batchWriteBits1e(point('M50'), [1, 1, 0], 'binary')))).toBe(toHex(binary1eRequest({ command: 2, code: CODE_1E.M, number: 50, points: 3, data: '1100' })));
    expect(toText(frame('ascii', batchWriteBits1e(point('M50'), [1, 1, 0], 'ascii')))).toBe(toText(ascii1eRequest({ command: 2, code: CODE_1E.M, number: 50, points: 3, data: '1100' })));
  });

  it('knows each reply\'s length from the request: words 2/4 per point, bits 2 per byte / 1 character', () => {
    expect(batchReadWords1e(point('D0'), 64, 'binary').replyLength).toBe(128);
    expect(batchReadWords1e(point('D0'), 64, 'ascii').replyLength).toBe(256);
    expect(batchReadBits1e(point('M0'), 256, 'binary').replyLength).toBe(128);
    expect(batchReadBits1e(point('M0'), 256, 'ascii').replyLength).toBe(256);
    expect(batchWriteWords1e(point('D0'), [1], 'binary').replyLength).toBe(0);
  });

  it('refuses a device the FX3 does not have', () => {
    expect(() => parseMcAddress('W10', 'fx3')).toThrow(/FX3 has no W/);
    expect(() => parseMcAddress('M7700', 'fx3')).toThrow(/M7680-M7999 do not exist/);
    expect(() => parseMcAddress('X400', 'fx3')).toThrow(/beyond the last X/);
    expect(() => parseMcAddress('X8', 'fx3')).toThrow(/octal/);
  });
});

describe('1E responses: complete codes by name', () => {
  it.each(['binary', 'ascii'] as const)('%s: 5BH carries the abnormal code; 56H stands alone', (encoding) => {
    const abnormal = encoding === 'binary' ? binary1eResponse(1, 0x5b, '', 0x10) : ascii1eResponse(1, 0x5b, '', 0x10);
    expect(decode1eResponse(abnormal, encoding, { command: 1, replyLength: 2 })).toEqual({ kind: 'error', completeCode: 0x5b, abnormalCode: 0x10, size: abnormal.length });
    const wrong = encoding === 'binary' ? binary1eResponse(1, 0x56) : ascii1eResponse(1, 0x56);
    expect(decode1eResponse(wrong, encoding, { command: 1, replyLength: 2 })).toEqual({ kind: 'error', completeCode: 0x56, abnormalCode: null, size: wrong.length });
  });

  it('names the codes in the error', () => {
    expect(new Mc1eEndCodeError(0x58, null, 'batch read words D9000').message).toBe(
      'PLC answered 58H ADDRESS_OUT_OF_RANGE (head device outside the range, a word device in a bit command, or a bit device head not a multiple of 16 in a word command) to batch read words D9000',
    );
    expect(new Mc1eEndCodeError(0x5b, 0x10, 'x').message).toContain('5BH/10H PLC_ERROR');
    expect(new Mc1eEndCodeError(0x5b, 0x10, 'x').message).toContain('PC number error');
    expect(new Mc1eEndCodeError(0x99, null, 'x').endCodeName).toBe('COMPLETE_CODE');
  });

  it('a reply to another command is malformed, not data', () => {
    expect(decode1eResponse(hex('80 00 10'), 'binary', { command: 1, replyLength: 2 })).toMatchObject({ kind: 'malformed' });
  });
});

describe('1E streams: split at every byte, several frames in one chunk', () => {
  it.each(['binary', 'ascii'] as const)('%s replies', (encoding) => {
    const a = encoding === 'binary' ? binary1eResponse(1, 0, '34127856') : ascii1eResponse(1, 0, '12345678');
    const b = encoding === 'binary' ? binary1eResponse(1, 0x5b, '', 0x18) : ascii1eResponse(1, 0x5b, '', 0x18);
    const both = Uint8Array.from([...a, ...b]);
    const expect1 = { command: 1, replyLength: encoding === 'binary' ? 4 : 8 };
    for (let cut = 0; cut <= both.length; cut++) {
      const reader = create1eStreamReader(encoding);
      const out = [];
      for (const chunk of [both.subarray(0, cut), both.subarray(cut)]) {
        reader.append(chunk);
        for (let r = reader.next(expect1); r; r = reader.next(expect1)) out.push(r);
      }
      expect(out.map((r) => r.kind)).toEqual(['ok', 'error']);
      expect(out[1]).toMatchObject({ completeCode: 0x5b, abnormalCode: 0x18 });
      expect(reader.buffered).toBe(0);
    }
  });

  it.each(['binary', 'ascii'] as const)('%s requests (the simulator side)', (encoding) => {
    const build = encoding === 'binary' ? binary1eRequest : ascii1eRequest;
    const write = build({ command: 3, code: CODE_1E.D, number: 10, points: 2, data: encoding === 'binary' ? '01000200' : '00010002' });
    const read = build({ command: 0, code: CODE_1E.M, number: 16, points: 4 });
    const both = Uint8Array.from([...write, ...read]);
    for (let cut = 0; cut <= both.length; cut++) {
      const splitter = create1eRequestSplitter(encoding);
      const out = [...splitter.push(both.subarray(0, cut)), ...splitter.push(both.subarray(cut))];
      expect(out.map((r) => (r.kind === 'request' ? [r.request.command, r.request.number, r.request.points, r.request.data.length] : r.kind))).toEqual([
        [3, 10, 2, encoding === 'binary' ? 4 : 8],
        [0, 16, 4, 0],
      ]);
    }
    expect(decode1eRequest(build({ command: 0x13, code: 0, number: 0, points: 0 }), encoding)).toMatchObject({ kind: 'malformed', command: 0x13 });
  });

  it('the simulator\'s responses match the builder', () => {
    expect(toHex(encode1eResponse('binary', 1, 0, hex('3412')))).toBe(toHex(binary1eResponse(1, 0, '3412')));
    expect(toText(encode1eResponse('ascii', 2, 0x5b, undefined, 0x10))).toBe(toText(ascii1eResponse(2, 0x5b, '', 0x10)));
  });
});

describe('1E parsers take arbitrary bytes without throwing', () => {
  it.each(['binary', 'ascii'] as const)('%s', (encoding) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 300 }), (bytes, command, replyLength) => {
        const splitter = create1eRequestSplitter(encoding);
        splitter.push(bytes);
        const reader = create1eStreamReader(encoding);
        reader.append(bytes);
        reader.next({ command, replyLength });
        decode1eResponse(bytes, encoding, { command, replyLength });
        decode1eRequest(bytes, encoding);
      }),
    );
  });
});
