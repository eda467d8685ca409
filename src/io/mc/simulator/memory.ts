import type { WordOrder } from '../../types.js';
import { parseMcAddress, type McAddress } from '../address.js';
import { DEVICES, FX3_LAST, type DeviceInfo, type McSeries } from '../devices.js';
import { decodeNumber, decodeString, encodeNumber, encodeString, type ByteOrder, type NumericType } from '../values.js';

/**
 * The simulated PLC's device memory: one array per device, words for word devices and one byte
 * per point for bit devices. Word-unit access to a bit device packs 16 points per word, first
 * point in bit 0, as a real CPU does. Sizes default to a Q CPU's factory settings.
 */
export const DEFAULT_DEVICE_SIZES: Readonly<Record<string, number>> = {
  D: 12288, W: 8192, R: 32768, ZR: 65536, SD: 2048, SW: 2048, TN: 2048, CN: 1024,
  M: 8192, L: 8192, F: 2048, V: 2048, B: 8192, SB: 2048, SM: 2048, X: 8192, Y: 8192, TS: 2048, CS: 1024,
};

export interface ValueOptions {
  readonly wordOrder?: WordOrder | undefined;
  readonly byteOrder?: ByteOrder | undefined;
  /** Words of a string. */
  readonly length?: number | undefined;
}

export class McMemory {
  private readonly words = new Map<string, Uint16Array>();
  private readonly bits = new Map<string, Uint8Array>();

  constructor(
    readonly series: McSeries = 'q',
    sizes: Readonly<Record<string, number>> = {},
  ) {
    for (const info of DEVICES.values()) {
      // An FX3 has the FX3U's devices (FX3_LAST); the others get a token size nobody reaches over 1E.
      const fx3 = FX3_LAST[info.name];
      const size = sizes[info.name] ?? (series === 'fx3' ? (fx3 === undefined ? 16 : fx3 + 1) : (DEFAULT_DEVICE_SIZES[info.name] ?? 1024));
      if (info.kind === 'word') this.words.set(info.name, new Uint16Array(size));
      else this.bits.set(info.name, new Uint8Array(size));
    }
  }

  /** Points (bit devices) or words (word devices) the device holds. */
  size(info: DeviceInfo): number {
    return (info.kind === 'word' ? this.words.get(info.name) : this.bits.get(info.name))?.length ?? 0;
  }

  /** True when `count` units from `head` exist (units: words, or 16-point words of a bit device). */
  fitsWords(info: DeviceInfo, head: number, count: number): boolean {
    const span = info.kind === 'word' ? count : count * 16;
    return head + span <= this.size(info);
  }

  fitsBits(info: DeviceInfo, head: number, count: number): boolean {
    return info.kind === 'bit' && head + count <= this.size(info);
  }

  /** Word-unit read from device number `head` (a point number for bit devices). Caller checks the range. */
  readWordUnits(info: DeviceInfo, head: number, count: number, out = new Uint16Array(count), at = 0): Uint16Array {
    const words = this.words.get(info.name);
    if (words) {
      out.set(words.subarray(head, head + count), at);
      return out;
    }
    const bits = this.bitArray(info);
    for (let k = 0; k < count; k++) {
      let word = 0;
      for (let j = 0; j < 16; j++) word |= (bits[head + k * 16 + j]! & 1) << j;
      out[at + k] = word;
    }
    return out;
  }

  writeWordUnits(info: DeviceInfo, head: number, values: ArrayLike<number>): void {
    const words = this.words.get(info.name);
    if (words) {
      for (let k = 0; k < values.length; k++) words[head + k] = values[k]!;
      return;
    }
    const bits = this.bitArray(info);
    for (let k = 0; k < values.length; k++) {
      for (let j = 0; j < 16; j++) bits[head + k * 16 + j] = (values[k]! >> j) & 1;
    }
  }

  readBitUnits(info: DeviceInfo, head: number, count: number): Uint8Array {
    return this.bitArray(info).slice(head, head + count);
  }

  writeBitUnits(info: DeviceInfo, head: number, values: ArrayLike<number>): void {
    const bits = this.bitArray(info);
    for (let k = 0; k < values.length; k++) bits[head + k] = values[k] ? 1 : 0;
  }

  // ---- Test API: addresses as text ("D100", "M8", "X1F", "D100.3") ----

  getWords(address: string, count: number): Uint16Array {
    const a = this.locate(address, count, 'word');
    return this.readWordUnits(a.info, a.number, count);
  }

  setWords(address: string, values: ArrayLike<number>): void {
    const a = this.locate(address, values.length, 'word');
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (!Number.isInteger(v) || v < -0x8000 || v > 0xffff) throw new RangeError(`a word holds -32768..65535, not ${v}`);
    }
    this.writeWordUnits(a.info, a.number, Array.from(values, (v) => v & 0xffff));
  }

  getWord(address: string): number {
    return this.getWords(address, 1)[0]!;
  }

  setWord(address: string, value: number): void {
    this.setWords(address, [value]);
  }

  getBit(address: string): boolean {
    const a = this.parse(address);
    if (a.kind === 'bit') return this.readBitUnits(a.info, this.check(a, 1, 'bit'), 1)[0] === 1;
    const word = this.readWordUnits(a.info, this.check(a, 1, 'word'), 1)[0]!;
    return ((word >> this.bitOf(a)) & 1) === 1;
  }

  setBit(address: string, on: boolean): void {
    const a = this.parse(address);
    if (a.kind === 'bit') return this.writeBitUnits(a.info, this.check(a, 1, 'bit'), [on ? 1 : 0]);
    const head = this.check(a, 1, 'word');
    const word = this.readWordUnits(a.info, head, 1)[0]!;
    const mask = 1 << this.bitOf(a);
    this.writeWordUnits(a.info, head, [on ? word | mask : word & ~mask & 0xffff]);
  }

  getValue(address: string, type: NumericType, options: ValueOptions = {}): number {
    return decodeNumber(this.getWords(address, wordsOfNumeric(type)), 0, type, options.wordOrder);
  }

  setValue(address: string, type: NumericType, value: number, options: ValueOptions = {}): void {
    const words = encodeNumber(value, type, options.wordOrder);
    const a = this.locate(address, words.length, 'word');
    this.writeWordUnits(a.info, a.number, words);
  }

  setInt16 = (address: string, value: number): void => this.setValue(address, 'int16', value);
  setInt32 = (address: string, value: number, wordOrder?: WordOrder): void => this.setValue(address, 'int32', value, { wordOrder });
  setUint32 = (address: string, value: number, wordOrder?: WordOrder): void => this.setValue(address, 'uint32', value, { wordOrder });
  setFloat32 = (address: string, value: number, wordOrder?: WordOrder): void => this.setValue(address, 'float32', value, { wordOrder });
  setFloat64 = (address: string, value: number, wordOrder?: WordOrder): void => this.setValue(address, 'float64', value, { wordOrder });
  setBcd16 = (address: string, value: number): void => this.setValue(address, 'bcd16', value);

  getString(address: string, length: number, byteOrder?: ByteOrder): string {
    return decodeString(this.getWords(address, length), 0, length, byteOrder);
  }

  setString(address: string, text: string, length: number, byteOrder?: ByteOrder): void {
    const a = this.locate(address, length, 'word');
    this.writeWordUnits(a.info, a.number, encodeString(text, length, byteOrder));
  }

  private parse(address: string): McAddress {
    return parseMcAddress(address, this.series);
  }

  /** Parse and range-check a word-unit access (a bit device's head need not be a multiple of 16 here). */
  private locate(address: string, count: number, unit: 'word'): McAddress {
    const a = this.parse(address);
    if (a.bit !== undefined) throw new RangeError(`"${address}": use setBit/getBit for a bit of a word`);
    this.check(a, count, unit);
    return a;
  }

  private check(a: McAddress, count: number, unit: 'word' | 'bit'): number {
    const fits = unit === 'word' ? this.fitsWords(a.info, a.number, count) : this.fitsBits(a.info, a.number, count);
    if (!fits) throw new RangeError(`${a.device}${a.number} + ${count} ${unit}s is beyond the simulated ${a.device} (size ${this.size(a.info)})`);
    return a.number;
  }

  private bitOf(a: McAddress): number {
    if (a.bit === undefined) throw new RangeError(`${a.device}${a.number} is a word: give a bit (.0-.F)`);
    return a.bit;
  }

  private bitArray(info: DeviceInfo): Uint8Array {
    const bits = this.bits.get(info.name);
    if (!bits) throw new RangeError(`${info.name} is not a bit device`);
    return bits;
  }
}

function wordsOfNumeric(type: NumericType): number {
  return type === 'float64' ? 4 : type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}
