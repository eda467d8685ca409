import { AddressError } from '../errors.js';
import { DEVICES, FX3_LAST, asciiCodeOf, maxDeviceNumber, radixOf, type DeviceInfo, type DeviceKind, type McSeries } from './devices.js';

/** A parsed MC device address: "D100", "X1F", "M8000", "D100.3" (bit 3 of D100). */
export interface McAddress {
  /** Canonical device letters ("D", "ZR"). */
  readonly device: string;
  readonly info: DeviceInfo;
  /** Binary device code. */
  readonly code: number;
  /** ASCII device code in the Q format ("D*"); the iQ-R 4-character form is derived when encoding. */
  readonly asciiCode: string;
  /** Point index on the wire (X17 on fx = 15; X1F on q = 31). */
  readonly number: number;
  /** Bit of a word device, 0-15 ("D100.A" = bit 10). */
  readonly bit?: number | undefined;
  /** Kind of the device itself; D100.3 is a 'word' device address with a bit. */
  readonly kind: DeviceKind;
}

const DIGITS: Record<8 | 10 | 16, RegExp> = {
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9A-F]+$/,
};
const RADIX_NAME: Record<8 | 10 | 16, string> = { 8: 'octal', 10: 'decimal', 16: 'hexadecimal' };

/**
 * Parse an address for a PLC series. Case-insensitive, surrounding blanks ignored.
 * Device letters are matched longest first ("SB1" is SB, not S), then the number is read in the
 * device's radix for the series, then an optional ".n" bit (hex digit 0-F) for word devices.
 * Throws AddressError naming what is wrong.
 */
export function parseMcAddress(text: string, series: McSeries): McAddress {
  const source = text.trim().toUpperCase();
  const info = DEVICES.get(source.slice(0, 2)) ?? DEVICES.get(source.slice(0, 1));
  if (!info) throw new AddressError(text, `unknown device "${leadingLetters(source)}" (known: ${[...DEVICES.keys()].join(', ')})`);
  if (series === 'fx3' && FX3_LAST[info.name] === undefined) {
    throw new AddressError(text, `an FX3 has no ${info.name} device over 1E (known: ${Object.keys(FX3_LAST).join(', ')})`);
  }
  const rest = source.slice(info.name.length);
  const dot = rest.indexOf('.');
  const numberText = dot < 0 ? rest : rest.slice(0, dot);
  const bitText = dot < 0 ? undefined : rest.slice(dot + 1);
  const radix = radixOf(info, series);
  if (numberText === '') throw new AddressError(text, `missing device number after "${info.name}"`);
  if (!DIGITS[radix].test(numberText)) {
    throw new AddressError(text, `${info.name} numbers are ${RADIX_NAME[radix]} on series ${series}: "${numberText}" is not`);
  }
  const number = Number.parseInt(numberText, radix);
  const max = maxDeviceNumber(info, series);
  if (number > max) {
    if (series === 'fx3') throw new AddressError(text, `${info.name}${numberText} is beyond the last ${info.name} of an FX3U (${info.name}${max.toString(radix).toUpperCase()})`);
    throw new AddressError(text, `device number ${numberText} is beyond what a request can carry (${max.toString(radix).toUpperCase()})`);
  }
  if (series === 'fx3' && info.name === 'M' && number >= 7680 && number < 8000) {
    throw new AddressError(text, 'M7680-M7999 do not exist on an FX3 (M8000 up are the special relays)');
  }
  let bit: number | undefined;
  if (bitText !== undefined) {
    if (info.kind === 'bit') throw new AddressError(text, `${info.name} is a bit device; ".n" is only for bits of word devices (e.g. D100.3)`);
    if (!/^[0-9A-F]$/.test(bitText)) throw new AddressError(text, `bit number must be one hex digit 0-F, got "${bitText}"`);
    bit = Number.parseInt(bitText, 16);
  }
  return { device: info.name, info, code: info.code, asciiCode: asciiCodeOf(info, false), number, bit, kind: info.kind };
}

/** Canonical text of an address ("X1F", "D100.A"), used in request labels and errors. */
export function formatMcAddress(address: Pick<McAddress, 'info' | 'number' | 'bit'>, series: McSeries): string {
  const digits = address.number.toString(radixOf(address.info, series)).toUpperCase();
  const bit = address.bit === undefined ? '' : `.${address.bit.toString(16).toUpperCase()}`;
  return `${address.info.name}${digits}${bit}`;
}

/** The address `count` points further on (same device), for labels and range checks. */
export function offsetAddress(address: McAddress, count: number): McAddress {
  return { ...address, number: address.number + count, bit: undefined };
}

function leadingLetters(text: string): string {
  const m = /^[A-Z]*/.exec(text);
  return m?.[0] || text.slice(0, 2);
}
