import { AddressError } from '../errors.js';
import { wordsOf, type DataType } from '../types.js';
import { formatMcAddress, parseMcAddress, type McAddress } from './address.js';
import type { Encoding } from './codec/wire.js';
import { maxDeviceNumber, type DeviceInfo, type McSeries } from './devices.js';
import { limitsFor, wordLimit } from './limits.js';

/**
 * Where a tag lives, in the units the planner reads:
 * - `words`: a run of words. For a word device the index is the device number; for a bit device
 *   read in word units it is the number / 16 (16 points packed per word, first point in bit 0).
 * - `bits`: single points of a bit device that is read in bit units only (TS, CS).
 *
 * Rules (documented choices):
 * - type `bit`: a bit device (M10, X1F) or a bit of a word device (D100.3). A word device without
 *   ".n" is refused: reading "a bit" of D100 is ambiguous.
 * - numeric types on a word device: the value's words from the address (int32 = 2 words).
 * - numeric types on a bit device: 16 points per word, like "K4M0" in GX Works; the address must
 *   be a multiple of 16 (M0, M16, X10 on q) so the words line up with the PLC's own word access.
 *   Devices read in bit units only (TS, CS) take type `bit` only.
 * - `string` needs a word device: characters are bytes of words.
 */
export type TagLayout =
  | { readonly space: 'words'; readonly address: McAddress; readonly start: number; readonly words: number; readonly bit: number | undefined }
  | { readonly space: 'bits'; readonly address: McAddress; readonly start: number };

export interface TagShape {
  readonly address: string;
  readonly type: DataType;
  readonly length?: number | undefined;
}

/** Resolve a tag's layout for a series; throws AddressError when the tag cannot be read so. */
export function layoutOf(tag: TagShape, series: McSeries, encoding: Encoding): TagLayout {
  const address = parseMcAddress(tag.address, series);
  const info = address.info;
  if (tag.type === 'bit') {
    if (info.kind === 'word') {
      if (address.bit === undefined) {
        throw new AddressError(tag.address, `type bit on word device ${info.name} needs a bit number, e.g. ${info.name}${address.number}.0`);
      }
      return { space: 'words', address, start: address.number, words: 1, bit: address.bit };
    }
    if (!info.wordAccess) return { space: 'bits', address, start: address.number };
    return { space: 'words', address, start: Math.floor(address.number / 16), words: 1, bit: address.number % 16 };
  }
  if (address.bit !== undefined) throw new AddressError(tag.address, `a bit number (".n") is only for type bit, not ${tag.type}`);
  const words = wordsOf(tag.type, tag.length ?? 1);
  const limit = wordLimit(limitsFor(series, encoding), info.kind);
  if (words > limit) throw new AddressError(tag.address, `${words} words do not fit one request (${limit} words on ${series} ${encoding})`);
  if (info.kind === 'word') {
    checkEnd(tag.address, info, address.number + words - 1, series);
    return { space: 'words', address, start: address.number, words, bit: undefined };
  }
  if (tag.type === 'string') throw new AddressError(tag.address, `a string needs a word device (D, W, R...), not bit device ${info.name}`);
  if (!info.wordAccess) throw new AddressError(tag.address, `${info.name} (${info.description}) is read in bit units only: use type bit`);
  if (address.number % 16 !== 0) {
    const below = formatMcAddress({ info, number: address.number - (address.number % 16), bit: undefined }, series);
    throw new AddressError(tag.address, `a ${tag.type} on bit device ${info.name} reads 16 points per word and must start at a multiple of 16 (e.g. ${below})`);
  }
  checkEnd(tag.address, info, address.number + words * 16 - 1, series);
  return { space: 'words', address, start: address.number / 16, words, bit: undefined };
}

function checkEnd(text: string, info: DeviceInfo, last: number, series: McSeries): void {
  if (last > maxDeviceNumber(info, series)) throw new AddressError(text, `the value runs past the last addressable ${info.name} number`);
}

/** Config check for a tag: null when readable, else the reason. */
export function checkMcTag(tag: TagShape, series: McSeries, encoding: Encoding): string | null {
  try {
    layoutOf(tag, series, encoding);
    return null;
  } catch (err) {
    if (err instanceof AddressError) return err.message;
    throw err;
  }
}

/**
 * Config check for a handshake trigger or ack bit: a bit device only. A bit of a word (D100.3)
 * is refused because writing it (the ack) would need a read-modify-write of the whole word,
 * which can overwrite bits the PLC changed in between.
 */
export function checkMcBit(text: string, series: McSeries): string | null {
  try {
    const address = parseMcAddress(text, series);
    if (address.info.kind !== 'bit') {
      return `bad address "${text}": a handshake bit must be a bit device (M, B, X, Y, L...), not a word or a bit of a word`;
    }
    return null;
  } catch (err) {
    if (err instanceof AddressError) return err.message;
    throw err;
  }
}
