import { wordsOf, type DataType } from '../../types.js';
import { parseModbusAddress, isRegisterTable, type ModbusAddress, type ModbusTable } from '../address.js';
import { decodeNumber, decodeString, TYPE_CODE } from '../decode.js';
import { encodeNumber, encodeString, registersToBytes, type Layout } from '../encode.js';

/**
 * The simulated device's memory: the four Modbus tables, 65,536 entries each, as typed arrays
 * (registers as Uint16, bits as one byte each: simple, and 64 KB per bit table is nothing).
 *
 * The typed helpers take zero-based tag addresses ("HR100", "C5", "HR7.3") and go through the
 * same encoders the tests use, so a test says `memory.set('HR10', 'float32', 1.5)` and never
 * builds register words by hand.
 */

export type NumericType = Exclude<DataType, 'string'>;

const SIZE = 0x10000;

export class ModbusMemory {
  readonly coils = new Uint8Array(SIZE);
  readonly discrete = new Uint8Array(SIZE);
  readonly holding = new Uint16Array(SIZE);
  readonly input = new Uint16Array(SIZE);

  /** The raw table: Uint16Array for registers, Uint8Array (0/1) for bits. */
  table(table: ModbusTable): Uint16Array | Uint8Array {
    switch (table) {
      case 'coil':
        return this.coils;
      case 'discrete':
        return this.discrete;
      case 'holding':
        return this.holding;
      case 'input':
        return this.input;
    }
  }

  /** Write a number at a tag address (bit types on C/DI or HRn.b/IRn.b). */
  set(address: string, type: NumericType, value: number, layout: Layout = {}): void {
    const at = parseModbusAddress(address);
    if (at.table === 'coil' || at.table === 'discrete' || type === 'bit') {
      this.setBit(at, value !== 0);
      return;
    }
    this.setRegisters(at.table, at.offset, encodeNumber(type, value, layout));
  }

  /** Read a number at a tag address, decoded the way the collector decodes it. */
  get(address: string, type: NumericType, layout: Layout = {}): number {
    const at = parseModbusAddress(address);
    if (!isRegisterTable(at.table) || type === 'bit') return this.getBit(at) ? 1 : 0;
    const bytes = this.registerBytes(at.table, at.offset, wordsOf(type));
    return decodeNumber(TYPE_CODE[type], bytes, 0, layout.wordOrder ?? 'high', layout.byteOrder ?? 'big');
  }

  setString(address: string, text: string, length: number, byteOrder: Layout['byteOrder'] = 'big'): void {
    const at = registerAddress(address);
    this.setRegisters(at.table, at.offset, encodeString(text, length, byteOrder));
  }

  getString(address: string, length: number, byteOrder: Layout['byteOrder'] = 'big'): string {
    const at = registerAddress(address);
    return decodeString(this.registerBytes(at.table, at.offset, length), 0, length, byteOrder ?? 'big');
  }

  setRegisters(table: 'holding' | 'input', offset: number, words: readonly number[]): void {
    if (offset + words.length > SIZE) throw new RangeError(`${words.length} registers at ${offset} run past ${SIZE - 1}`);
    this.table(table).set(words, offset);
  }

  /** A coil, a discrete input, or one bit of a register. */
  setBit(at: ModbusAddress, value: boolean): void {
    if (isRegisterTable(at.table)) {
      const regs = this.table(at.table);
      const mask = 1 << (at.bit ?? 0);
      regs[at.offset] = value ? regs[at.offset]! | mask : regs[at.offset]! & ~mask;
    } else {
      this.table(at.table)[at.offset] = value ? 1 : 0;
    }
  }

  getBit(at: ModbusAddress): boolean {
    const word = this.table(at.table)[at.offset]!;
    return isRegisterTable(at.table) ? ((word >> (at.bit ?? 0)) & 1) === 1 : word !== 0;
  }

  /** Convenience for tests: a bit by address text ("C3", "DI0", "HR7.2"). */
  bit(address: string): boolean {
    return this.getBit(parseModbusAddress(address));
  }

  private registerBytes(table: ModbusTable, offset: number, count: number): Uint8Array {
    return registersToBytes(this.table(table).subarray(offset, offset + count) as Uint16Array);
  }
}

function registerAddress(address: string): { table: 'holding' | 'input'; offset: number } {
  const at = parseModbusAddress(address);
  if (at.table !== 'holding' && at.table !== 'input') throw new RangeError(`${address} is not a register`);
  return { table: at.table, offset: at.offset };
}
