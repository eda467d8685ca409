import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/io/errors.js';
import { formatMcAddress, parseMcAddress } from '../../../src/io/mc/address.js';
import { checkMcBit, checkMcTag } from '../../../src/io/mc/tag-layout.js';

describe('MC addresses', () => {
  it.each([
    ['D100', 'D', 0xa8, 100, 'word'],
    ['d100', 'D', 0xa8, 100, 'word'],
    ['W1F', 'W', 0xb4, 0x1f, 'word'],
    ['ZR123456', 'ZR', 0xb0, 123456, 'word'],
    ['SD10', 'SD', 0xa9, 10, 'word'],
    ['SW1A', 'SW', 0xb5, 0x1a, 'word'],
    ['TN5', 'TN', 0xc2, 5, 'word'],
    ['CN7', 'CN', 0xc5, 7, 'word'],
    ['R9', 'R', 0xaf, 9, 'word'],
    ['M8000', 'M', 0x90, 8000, 'bit'],
    ['L3', 'L', 0x92, 3, 'bit'],
    ['F2', 'F', 0x93, 2, 'bit'],
    ['V1', 'V', 0x94, 1, 'bit'],
    ['BA0', 'B', 0xa0, 0xa0, 'bit'],
    ['SB1F', 'SB', 0xa1, 0x1f, 'bit'],
    ['SM400', 'SM', 0x91, 400, 'bit'],
    ['X1F', 'X', 0x9c, 0x1f, 'bit'],
    ['Y10', 'Y', 0x9d, 0x10, 'bit'],
    ['TS3', 'TS', 0xc1, 3, 'bit'],
    ['CS4', 'CS', 0xc4, 4, 'bit'],
  ] as const)('parses %s on q', (text, device, code, number, kind) => {
    const a = parseMcAddress(text, 'q');
    expect(a).toMatchObject({ device, code, number, kind, bit: undefined });
  });

  it('numbers X and Y in octal on fx and in hex on q/iqr', () => {
    expect(parseMcAddress('X17', 'fx').number).toBe(15);
    expect(parseMcAddress('Y20', 'fx').number).toBe(16);
    expect(parseMcAddress('X17', 'q').number).toBe(0x17);
    expect(parseMcAddress('X1F', 'iqr').number).toBe(0x1f);
    expect(() => parseMcAddress('X18', 'fx')).toThrow(/octal on series fx/);
    expect(formatMcAddress(parseMcAddress('x17', 'fx'), 'fx')).toBe('X17');
  });

  it('reads the bit of a word in hex: D100.A is bit 10', () => {
    expect(parseMcAddress('D100.A', 'q')).toMatchObject({ device: 'D', number: 100, bit: 10, kind: 'word' });
    expect(formatMcAddress(parseMcAddress('D100.a', 'q'), 'q')).toBe('D100.A');
  });

  it.each([
    ['Q100', /unknown device "Q"/],
    ['D', /missing device number/],
    ['D1F', /decimal/],
    ['X1G', /hexadecimal/],
    ['D100.G', /one hex digit/],
    ['D100.10', /one hex digit/],
    ['M10.1', /bit device/],
    ['D99999999', /beyond/],
  ])('rejects %s with a clear reason', (text, reason) => {
    const attempt = (): unknown => parseMcAddress(text, 'q');
    expect(attempt).toThrow(AddressError);
    expect(attempt).toThrow(reason);
  });

  it('accepts larger device numbers on iqr (4-byte numbers)', () => {
    expect(parseMcAddress('ZR20000000', 'iqr').number).toBe(20_000_000);
    expect(() => parseMcAddress('ZR20000000', 'q')).toThrow(/beyond/);
  });
});

describe('tag checks (type vs device kind)', () => {
  const check = (address: string, type: Parameters<typeof checkMcTag>[0]['type'], length?: number) =>
    checkMcTag({ address, type, length }, 'q', 'binary');

  it('accepts bits of bit devices and bits of words', () => {
    expect(check('M10', 'bit')).toBeNull();
    expect(check('D100.3', 'bit')).toBeNull();
    expect(check('TS3', 'bit')).toBeNull();
  });

  it('refuses a bit on a word without .n, and .n on a non-bit type', () => {
    expect(check('D100', 'bit')).toMatch(/needs a bit number, e.g. D100.0/);
    expect(check('D100.3', 'int16')).toMatch(/only for type bit/);
  });

  it('reads word types from bit devices as 16 packed points, aligned to 16', () => {
    expect(check('M16', 'int16')).toBeNull();
    expect(check('X10', 'uint32')).toBeNull();
    expect(check('M17', 'int16')).toMatch(/multiple of 16 \(e.g. M16\)/);
    expect(check('TS0', 'int16')).toMatch(/bit units only/);
  });

  it('needs a word device for strings', () => {
    expect(check('D0', 'string', 10)).toBeNull();
    expect(check('M0', 'string', 2)).toMatch(/word device/);
    expect(checkMcTag({ address: 'D0', type: 'string', length: 481 }, 'fx', 'ascii')).toMatch(/480 words/);
  });

  it('handshake bits must be bit devices', () => {
    expect(checkMcBit('M100', 'q')).toBeNull();
    expect(checkMcBit('D100.1', 'q')).toMatch(/bit device/);
    expect(checkMcBit('D100', 'q')).toMatch(/bit device/);
    expect(checkMcBit('Q1', 'q')).toMatch(/unknown device/);
  });
});
