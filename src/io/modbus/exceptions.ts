import { DeviceError } from '../errors.js';

/**
 * Modbus exception responses as typed errors. The device answered, so the connection is fine and
 * the device status becomes ERROR, not OFFLINE. Names follow the Modbus Application Protocol
 * v1.1b3, section 7 (MODBUS Exception Codes); older manuals say SLAVE where it says SERVER, and
 * list 07 NEGATIVE ACKNOWLEDGE, which some devices still send.
 */

export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'ILLEGAL FUNCTION',
  2: 'ILLEGAL DATA ADDRESS',
  3: 'ILLEGAL DATA VALUE',
  4: 'SERVER DEVICE FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER DEVICE BUSY',
  7: 'NEGATIVE ACKNOWLEDGE',
  8: 'MEMORY PARITY ERROR',
  10: 'GATEWAY PATH UNAVAILABLE',
  11: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

/** Exception codes the simulator and tests use by name. */
export const ExceptionCode = {
  ILLEGAL_FUNCTION: 1,
  ILLEGAL_DATA_ADDRESS: 2,
  ILLEGAL_DATA_VALUE: 3,
  SERVER_DEVICE_FAILURE: 4,
  ACKNOWLEDGE: 5,
  SERVER_DEVICE_BUSY: 6,
  GATEWAY_PATH_UNAVAILABLE: 10,
  GATEWAY_TARGET_FAILED: 11,
} as const;

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? 'UNKNOWN EXCEPTION';
}

/** What we asked when it failed, so the error says which read a device refused. */
export interface ModbusRequestInfo {
  readonly unitId: number;
  readonly functionCode: number;
  /** Zero-based protocol address and quantity (registers or bits). */
  readonly address: number;
  readonly quantity: number;
}

function describeRequest(req: ModbusRequestInfo): string {
  return `FC${String(req.functionCode).padStart(2, '0')} unit ${req.unitId} address ${req.address} quantity ${req.quantity}`;
}

/** `code` is always MODBUS_EXCEPTION (one mapping for all); `exceptionCode` and `exceptionName` say which. */
export class ModbusExceptionError extends DeviceError {
  readonly exceptionCode: number;
  readonly exceptionName: string;
  readonly request: ModbusRequestInfo;
  constructor(exceptionCode: number, request: ModbusRequestInfo, options?: { cause?: unknown }) {
    const name = exceptionName(exceptionCode);
    super('MODBUS_EXCEPTION', `exception ${exceptionCode} ${name} (${describeRequest(request)})`, {
      ...options,
      // 02: the addresses do not exist; 03: the quantity is not allowed there (spec 7, and the
      // request diagrams of 6.1-6.4). Both refuse what was asked, not the device.
      addressRefused: exceptionCode === ExceptionCode.ILLEGAL_DATA_ADDRESS || exceptionCode === ExceptionCode.ILLEGAL_DATA_VALUE,
      answer: `exception ${exceptionCode} ${name}`,
    });
    this.name = 'ModbusExceptionError';
    this.exceptionCode = exceptionCode;
    this.exceptionName = name;
    this.request = request;
  }
}

/**
 * The device answered with something that is not a valid reply to our request (wrong unit id,
 * function code or length). A device fault, so ERROR; the client also drops the session, since
 * after a malformed reply we no longer trust where the next reply starts.
 */
export class ModbusProtocolError extends DeviceError {
  readonly request: ModbusRequestInfo;
  constructor(detail: string, request: ModbusRequestInfo, options?: { cause?: unknown }) {
    super('MODBUS_BAD_REPLY', `bad reply: ${detail} (${describeRequest(request)})`, options);
    this.name = 'ModbusProtocolError';
    this.request = request;
  }
}
