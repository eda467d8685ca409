import { DeviceError } from '../../errors.js';

/**
 * End codes a PLC answers instead of data. Names for the ones a collector meets in practice
 * (SLMP reference, "end codes"); the rest are reported by number. The exact split of
 * C051-C054 between bit/word and batch/random varies a little between series, so all four
 * share one name.
 */
export interface EndCodeInfo {
  readonly name: string;
  readonly description: string;
}

const KNOWN: ReadonlyMap<number, EndCodeInfo> = new Map([
  [0xc050, { name: 'BAD_ASCII_DATA', description: 'ASCII data that cannot be converted to binary' }],
  [0xc051, { name: 'TOO_MANY_POINTS', description: 'too many points: bit units, batch read/write' }],
  [0xc052, { name: 'TOO_MANY_POINTS', description: 'too many points: word units, batch read/write' }],
  [0xc053, { name: 'TOO_MANY_POINTS', description: 'too many points: bit units, random read/write' }],
  [0xc054, { name: 'TOO_MANY_POINTS', description: 'too many points: word units, random read/write' }],
  [0xc056, { name: 'ADDRESS_OUT_OF_RANGE', description: 'address out of range: beyond the last device number' }],
  [0xc059, { name: 'UNSUPPORTED_COMMAND', description: 'command or subcommand not supported by this module' }],
  [0xc05b, { name: 'DEVICE_NOT_ACCESSIBLE', description: 'the CPU cannot read or write the specified device' }],
  [0xc05c, { name: 'WRONG_REQUEST_CONTENT', description: 'wrong request content: device, unit or values' }],
  [0xc05e, { name: 'MONITORING_TIMER_EXPIRED', description: 'monitoring timer expired: the route to the target station timed out' }],
  [0xc061, { name: 'LENGTH_MISMATCH', description: 'request data length does not match the content' }],
  [0x4030, { name: 'DEVICE_REJECTED', description: 'the CPU rejected the specified device' }],
  [0x4031, { name: 'DEVICE_RANGE', description: 'the specified range is outside the device range the CPU has allocated' }],
]);

/**
 * End codes that refuse the devices or the size asked for rather than the module or the route:
 * a smaller read, or one without the offending tag, can succeed (SLMP reference end codes;
 * Panasonic FP7 MC manual, "exit codes": 4031 start + points beyond the range, C056 start out of
 * range, C05B device code out of range). C051-C054 (too many points) are here too: a module whose
 * limits are below the planner's takes the halves.
 */
const ADDRESS_CLASS: ReadonlySet<number> = new Set([0xc050, 0xc051, 0xc052, 0xc053, 0xc054, 0xc056, 0xc05b, 0xc061, 0x4030, 0x4031]);

export function isAddressClassEndCode(endCode: number): boolean {
  return ADDRESS_CLASS.has(endCode);
}

export function endCodeInfo(endCode: number): EndCodeInfo {
  return KNOWN.get(endCode) ?? { name: 'END_CODE', description: `PLC end code ${hex4(endCode)}` };
}

export function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** The PLC answered a request with a non-zero end code. The connection is fine; the request is not. */
export class McEndCodeError extends DeviceError {
  readonly endCode: number;
  readonly endCodeName: string;
  readonly description: string;
  /** What was asked, e.g. "batch read words D100-D199". */
  readonly request: string;
  constructor(endCode: number, request: string) {
    const info = endCodeInfo(endCode);
    super('MC_END_CODE', `PLC answered ${hex4(endCode)} ${info.name} (${info.description}) to ${request}`, {
      addressRefused: isAddressClassEndCode(endCode),
      answer: `${hex4(endCode)} ${info.name}`,
    });
    this.name = 'McEndCodeError';
    this.endCode = endCode;
    this.endCodeName = info.name;
    this.description = info.description;
    this.request = request;
  }
}
