import { CommError } from '../errors.js';
import { ModbusExceptionError, ModbusProtocolError, type ModbusRequestInfo } from './exceptions.js';

/**
 * modbus-serial rejects with loosely shaped values: an Error with `modbusCode` for an exception
 * reply, plain objects (not Error instances) with `errno` 'ETIMEDOUT' for its own timeout and
 * 'ECONNREFUSED' for "Port Not Open", and plain Errors whose message starts with "Data length
 * error", "Unexpected data error" or "CRC error" for a reply that does not fit the request.
 * Map each to our typed errors, so nothing untyped leaves the Modbus client.
 */

interface LooseError {
  readonly modbusCode?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
}

const BAD_REPLY = /^(Data length error|Unexpected data error|CRC error)/;

export function mapClientError(err: unknown, req: ModbusRequestInfo, where: string): Error {
  if (err instanceof ModbusProtocolError || err instanceof CommError) return err;
  const loose: LooseError = typeof err === 'object' && err !== null ? (err as LooseError) : {};
  const message = typeof loose.message === 'string' ? loose.message : String(err);
  if (typeof loose.modbusCode === 'number') return new ModbusExceptionError(loose.modbusCode, req, { cause: err });
  if (loose.errno === 'ETIMEDOUT') {
    return new CommError('TIMEOUT', `no reply from ${where} (modbus-serial timeout)`, { cause: err });
  }
  if (loose.errno === 'ECONNREFUSED') {
    return new CommError('CONNECTION_CLOSED', `connection to ${where} is not open: ${message}`, { cause: err });
  }
  if (BAD_REPLY.test(message)) return new ModbusProtocolError(message, req, { cause: err });
  return new CommError('MODBUS_IO', `request to ${where} failed: ${message}`, { cause: err });
}
