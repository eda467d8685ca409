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
]);

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
    super('MC_END_CODE', `PLC answered ${hex4(endCode)} ${info.name} (${info.description}) to ${request}`);
    this.name = 'McEndCodeError';
    this.endCode = endCode;
    this.endCodeName = info.name;
    this.description = info.description;
    this.request = request;
  }
}
