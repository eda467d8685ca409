import { AddressError } from '../errors.js';

/**
 * Modbus tag addresses.
 *
 * Two spellings are accepted:
 * - Prefix form: `HR100`, `IR5`, `C10`, `DI3` (holding register, input register, coil, discrete
 *   input). The number is the protocol address (zero-based, what goes on the wire) unless the
 *   device says `addressBase: 1`, in which case `HR1` is the first register, as many device
 *   manuals number them.
 * - Modicon form: `40101` = HR100, `30001` = IR0, `10001` = DI0, `00001` (or just `1`) = C0, and
 *   the 6-digit form `400101` for registers above 9999. The Modicon form is one-based by
 *   definition, so `addressBase` does not apply to it.
 *
 * A register address may end in `.n` (n = 0..15, 0 = least significant bit) to name one bit of
 * that register: `HR100.3`, `40101.3`.
 */

export const MODBUS_TABLES = ['coil', 'discrete', 'holding', 'input'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];

export interface ModbusAddress {
  readonly table: ModbusTable;
  /** Zero-based protocol address, 0..65535. */
  readonly offset: number;
  /** Bit of a register (0..15), or null. Always null for coils and discrete inputs. */
  readonly bit: number | null;
}

export type AddressBase = 0 | 1;

/** The highest protocol address: the PDU carries addresses as 16-bit numbers. */
export const MAX_OFFSET = 0xffff;

const PREFIX: Readonly<Record<string, ModbusTable>> = {
  HR: 'holding',
  IR: 'input',
  C: 'coil',
  DI: 'discrete',
};

const SHORT: Readonly<Record<ModbusTable, string>> = {
  holding: 'HR',
  input: 'IR',
  coil: 'C',
  discrete: 'DI',
};

/** Leading digit of the Modicon form. 2 and 5..9 name nothing. */
const MODICON_TABLE: Readonly<Record<string, ModbusTable>> = {
  '0': 'coil',
  '1': 'discrete',
  '3': 'input',
  '4': 'holding',
};

const PREFIX_FORM = /^(HR|IR|DI|C)(\d{1,6})(?:\.(\d{1,2}))?$/;
const MODICON_FORM = /^(\d{1,6})(?:\.(\d{1,2}))?$/;

export function isRegisterTable(table: ModbusTable): boolean {
  return table === 'holding' || table === 'input';
}

/** Parse a tag address. Throws AddressError with the reason. */
export function parseModbusAddress(text: string, addressBase: AddressBase = 0): ModbusAddress {
  const src = text.trim().toUpperCase();
  const prefixed = PREFIX_FORM.exec(src);
  if (prefixed) {
    const table = PREFIX[prefixed[1]!]!;
    const number = Number(prefixed[2]);
    if (addressBase === 1 && number === 0) {
      throw new AddressError(text, `the device numbers addresses from 1 (addressBase: 1), so ${prefixed[1]}0 does not exist`);
    }
    return finish(text, table, number - addressBase, prefixed[3]);
  }
  const modicon = MODICON_FORM.exec(src);
  if (modicon) return parseModicon(text, modicon[1]!, modicon[2]);
  throw new AddressError(
    text,
    'expected HR<n>, IR<n>, C<n> or DI<n> (e.g. HR100, HR100.3), or a Modicon number (e.g. 40101, 400101, 00001)',
  );
}

function parseModicon(text: string, digits: string, bit: string | undefined): ModbusAddress {
  // 1 to 4 digits: a bare coil number ("1" = C0), the way Modicon lists write 00001 without zeros.
  if (digits.length <= 4) {
    return finish(text, 'coil', oneBased(text, Number(digits), 9999), bit);
  }
  const table = MODICON_TABLE[digits[0]!];
  if (!table) {
    throw new AddressError(text, `Modicon numbers start with 0 (coil), 1 (discrete input), 3 (input register) or 4 (holding register), not ${digits[0]}`);
  }
  // 5 digits reach register 9999; the 6-digit form reaches 65536.
  const max = digits.length === 5 ? 9999 : MAX_OFFSET + 1;
  return finish(text, table, oneBased(text, Number(digits.slice(1)), max), bit);
}

function oneBased(text: string, number: number, max: number): number {
  if (number < 1 || number > max) {
    throw new AddressError(text, `Modicon register number must be 1..${max} (it is one-based), got ${number}`);
  }
  return number - 1;
}

function finish(text: string, table: ModbusTable, offset: number, bitText: string | undefined): ModbusAddress {
  if (offset < 0 || offset > MAX_OFFSET) {
    throw new AddressError(text, `address out of range: protocol address must be 0-${MAX_OFFSET}, got ${offset}`);
  }
  if (bitText === undefined) return { table, offset, bit: null };
  if (!isRegisterTable(table)) {
    throw new AddressError(text, 'a coil or discrete input is already a single bit: ".n" is only for registers (HR, IR)');
  }
  const bit = Number(bitText);
  if (bit > 15) throw new AddressError(text, `bit of a register must be 0..15, got ${bit}`);
  return { table, offset, bit };
}

/** Canonical zero-based spelling, for logs and error messages ("HR100.3"). */
export function formatModbusAddress(address: ModbusAddress): string {
  const base = `${SHORT[address.table]}${address.offset}`;
  return address.bit === null ? base : `${base}.${address.bit}`;
}
