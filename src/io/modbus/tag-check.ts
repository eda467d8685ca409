import { AddressError } from '../errors.js';
import { wordsOf, type DataType } from '../types.js';
import {
  MAX_OFFSET,
  formatModbusAddress,
  isRegisterTable,
  parseModbusAddress,
  type AddressBase,
  type ModbusAddress,
} from './address.js';
import { MAX_READ_REGISTERS } from './planner.js';

/**
 * Does this data type fit the table the address names? Checked at config time, so a float32 on a
 * coil is a config error with the tag's name on it, never a garbage value at 3 a.m.
 */

/** A tag resolved against its device: the parsed address plus how many registers/bits it spans. */
export interface ResolvedModbusTag {
  readonly address: ModbusAddress;
  /** Registers (register tables) or bits (coils, discrete inputs) one read must cover. */
  readonly span: number;
}

/**
 * Parse and check a tag's address against its type. Throws AddressError with the reason.
 * `length` is the string length in registers.
 */
export function resolveModbusTag(
  addressText: string,
  type: DataType,
  length: number | undefined,
  addressBase: AddressBase,
): ResolvedModbusTag {
  const address = parseModbusAddress(addressText, addressBase);
  const where = formatModbusAddress(address);
  if (!isRegisterTable(address.table)) {
    if (type !== 'bit') {
      throw new AddressError(addressText, `${where} is a ${address.table === 'coil' ? 'coil' : 'discrete input'} (one bit): only type "bit" can be read from it, not ${type}`);
    }
    return { address, span: 1 };
  }
  if (type === 'bit') {
    if (address.bit === null) {
      throw new AddressError(addressText, `a bit tag on a register needs the bit number, e.g. ${where}.0`);
    }
    return { address, span: 1 };
  }
  if (address.bit !== null) {
    throw new AddressError(addressText, `".${address.bit}" names one bit: use type "bit", or drop ".${address.bit}" for a ${type}`);
  }
  if (type === 'string' && (length === undefined || length < 1)) {
    throw new AddressError(addressText, 'a string tag needs length (registers)');
  }
  const span = wordsOf(type, length);
  if (span > MAX_READ_REGISTERS) {
    throw new AddressError(addressText, `a ${type} of ${span} registers exceeds the ${MAX_READ_REGISTERS} registers one Modbus read can return`);
  }
  if (address.offset + span - 1 > MAX_OFFSET) {
    throw new AddressError(addressText, `${type} at ${where} spans ${span} registers and runs past the last address ${MAX_OFFSET}`);
  }
  return { address, span };
}

/**
 * A single bit for the PLC handshake (trigger or ack): a coil, a discrete input, or a register bit.
 * Throws AddressError.
 */
export function resolveModbusBit(addressText: string, addressBase: AddressBase): ModbusAddress {
  const address = parseModbusAddress(addressText, addressBase);
  if (isRegisterTable(address.table) && address.bit === null) {
    throw new AddressError(addressText, `a register is 16 bits: name one bit, e.g. ${formatModbusAddress(address)}.0, or use a coil (C) or discrete input (DI)`);
  }
  return address;
}

/** Turn an AddressError (or anything thrown) into the one-line reason config checks report. */
export function reasonOf(err: unknown): string {
  if (err instanceof AddressError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
