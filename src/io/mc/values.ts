import type { DataType, WordOrder } from '../types.js';

/**
 * PLC words <-> values for every tag data type. Decoders are the hot path (called once per value
 * per poll): they read straight from a word array with a small integer type code and allocate
 * nothing. Encoders (simulator memory, tests, property tests) check their input and throw
 * RangeError on values the type cannot hold.
 *
 * MC order is low word first for 32/64-bit values (D100 = low word of a DINT at D100);
 * `wordOrder: 'high'` reads PLCs or programs that store the high word first.
 */

export type NumericType = Exclude<DataType, 'bit' | 'string'>;
export type ByteOrder = 'little' | 'big';

import { TYPE_CODE, type TypeCode } from '../types.js';
export { TYPE_CODE, type TypeCode };

const scratch = new DataView(new ArrayBuffer(8));

/** A BCD word (each nibble 0-9) as a number; NaN when a nibble is A-F (not BCD: a bad value). */
export function decodeBcd16(word: number): number {
  const d0 = word & 0xf;
  const d1 = (word >> 4) & 0xf;
  const d2 = (word >> 8) & 0xf;
  const d3 = (word >> 12) & 0xf;
  if (d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9) return Number.NaN;
  return d3 * 1000 + d2 * 100 + d1 * 10 + d0;
}

export function encodeBcd16(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 9999) throw new RangeError(`bcd16 holds 0..9999, not ${value}`);
  return ((Math.floor(value / 1000) % 10) << 12) | ((Math.floor(value / 100) % 10) << 8) | ((Math.floor(value / 10) % 10) << 4) | value % 10;
}

/**
 * Decode a numeric value at `at`. `highFirst` reverses the word order of 32/64-bit values.
 * Returns NaN only for an invalid BCD word. Not for `bit`/`string` (the plan handles those).
 */
export function decodeAt(words: ArrayLike<number>, at: number, code: TypeCode, highFirst: boolean): number {
  switch (code) {
    case TYPE_CODE.int16:
      return (words[at]! << 16) >> 16;
    case TYPE_CODE.uint16:
      return words[at]!;
    case TYPE_CODE.bcd16:
      return decodeBcd16(words[at]!);
    case TYPE_CODE.int32:
    case TYPE_CODE.uint32:
    case TYPE_CODE.float32: {
      const lo = highFirst ? words[at + 1]! : words[at]!;
      const hi = highFirst ? words[at]! : words[at + 1]!;
      if (code === TYPE_CODE.int32) return (hi << 16) | lo;
      if (code === TYPE_CODE.uint32) return hi * 0x10000 + lo;
      scratch.setUint16(0, lo, true);
      scratch.setUint16(2, hi, true);
      return scratch.getFloat32(0, true);
    }
    case TYPE_CODE.float64:
      for (let i = 0; i < 4; i++) scratch.setUint16(i * 2, words[at + (highFirst ? 3 - i : i)]!, true);
      return scratch.getFloat64(0, true);
    default:
      return Number.NaN;
  }
}

/** Readable form of decodeAt for tests and tools. */
export function decodeNumber(words: ArrayLike<number>, at: number, type: NumericType, wordOrder: WordOrder = 'low'): number {
  return decodeAt(words, at, TYPE_CODE[type], wordOrder === 'high');
}

const INT_RANGE: Partial<Record<NumericType, readonly [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
};

/** Encode a value into words (`out` from `at`); the exact inverse of decodeNumber. */
export function encodeNumber(value: number, type: NumericType, wordOrder: WordOrder = 'low', out?: Uint16Array, at = 0): Uint16Array {
  const n = type === 'float64' ? 4 : type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
  const target = out ?? new Uint16Array(n);
  const range = INT_RANGE[type];
  if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    throw new RangeError(`${type} holds ${range[0]}..${range[1]}, not ${value}`);
  }
  const put = (i: number, word: number): void => {
    target[at + (wordOrder === 'high' ? n - 1 - i : i)] = word;
  };
  switch (type) {
    case 'int16':
    case 'uint16':
      target[at] = value & 0xffff;
      break;
    case 'bcd16':
      target[at] = encodeBcd16(value);
      break;
    case 'int32':
    case 'uint32':
      put(0, value & 0xffff);
      put(1, Math.floor(value / 0x10000) & 0xffff);
      break;
    case 'float32':
      scratch.setFloat32(0, value, true);
      put(0, scratch.getUint16(0, true));
      put(1, scratch.getUint16(2, true));
      break;
    case 'float64':
      scratch.setFloat64(0, value, true);
      for (let i = 0; i < 4; i++) put(i, scratch.getUint16(i * 2, true));
      break;
  }
  return target;
}

/**
 * A string of `length` words: two characters per word, the first in the low byte (MC order, as
 * GX Works stores "$MOV") unless byteOrder is 'big'. Ends at the first NUL. Bytes map 1:1 to
 * characters (latin1) so no byte is lost to a decoding error.
 */
export function decodeString(words: ArrayLike<number>, at: number, length: number, byteOrder: ByteOrder = 'little'): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const word = words[at + i]!;
    const first = byteOrder === 'little' ? word & 0xff : word >> 8;
    if (first === 0) break;
    text += String.fromCharCode(first);
    const second = byteOrder === 'little' ? word >> 8 : word & 0xff;
    if (second === 0) break;
    text += String.fromCharCode(second);
  }
  return text;
}

/** Encode a string into `length` words, NUL-padded; characters must be 0x01-0xFF. */
export function encodeString(text: string, length: number, byteOrder: ByteOrder = 'little', out?: Uint16Array, at = 0): Uint16Array {
  if (text.length > length * 2) throw new RangeError(`"${text}" needs ${Math.ceil(text.length / 2)} words, the tag has ${length}`);
  const target = out ?? new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    const a = i * 2 < text.length ? text.charCodeAt(i * 2) : 0;
    const b = i * 2 + 1 < text.length ? text.charCodeAt(i * 2 + 1) : 0;
    if (a > 0xff || b > 0xff || (i * 2 < text.length && a === 0) || (i * 2 + 1 < text.length && b === 0)) {
      throw new RangeError(`string characters must be 0x01-0xFF: "${text}"`);
    }
    target[at + i] = byteOrder === 'little' ? a | (b << 8) : (a << 8) | b;
  }
  return target;
}
