import type { DataType, WordOrder } from '../types.js';
import type { ByteOrder } from './decode.js';

/**
 * Encoders matching decode.ts: a value to register words (0..65535) as a device would hold them.
 * Used by the simulator's memory helpers and by tests; the collector itself only decodes.
 * Not on a hot path, so clarity wins over allocation here.
 */

export interface Layout {
  readonly wordOrder?: WordOrder;
  readonly byteOrder?: ByteOrder;
}

const swap16 = (w: number): number => ((w & 0xff) << 8) | (w >> 8);

/** Four decimal digits as BCD. Throws RangeError outside 0..9999 or for a fraction. */
export function numberToBcd(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 9999) {
    throw new RangeError(`BCD16 holds integers 0..9999, got ${value}`);
  }
  let word = 0;
  for (let shift = 0, v = value; shift < 16; shift += 4, v = Math.floor(v / 10)) word |= (v % 10) << shift;
  return word;
}

/**
 * Encode a number as register words (for `bit`, a register with only that bit set: callers that
 * keep the other bits use setRegisterBit). Integers wrap like the device's fixed-width types.
 */
export function encodeNumber(type: Exclude<DataType, 'string'>, value: number, layout: Layout = {}): number[] {
  const view = new DataView(new ArrayBuffer(8));
  let words: number;
  switch (type) {
    case 'bit':
      return [value ? 1 : 0];
    case 'int16':
    case 'uint16':
      view.setUint16(0, value & 0xffff);
      words = 1;
      break;
    case 'bcd16':
      view.setUint16(0, numberToBcd(value));
      words = 1;
      break;
    case 'int32':
    case 'uint32':
      view.setUint32(0, value >>> 0);
      words = 2;
      break;
    case 'float32':
      view.setFloat32(0, value);
      words = 2;
      break;
    case 'float64':
      view.setFloat64(0, value);
      words = 4;
      break;
  }
  const logical: number[] = [];
  for (let k = 0; k < words; k++) logical.push(view.getUint16(2 * k));
  return arrange(logical, layout);
}

/** Encode text as `length` registers, NUL-padded. Throws RangeError when it does not fit or is not Latin-1. */
export function encodeString(text: string, length: number, byteOrder: ByteOrder = 'big'): number[] {
  if (text.length > length * 2) throw new RangeError(`"${text}" needs ${Math.ceil(text.length / 2)} registers, the tag has ${length}`);
  const bytes = new Uint8Array(length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character ${JSON.stringify(text[i])} is not Latin-1`);
    bytes[i] = c;
  }
  const words: number[] = [];
  for (let k = 0; k < length; k++) {
    const w = (bytes[2 * k]! << 8) | bytes[2 * k + 1]!;
    words.push(byteOrder === 'big' ? w : swap16(w));
  }
  return words;
}

/** Logical words (most significant first) to the registers' order and byte layout. */
function arrange(logical: number[], layout: Layout): number[] {
  const ordered = (layout.wordOrder ?? 'high') === 'high' ? logical : logical.reverse();
  return (layout.byteOrder ?? 'big') === 'big' ? ordered : ordered.map(swap16);
}

/** Registers as wire bytes (big-endian per register), the way FC03/FC04 replies carry them. */
export function registersToBytes(words: readonly number[] | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(words.length * 2);
  for (let i = 0; i < words.length; i++) {
    bytes[2 * i] = (words[i]! >> 8) & 0xff;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}
