import type { ModbusTable } from '../address.js';
import { ExceptionCode } from '../exceptions.js';
import type { ModbusMemory } from './memory.js';

/**
 * The server side of the Modbus PDU (function code + data), pure over a memory. Checks run in
 * the order the spec's state diagrams give (MODBUS Application Protocol v1.1b3, 6.x): function
 * supported (else 01), quantity and byte count (else 03), address range (else 02).
 */

/** Entries per table the simulated device answers for; reads beyond give exception 02. */
export type TableSizes = Readonly<Record<ModbusTable, number>>;

export const FULL_TABLES: TableSizes = { coil: 0x10000, discrete: 0x10000, holding: 0x10000, input: 0x10000 };

/** Addresses inside a table that do not exist (a sparse register map): any access gets exception 02. */
export interface Hole {
  readonly table: ModbusTable;
  readonly start: number;
  readonly count: number;
}

/** Per-request quantity limits from the spec (6.1-6.4, 6.11, 6.12). */
const MAX_READ_BITS = 2000;
const MAX_READ_REGISTERS = 125;
const MAX_WRITE_BITS = 1968;
const MAX_WRITE_REGISTERS = 123;

export function exceptionPdu(functionCode: number, code: number): Uint8Array {
  return Uint8Array.of((functionCode | 0x80) & 0xff, code);
}

/** Answer one request PDU. Never throws: anything malformed becomes an exception reply. */
export function handlePdu(pdu: Uint8Array, memory: ModbusMemory, sizes: TableSizes = FULL_TABLES, holes: readonly Hole[] = []): Uint8Array {
  const fc = pdu[0] ?? 0;
  const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const u16 = (at: number): number => (pdu.length >= at + 2 ? view.getUint16(at) : -1);
  const address = u16(1);
  const second = u16(3); // quantity, or the value for FC05/FC06
  const fail = (code: number): Uint8Array => exceptionPdu(fc, code);
  const inRange = (table: ModbusTable, count: number): boolean =>
    address + count <= sizes[table] &&
    !holes.some((h) => h.table === table && address < h.start + h.count && h.start < address + count);

  switch (fc) {
    case 1:
    case 2: {
      const table: ModbusTable = fc === 1 ? 'coil' : 'discrete';
      if (pdu.length !== 5 || second < 1 || second > MAX_READ_BITS) return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      if (!inRange(table, second)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      const bits = memory.table(table);
      const out = new Uint8Array(2 + Math.ceil(second / 8));
      out[0] = fc;
      out[1] = out.length - 2;
      for (let i = 0; i < second; i++) if (bits[address + i]) out[2 + (i >> 3)]! |= 1 << (i & 7);
      return out;
    }
    case 3:
    case 4: {
      const table: ModbusTable = fc === 3 ? 'holding' : 'input';
      if (pdu.length !== 5 || second < 1 || second > MAX_READ_REGISTERS) return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      if (!inRange(table, second)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      const regs = memory.table(table);
      const out = new Uint8Array(2 + second * 2);
      const outView = new DataView(out.buffer);
      out[0] = fc;
      out[1] = second * 2;
      for (let i = 0; i < second; i++) outView.setUint16(2 + 2 * i, regs[address + i]!);
      return out;
    }
    case 5: {
      if (pdu.length !== 5 || (second !== 0xff00 && second !== 0x0000)) return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      if (!inRange('coil', 1)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      memory.coils[address] = second === 0xff00 ? 1 : 0;
      return pdu.slice();
    }
    case 6: {
      if (pdu.length !== 5) return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      if (!inRange('holding', 1)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      memory.holding[address] = second;
      return pdu.slice();
    }
    case 15: {
      const byteCount = pdu[5] ?? -1;
      if (second < 1 || second > MAX_WRITE_BITS || byteCount !== Math.ceil(second / 8) || pdu.length !== 6 + byteCount) {
        return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      }
      if (!inRange('coil', second)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      for (let i = 0; i < second; i++) memory.coils[address + i] = (pdu[6 + (i >> 3)]! >> (i & 7)) & 1;
      return pdu.slice(0, 5);
    }
    case 16: {
      const byteCount = pdu[5] ?? -1;
      if (second < 1 || second > MAX_WRITE_REGISTERS || byteCount !== second * 2 || pdu.length !== 6 + byteCount) {
        return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      }
      if (!inRange('holding', second)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      for (let i = 0; i < second; i++) memory.holding[address + i] = view.getUint16(6 + 2 * i);
      return pdu.slice(0, 5);
    }
    case 22: {
      // Mask write (6.16): result = (current AND and_mask) OR (or_mask AND NOT and_mask).
      if (pdu.length !== 7) return fail(ExceptionCode.ILLEGAL_DATA_VALUE);
      if (!inRange('holding', 1)) return fail(ExceptionCode.ILLEGAL_DATA_ADDRESS);
      const andMask = second;
      const orMask = view.getUint16(5);
      memory.holding[address] = (memory.holding[address]! & andMask) | (orMask & ~andMask & 0xffff);
      return pdu.slice();
    }
    default:
      return fail(ExceptionCode.ILLEGAL_FUNCTION);
  }
}
