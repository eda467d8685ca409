import { HEX_VALUE } from './hex.js';
import type { Encoding } from './wire.js';

/**
 * Response data to numbers. Every function returns null when the data does not have exactly the
 * expected size or holds a non-hex character: the caller treats that as a broken conversation.
 */

/** Word data: 2 bytes little-endian (binary) or 4 hex characters (ASCII) per word. */
export function wordsFromData(data: Uint8Array, encoding: Encoding, count: number): Uint16Array | null {
  const out = new Uint16Array(count);
  if (encoding === 'binary') {
    if (data.length !== count * 2) return null;
    for (let i = 0, j = 0; i < count; i++, j += 2) out[i] = data[j]! | (data[j + 1]! << 8);
    return out;
  }
  if (data.length !== count * 4) return null;
  return hexWords(data, 0, count, out, 0) ? out : null;
}

/** Bit data: binary two points per byte, first in the high nibble; ASCII "0"/"1" per point. */
export function bitsFromData(data: Uint8Array, encoding: Encoding, count: number): Uint8Array | null {
  const out = new Uint8Array(count);
  if (encoding === 'binary') {
    if (data.length !== Math.ceil(count / 2)) return null;
    for (let i = 0; i < count; i++) {
      const byte = data[i >> 1]!;
      out[i] = (i & 1 ? byte & 0x0f : byte >> 4) === 0 ? 0 : 1;
    }
    return out;
  }
  if (data.length !== count) return null;
  for (let i = 0; i < count; i++) {
    const c = data[i]!;
    if (c !== 0x30 && c !== 0x31) return null;
    out[i] = c - 0x30;
  }
  return out;
}

/**
 * Random read data as one word array: the word points, then each double word as [low, high].
 * ASCII sends a double word as 8 hex characters, high word first.
 */
export function randomWordsFromData(data: Uint8Array, encoding: Encoding, wordPoints: number, dwordPoints: number): Uint16Array | null {
  const total = wordPoints + dwordPoints * 2;
  if (encoding === 'binary') {
    if (data.length !== total * 2) return null;
    return wordsFromData(data, 'binary', total); // little-endian dwords are already low word first
  }
  if (data.length !== (wordPoints + dwordPoints * 2) * 4) return null;
  const out = new Uint16Array(total);
  if (!hexWords(data, 0, wordPoints, out, 0)) return null;
  for (let i = 0; i < dwordPoints; i++) {
    const at = (wordPoints + i * 2) * 4;
    const o = wordPoints + i * 2;
    if (!hexWords(data, at, 1, out, o + 1) || !hexWords(data, at + 4, 1, out, o)) return null;
  }
  return out;
}

function hexWords(data: Uint8Array, at: number, count: number, out: Uint16Array, outAt: number): boolean {
  for (let i = 0; i < count; i++) {
    const j = at + i * 4;
    const a = HEX_VALUE[data[j]!]!;
    const b = HEX_VALUE[data[j + 1]!]!;
    const c = HEX_VALUE[data[j + 2]!]!;
    const d = HEX_VALUE[data[j + 3]!]!;
    if ((a | b | c | d) < 0) return false;
    out[outAt + i] = (a << 12) | (b << 8) | (c << 4) | d;
  }
  return true;
}
