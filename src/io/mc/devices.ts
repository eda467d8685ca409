/**
 * The MC (SLMP) device table: which letters name which PLC memory, the code that names it on
 * the wire, whether it holds words or bits, and how its numbers are written per PLC series.
 * Codes are from the SLMP reference (SH-080008) device code table.
 */

/**
 * PLC series: sets device numbering (fx, fx3: X/Y octal), the devices a PLC has and per-request
 * limits. fx is the FX5 (3E/4E); fx3 the FX3U/FX3UC/FX3G/FX3GE, reached over 1E frames only.
 */
export type McSeries = 'q' | 'iqr' | 'fx' | 'fx3';

/** Word devices hold 16-bit words (D100); bit devices hold single points (M100). */
export type DeviceKind = 'word' | 'bit';

export interface DeviceInfo {
  /** Canonical device letters, e.g. "D", "ZR". */
  readonly name: string;
  /** Binary device code (1 byte; iQ-R extended frames send it as 2 bytes). */
  readonly code: number;
  readonly kind: DeviceKind;
  /** How the engineering tool numbers the device on Q/L/iQ-R (X1F is hex, D100 decimal). */
  readonly radix: 10 | 16;
  /**
   * True when the device may be read in word units (16 points packed per word, first point in
   * bit 0) with batch read 0x0401/0000. Timer and counter contacts (TS, CS) are read in bit
   * units only: not every module accepts them in word units.
   */
  readonly wordAccess: boolean;
  readonly description: string;
}

function dev(
  name: string,
  code: number,
  kind: DeviceKind,
  radix: 10 | 16,
  description: string,
  wordAccess = true,
): DeviceInfo {
  return { name, code, kind, radix, wordAccess, description };
}

const TABLE: readonly DeviceInfo[] = [
  dev('D', 0xa8, 'word', 10, 'data register'),
  dev('W', 0xb4, 'word', 16, 'link register'),
  dev('R', 0xaf, 'word', 10, 'file register'),
  dev('ZR', 0xb0, 'word', 10, 'file register (serial numbers)'),
  dev('SD', 0xa9, 'word', 10, 'special register'),
  dev('SW', 0xb5, 'word', 16, 'link special register'),
  dev('TN', 0xc2, 'word', 10, 'timer current value'),
  dev('CN', 0xc5, 'word', 10, 'counter current value'),
  dev('M', 0x90, 'bit', 10, 'internal relay'),
  dev('L', 0x92, 'bit', 10, 'latch relay'),
  dev('F', 0x93, 'bit', 10, 'annunciator'),
  dev('V', 0x94, 'bit', 10, 'edge relay'),
  dev('B', 0xa0, 'bit', 16, 'link relay'),
  dev('SB', 0xa1, 'bit', 16, 'link special relay'),
  dev('SM', 0x91, 'bit', 10, 'special relay'),
  dev('S', 0x98, 'bit', 10, 'step relay (FX: state)'),
  dev('X', 0x9c, 'bit', 16, 'input'),
  dev('Y', 0x9d, 'bit', 16, 'output'),
  dev('TS', 0xc1, 'bit', 10, 'timer contact', false),
  dev('CS', 0xc4, 'bit', 10, 'counter contact', false),
];

export const DEVICES: ReadonlyMap<string, DeviceInfo> = new Map(TABLE.map((d) => [d.name, d]));

const BY_CODE: ReadonlyMap<number, DeviceInfo> = new Map(TABLE.map((d) => [d.code, d]));

export function deviceByCode(code: number): DeviceInfo | undefined {
  return BY_CODE.get(code);
}

/**
 * Radix of device numbers for a series. FX3U/FX5 tools number X and Y in octal (X0-X7, X10...);
 * Q/L/iQ-R number them in hex. Everything else follows the device table.
 */
export function radixOf(device: DeviceInfo, series: McSeries): 8 | 10 | 16 {
  if ((series === 'fx' || series === 'fx3') && (device.name === 'X' || device.name === 'Y')) return 8;
  return device.radix;
}

/**
 * ASCII device code: the letters padded with "*" to 2 characters ("D*", "ZR"), or 4 in the
 * iQ-R extended format ("D***", "ZR**").
 */
export function asciiCodeOf(device: DeviceInfo, extended: boolean): string {
  return device.name.padEnd(extended ? 4 : 2, '*');
}

/** Look a device up by its ASCII code ("D*", "D***", "SM"); undefined when unknown. */
export function deviceByAsciiCode(text: string): DeviceInfo | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2a /* '*' */) end--;
  return DEVICES.get(text.slice(0, end).toUpperCase());
}

/**
 * Largest device number the request frame can carry: 3 bytes (binary) / 6 digits (ASCII) in the
 * Q format, 4 bytes / 8 digits in the iQ-R extended format. ASCII digits use the device's radix.
 */
export function maxDeviceNumber(device: DeviceInfo, series: McSeries): number {
  if (series === 'fx3') return FX3_LAST[device.name] ?? -1;
  const extended = series === 'iqr';
  const binaryMax = extended ? 0xffff_ffff : 0xff_ffff;
  const asciiMax = radixOf(device, series) ** (extended ? 8 : 6) - 1;
  return Math.min(binaryMax, asciiMax);
}

/**
 * The devices of an FX3U/FX3UC and their last numbers (FX3U-ENET User's Manual, 1E "device
 * list"): D0-D8511 (D8000 up are special registers), R0-R32767, T0-T511, C0-C199 (C200-C255 are
 * 32-bit and left out), X/Y0-377 octal, M0-M8511 (M7680-M7999 do not exist), S0-S4095. A device
 * missing here does not exist on an FX3 (-1 from maxDeviceNumber).
 */
export const FX3_LAST: Readonly<Record<string, number>> = {
  D: 8511, R: 32767, TN: 511, TS: 511, CN: 199, CS: 199, X: 0o377, Y: 0o377, M: 8511, S: 4095,
};
