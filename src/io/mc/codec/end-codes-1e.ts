import { DeviceError } from '../../errors.js';
import type { EndCodeInfo } from './end-codes.js';

/**
 * 1E complete codes by name (FX3U-ENET-ADP User's Manual 9.3.2 "End codes (completion codes)
 * returned to an external device"): 00H normal, 50H-60H abnormal. With 5BH the adapter adds an
 * abnormal code (10H-18H, manual 7.3 item 8); the ones named here follow the FX computer link's
 * table of the same numbers (FX Data Communication manual 8.5: 10H PC number error, 18H remote
 * error); the rest are reported by number.
 */
const COMPLETE: ReadonlyMap<number, EndCodeInfo> = new Map([
  [0x50, { name: 'UNSUPPORTED_COMMAND', description: 'command (subheader) not one of 00H-05H, 13H-16H' }],
  [0x54, { name: 'BAD_ASCII_DATA', description: 'ASCII data that cannot be converted to binary' }],
  [0x56, { name: 'WRONG_DEVICE', description: 'wrong device designation, too many points, or head + points past the last device' }],
  [0x57, { name: 'WRONG_REQUEST_CONTENT', description: 'command length or data count does not match the points, or an odd count on C200-C255' }],
  [0x58, { name: 'ADDRESS_OUT_OF_RANGE', description: 'head device outside the range, a word device in a bit command, or a bit device head not a multiple of 16 in a word command' }],
  [0x5b, { name: 'PLC_ERROR', description: 'the PLC cannot process the request (abnormal code follows)' }],
  [0x60, { name: 'MONITORING_TIMER_EXPIRED', description: 'the PLC did not answer the adapter within the monitoring timer' }],
]);

const ABNORMAL: ReadonlyMap<number, string> = new Map([
  [0x10, 'PC number error (the PC number is not FFH)'],
  [0x18, 'remote error (remote RUN/STOP not allowed)'],
]);

export function completeCodeInfo(code: number, abnormal: number | null): EndCodeInfo {
  const known = COMPLETE.get(code) ?? { name: 'COMPLETE_CODE', description: `1E complete code ${hex2(code)}` };
  if (abnormal === null) return known;
  const detail = ABNORMAL.get(abnormal) ?? `abnormal code ${hex2(abnormal)}`;
  return { name: known.name, description: `${known.description}: ${detail}` };
}

export function hex2(value: number): string {
  return `${value.toString(16).toUpperCase().padStart(2, '0')}H`;
}

/** A 1E request answered with a complete code other than 00H. The connection is fine; the request is not. */
export class Mc1eEndCodeError extends DeviceError {
  /** The complete code (e.g. 0x58); named `endCode` like McEndCodeError's so callers treat both alike. */
  readonly endCode: number;
  readonly abnormalCode: number | null;
  readonly endCodeName: string;
  readonly description: string;
  readonly request: string;
  constructor(completeCode: number, abnormalCode: number | null, request: string) {
    const info = completeCodeInfo(completeCode, abnormalCode);
    const code = abnormalCode === null ? hex2(completeCode) : `${hex2(completeCode)}/${hex2(abnormalCode)}`;
    super('MC_END_CODE', `PLC answered ${code} ${info.name} (${info.description}) to ${request}`);
    this.name = 'Mc1eEndCodeError';
    this.endCode = completeCode;
    this.abnormalCode = abnormalCode;
    this.endCodeName = info.name;
    this.description = info.description;
    this.request = request;
  }
}
