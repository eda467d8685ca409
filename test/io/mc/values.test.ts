import { describe, expect, it } from 'vitest';
import { decodeBcd16, decodeNumber, decodeString, encodeBcd16, encodeNumber, encodeString } from '../../../src/io/mc/values.js';

describe('data types', () => {
  it('reads 32-bit values low word first by default (MC order) and high word first on request', () => {
    expect(decodeNumber([0x5678, 0x1234], 0, 'uint32')).toBe(0x12345678);
    expect(decodeNumber([0x1234, 0x5678], 0, 'uint32', 'high')).toBe(0x12345678);
    expect(decodeNumber([0xffff, 0xffff], 0, 'int32')).toBe(-1);
    expect(decodeNumber([0x0000, 0x8000], 0, 'int32')).toBe(-0x8000_0000);
  });

  it('reads int16 signed and uint16 unsigned from the same word', () => {
    expect(decodeNumber([0xfffe], 0, 'int16')).toBe(-2);
    expect(decodeNumber([0xfffe], 0, 'uint16')).toBe(65534);
  });

  it('reads float32 1.5 from 0x3FC00000 stored low word first', () => {
    expect(decodeNumber([0x0000, 0x3fc0], 0, 'float32')).toBe(1.5);
    expect(decodeNumber([0x3fc0, 0x0000], 0, 'float32', 'high')).toBe(1.5);
  });

  it('reads float64 -2.5 from four words, lowest first', () => {
    // -2.5 = 0xC004000000000000
    expect(decodeNumber([0, 0, 0, 0xc004], 0, 'float64')).toBe(-2.5);
    expect(decodeNumber([0xc004, 0, 0, 0], 0, 'float64', 'high')).toBe(-2.5);
  });

  it('reads BCD and rejects a nibble above 9 as a bad value (NaN)', () => {
    expect(decodeBcd16(0x1234)).toBe(1234);
    expect(decodeBcd16(0x9999)).toBe(9999);
    expect(decodeBcd16(0x12a4)).toBeNaN();
    expect(decodeNumber([0xf000], 0, 'bcd16')).toBeNaN();
    expect(encodeBcd16(1234)).toBe(0x1234);
    expect(() => encodeBcd16(10000)).toThrow(RangeError);
  });

  it('reads strings low byte first, stops at NUL, and honours big byte order', () => {
    // "ABC" in MC order: 0x4241 ("A" low, "B" high), 0x0043.
    expect(decodeString([0x4241, 0x0043, 0x4545], 0, 3)).toBe('ABC');
    expect(decodeString([0x4142, 0x4300], 0, 2, 'big')).toBe('ABC');
    expect(Array.from(encodeString('ABC', 3))).toEqual([0x4241, 0x0043, 0]);
    expect(() => encodeString('ABCDE', 2)).toThrow(RangeError);
  });

  it('refuses to encode values the type cannot hold', () => {
    expect(() => encodeNumber(40000, 'int16')).toThrow(RangeError);
    expect(() => encodeNumber(-1, 'uint32')).toThrow(RangeError);
    expect(() => encodeNumber(1.5, 'int32')).toThrow(RangeError);
    expect(Array.from(encodeNumber(-1, 'int32'))).toEqual([0xffff, 0xffff]);
  });
});
