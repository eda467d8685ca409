import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNumber, decodeString, packedBit, TYPE_CODE, type ByteOrder } from '../../../src/io/modbus/decode.js';
import { encodeNumber, encodeString, numberToBcd, registersToBytes } from '../../../src/io/modbus/encode.js';
import { compileReadPlan, decodeBlock } from '../../../src/io/modbus/read-plan.js';
import { Quality, type TagSpec, type WordOrder } from '../../../src/io/types.js';

/** Fixed seed: the same inputs every run (deterministic CI), still 200 cases per property. */
const PROPERTY = { seed: 0x4d42, numRuns: 200 } as const;

const WORD_ORDERS: readonly WordOrder[] = ['high', 'low'];
const BYTE_ORDERS: readonly ByteOrder[] = ['big', 'little'];
const layouts = WORD_ORDERS.flatMap((wordOrder) => BYTE_ORDERS.map((byteOrder) => ({ wordOrder, byteOrder })));

/** Wire bytes built with Node's Buffer writers, independent of our encoder. */
function wire(write: (b: Buffer) => void, size: number): Uint8Array {
  const b = Buffer.alloc(size);
  write(b);
  return new Uint8Array(b);
}

describe('decodeNumber against independently built bytes', () => {
  it('reads ABCD (Modbus default: high word first, big-endian bytes)', () => {
    expect(decodeNumber(TYPE_CODE.float32, wire((b) => b.writeFloatBE(1.5), 4), 0, 'high', 'big')).toBe(1.5);
    expect(decodeNumber(TYPE_CODE.int32, wire((b) => b.writeInt32BE(-123456789), 4), 0, 'high', 'big')).toBe(-123456789);
    expect(decodeNumber(TYPE_CODE.float64, wire((b) => b.writeDoubleBE(Math.PI), 8), 0, 'high', 'big')).toBe(Math.PI);
    expect(decodeNumber(TYPE_CODE.int16, Uint8Array.of(0xff, 0xfe), 0, 'high', 'big')).toBe(-2);
    expect(decodeNumber(TYPE_CODE.uint16, Uint8Array.of(0xff, 0xfe), 0, 'high', 'big')).toBe(0xfffe);
  });

  it('reads CDAB (low word first) as the word-swapped value', () => {
    // 0x12345678 low word first: registers 0x5678, 0x1234.
    expect(decodeNumber(TYPE_CODE.uint32, Uint8Array.of(0x56, 0x78, 0x12, 0x34), 0, 'low', 'big')).toBe(0x12345678);
    // float64 1.0 = 3FF0 0000 0000 0000, low word first.
    expect(decodeNumber(TYPE_CODE.float64, Uint8Array.of(0, 0, 0, 0, 0, 0, 0x3f, 0xf0), 0, 'low', 'big')).toBe(1);
  });

  it('reads BADC and DCBA (bytes swapped inside each register)', () => {
    expect(decodeNumber(TYPE_CODE.uint32, Uint8Array.of(0x34, 0x12, 0x78, 0x56), 0, 'high', 'little')).toBe(0x12345678);
    expect(decodeNumber(TYPE_CODE.uint32, wire((b) => b.writeUInt32LE(0x12345678), 4), 0, 'low', 'little')).toBe(0x12345678);
  });

  it('reads BCD16 and flags a nibble above 9 as NaN', () => {
    expect(decodeNumber(TYPE_CODE.bcd16, Uint8Array.of(0x12, 0x34), 0, 'high', 'big')).toBe(1234);
    expect(decodeNumber(TYPE_CODE.bcd16, Uint8Array.of(0x99, 0x99), 0, 'high', 'big')).toBe(9999);
    expect(decodeNumber(TYPE_CODE.bcd16, Uint8Array.of(0x12, 0x3a), 0, 'high', 'big')).toBeNaN();
  });

  it('reads a bit of a register, bit 0 being the least significant', () => {
    const bytes = Uint8Array.of(0x80, 0x05); // 0x8005: bits 0, 2, 15
    expect([0, 1, 2, 15].map((bit) => decodeNumber(TYPE_CODE.bit, bytes, 0, 'high', 'big', bit))).toEqual([1, 0, 1, 1]);
  });

  it('reads strings with the first character in the high byte, stopping at NUL', () => {
    expect(decodeString(new Uint8Array(Buffer.from('ABCD\0\0')), 0, 3, 'big')).toBe('ABCD');
    expect(decodeString(new Uint8Array(Buffer.from('BADC')), 0, 2, 'little')).toBe('ABCD');
  });

  it('reads packed coils LSB first', () => {
    const bytes = Uint8Array.of(0b0000_0101, 0b1000_0000);
    expect(Array.from({ length: 16 }, (_, i) => packedBit(bytes, 0, i)).join('')).toBe('1010000000000001');
  });
});

describe('encode -> decode round trip (property)', () => {
  const cases = [
    { type: 'int16', arb: fc.integer({ min: -0x8000, max: 0x7fff }) },
    { type: 'uint16', arb: fc.integer({ min: 0, max: 0xffff }) },
    { type: 'int32', arb: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
    { type: 'uint32', arb: fc.integer({ min: 0, max: 0xffffffff }) },
    { type: 'float32', arb: fc.float() },
    { type: 'float64', arb: fc.double() },
    { type: 'bcd16', arb: fc.integer({ min: 0, max: 9999 }) },
  ] as const;

  for (const { type, arb } of cases) {
    for (const layout of layouts) {
      it(`${type} with ${layout.wordOrder} word first, ${layout.byteOrder}-endian bytes, at any register offset`, () => {
        fc.assert(
          fc.property(arb, fc.integer({ min: 0, max: 3 }), (value, pad) => {
            const words = [...new Array<number>(pad).fill(0xaaaa), ...encodeNumber(type, value, layout)];
            const decoded = decodeNumber(TYPE_CODE[type], registersToBytes(words), pad * 2, layout.wordOrder, layout.byteOrder);
            expect(decoded).toBe(value); // Object.is: -0 stays -0, NaN stays NaN
          }),
          PROPERTY,
        );
      });
    }
  }

  it('bit of a register in every position', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 15 }), (word, bit) => {
        expect(decodeNumber(TYPE_CODE.bit, registersToBytes([word]), 0, 'high', 'big', bit)).toBe((word >> bit) & 1);
      }),
      PROPERTY,
    );
  });

  for (const byteOrder of BYTE_ORDERS) {
    it(`string with ${byteOrder}-endian bytes`, () => {
      const latin1 = fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 20 }).map((codes) => String.fromCharCode(...codes));
      fc.assert(
        fc.property(latin1, fc.integer({ min: 0, max: 3 }), (text, extra) => {
          const length = Math.ceil(text.length / 2) + extra || 1;
          const bytes = registersToBytes(encodeString(text, length, byteOrder));
          expect(decodeString(bytes, 0, length, byteOrder)).toBe(text);
        }),
        PROPERTY,
      );
    });
  }

  it('refuses to encode what a register cannot hold', () => {
    expect(() => numberToBcd(10_000)).toThrow(RangeError);
    expect(() => numberToBcd(1.5)).toThrow(RangeError);
    expect(() => encodeString('ABC', 1)).toThrow(RangeError);
    expect(() => encodeString('€', 1)).toThrow(/Latin-1/);
  });
});

describe('decodeBlock', () => {
  const defaults = { addressBase: 0, wordOrder: 'high', stringByteOrder: 'big' } as const;
  const tag = (id: number, address: string, type: TagSpec['type'], extra: Partial<TagSpec> = {}): TagSpec => ({
    id,
    name: `t${id}`,
    address,
    type,
    ...extra,
  });

  it('applies scale and offset after decoding, per tag word order, and flags NaN as BAD_CONFIG', () => {
    const plan = compileReadPlan(
      [
        tag(1, 'HR0', 'int16', { scale: 0.1, offset: -5 }),
        tag(2, 'HR1', 'float32', { wordOrder: 'low' }),
        tag(3, 'HR3', 'bcd16'),
        tag(4, 'HR4', 'string', { length: 2 }),
        tag(5, 'HR0.1', 'bit', { scale: 10 }),
      ],
      defaults,
    );
    const words = [250, ...encodeNumber('float32', 2.5, { wordOrder: 'low' }), 0x12ab, ...encodeString('OK', 2)];
    const out = { values: new Float64Array(5), quality: new Uint8Array(5), texts: new Array<string | null>(5).fill(null) };
    decodeBlock(plan, plan.blocks[0]!, registersToBytes(words), out);
    expect(out.values[0]).toBeCloseTo(20, 10);
    expect(out.values[1]).toBe(2.5);
    expect(out.values[2]).toBeNaN();
    expect([...out.quality]).toEqual([Quality.GOOD, Quality.GOOD, Quality.BAD_CONFIG, Quality.GOOD, Quality.GOOD]);
    expect(out.texts[3]).toBe('OK');
    expect(out.values[3]).toBeNaN();
    expect(out.values[4]).toBe(1); // 250 = 0b11111010: bit 1 set; bits are never scaled
  });
});
