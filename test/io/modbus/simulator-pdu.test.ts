import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MbapReader, encodeMbap } from '../../../src/io/modbus/simulator/mbap.js';
import { ModbusMemory } from '../../../src/io/modbus/simulator/memory.js';
import { FULL_TABLES, handlePdu } from '../../../src/io/modbus/simulator/pdu.js';

/** Test-only PDU builder: function code then 16-bit big-endian fields, then raw bytes. */
function pdu(fc: number, words: number[], tail: number[] = []): Uint8Array {
  const out = [fc];
  for (const w of words) out.push(w >> 8, w & 0xff);
  return Uint8Array.from([...out, ...tail]);
}
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('simulator PDU handler', () => {
  it('answers FC03 with the registers, big-endian', () => {
    const memory = new ModbusMemory();
    memory.holding.set([0x1234, 0xabcd], 100);
    expect(hex(handlePdu(pdu(3, [100, 2]), memory))).toBe('0304' + '1234abcd');
  });

  it('answers FC04 from the input registers, not the holding registers', () => {
    const memory = new ModbusMemory();
    memory.input[0] = 7;
    memory.holding[0] = 9;
    expect(hex(handlePdu(pdu(4, [0, 1]), memory))).toBe('04020007');
  });

  it('answers FC01/FC02 with bits packed LSB first', () => {
    const memory = new ModbusMemory();
    for (const i of [0, 2, 9]) memory.coils[i] = 1;
    memory.discrete[3] = 1;
    expect(hex(handlePdu(pdu(1, [0, 10]), memory))).toBe('0102' + '05' + '02');
    expect(hex(handlePdu(pdu(2, [0, 4]), memory))).toBe('020108');
  });

  it('writes with FC05, FC06, FC15, FC16 and FC22 and echoes as the spec says', () => {
    const memory = new ModbusMemory();
    expect(hex(handlePdu(pdu(5, [7, 0xff00]), memory))).toBe('050007ff00');
    expect(memory.coils[7]).toBe(1);
    expect(hex(handlePdu(pdu(6, [1, 0xbeef]), memory))).toBe('060001beef');
    expect(memory.holding[1]).toBe(0xbeef);
    expect(hex(handlePdu(pdu(15, [20, 10], [2, 0b1000_0001, 0b10]), memory))).toBe('0f0014000a');
    expect([...memory.coils.subarray(20, 30)]).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    expect(hex(handlePdu(pdu(16, [50, 2], [4, 0, 1, 0, 2]), memory))).toBe('1000320002');
    expect([...memory.holding.subarray(50, 52)]).toEqual([1, 2]);
    memory.holding[60] = 0x00f0;
    // Mask write: keep the high nibble of the low byte (AND 0x00F0), set bit 0 (OR 0x0001).
    expect(hex(handlePdu(pdu(22, [60, 0x00f0, 0x0001]), memory))).toBe('16003c00f00001');
    expect(memory.holding[60]).toBe(0x00f1);
  });

  it.each([
    ['unknown function 0x2B -> 01', pdu(0x2b, [0, 1]), 'ab01'],
    ['FC03 for 126 registers -> 03', pdu(3, [0, 126]), '8303'],
    ['FC03 for 0 registers -> 03', pdu(3, [0, 0]), '8303'],
    ['FC01 for 2,001 bits -> 03', pdu(1, [0, 2001]), '8103'],
    ['FC03 past 65535 -> 02', pdu(3, [65535, 2]), '8302'],
    ['FC05 with value 0x1234 -> 03', pdu(5, [0, 0x1234]), '8503'],
    ['FC16 with a byte count that does not match -> 03', pdu(16, [0, 2], [3, 0, 1, 0]), '9003'],
    ['a truncated FC03 -> 03', Uint8Array.of(3, 0), '8303'],
  ])('%s', (_name, request, expected) => {
    expect(hex(handlePdu(request, new ModbusMemory()))).toBe(expected);
  });

  it('answers 02 beyond a configured table size and reads right up to it', () => {
    const sizes = { ...FULL_TABLES, holding: 100 };
    expect(hex(handlePdu(pdu(3, [99, 1]), new ModbusMemory(), sizes))).toBe('03020000');
    expect(hex(handlePdu(pdu(3, [99, 2]), new ModbusMemory(), sizes))).toBe('8302');
  });

  it('answers 02 for any read that touches a hole in the map, and reads around it', () => {
    const holes = [{ table: 'holding', start: 10, count: 5 }] as const;
    const read = (address: number, quantity: number): string => hex(handlePdu(pdu(3, [address, quantity]), new ModbusMemory(), FULL_TABLES, holes));
    expect(read(0, 11)).toBe('8302');
    expect(read(14, 1)).toBe('8302');
    expect(read(0, 10)).toMatch(/^0314/);
    expect(read(15, 1)).toBe('03020000');
    expect(hex(handlePdu(pdu(4, [10, 1]), new ModbusMemory(), FULL_TABLES, holes))).toBe('04020000');
  });

  it('never throws on arbitrary request bytes', () => {
    const memory = new ModbusMemory();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 260 }), (bytes) => {
        const reply = handlePdu(bytes, memory);
        expect(reply.length).toBeGreaterThanOrEqual(2);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('MBAP reader', () => {
  const frame = (tid: number, unit: number, body: Uint8Array): Buffer => {
    const b = Buffer.alloc(7 + body.length);
    b.writeUInt16BE(tid, 0);
    b.writeUInt16BE(body.length + 1, 4);
    b[6] = unit;
    b.set(body, 7);
    return b;
  };

  it('returns the same frames whatever byte the stream is split at', () => {
    const stream = Buffer.concat([frame(1, 1, pdu(3, [0, 2])), frame(2, 9, pdu(1, [5, 3]))]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new MbapReader();
      const items = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(items.map((i) => (i.kind === 'frame' ? [i.transactionId, i.unitId, hex(i.pdu)] : i.reason))).toEqual([
        [1, 1, '0300000002'],
        [2, 9, '0100050003'],
      ]);
    }
  });

  it('reports a non-zero protocol id or an impossible length as an error, once', () => {
    const bad = frame(1, 1, pdu(3, [0, 1]));
    bad.writeUInt16BE(1, 2);
    const reader = new MbapReader();
    expect(reader.push(bad)).toEqual([{ kind: 'error', reason: 'protocol id 1, expected 0' }]);
    expect(reader.push(frame(2, 1, pdu(3, [0, 1])))).toEqual([]);
    const long = Buffer.from('000100000100', 'hex'); // length 256: no waiting for bytes that never come
    expect(new MbapReader().push(long)[0]).toMatchObject({ kind: 'error' });
  });

  it('frames a reply with the transaction and unit of the request', () => {
    expect(encodeMbap(0x0102, 7, Uint8Array.of(3, 2, 0, 5)).toString('hex')).toBe('010200000005' + '07' + '03020005');
  });
});
