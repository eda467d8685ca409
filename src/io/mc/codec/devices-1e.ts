import { DEVICES, FX3_LAST, type DeviceInfo } from '../devices.js';

/**
 * The FX3 device table for 1E frames: device codes are the device letters in ASCII, padded with
 * a space (D = 44H 20H, TN = 54H 4EH), sent as one 16-bit field; device numbers are sent as plain
 * numbers (X/Y are numbered in octal by the engineering tool, X20 = 10H on the wire). Ranges
 * are in devices.ts (FX3_LAST).
 */
export interface Fx3Device {
  readonly info: DeviceInfo;
  /** 1E device code, e.g. 0x4420 for D. */
  readonly code: number;
}

function fx3(name: string, code: number): Fx3Device {
  const info = DEVICES.get(name);
  if (!info || FX3_LAST[name] === undefined) throw new Error(`device ${name} missing from the MC device tables`);
  return { info, code };
}

const TABLE: readonly Fx3Device[] = [
  // D0-D7999 and the special registers D8000-D8511 are contiguous numbers (1F3FH, 1F40H).
  fx3('D', 0x4420),
  fx3('R', 0x5220),
  fx3('TN', 0x544e),
  fx3('TS', 0x5453),
  // C200-C255 are 32-bit counters: one point is two words on the wire (FX3_LAST stops at 199).
  fx3('CN', 0x434e),
  fx3('CS', 0x4353),
  fx3('X', 0x5820),
  fx3('Y', 0x5920),
  // M0-M7679 and the special relays M8000-M8511; M7680-M7999 do not exist (see planner banks).
  fx3('M', 0x4d20),
  fx3('S', 0x5320),
];

export const FX3_DEVICES: ReadonlyMap<string, Fx3Device> = new Map(TABLE.map((d) => [d.info.name, d]));
const BY_CODE: ReadonlyMap<number, Fx3Device> = new Map(TABLE.map((d) => [d.code, d]));

export function fx3DeviceByCode(code: number): Fx3Device | undefined {
  return BY_CODE.get(code);
}

/** First number of the M special relays: M7680-M7999 do not exist, so no read may span the gap. */
export const FX3_SPECIAL_M = 8000;
export const FX3_M_GAP_FIRST = 7680;
