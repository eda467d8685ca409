import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsFromData, randomWordsFromData, wordsFromData } from '../../../src/io/mc/codec/data.js';
import { createFieldWriter } from '../../../src/io/mc/codec/fields.js';
import { createResponseParser } from '../../../src/io/mc/codec/response.js';
import { createFrameSplitter } from '../../../src/io/mc/codec/splitter.js';
import type { Encoding } from '../../../src/io/mc/codec/wire.js';
import { decodeWordReply, newBatch } from '../../../src/io/mc/plan-decode.js';
import { planMcRead } from '../../../src/io/mc/planner.js';
import { decodeNumber, decodeString, encodeNumber, encodeString, type NumericType } from '../../../src/io/mc/values.js';
import { binary3eResponse, binary4eResponse, concat, le } from './frame-builder.js';

const encodings = fc.constantFrom<Encoding>('binary', 'ascii');
const wordOrders = fc.constantFrom('low' as const, 'high' as const);

describe('properties', () => {
  it('the response parser never throws on arbitrary bytes, in any chunking', () => {
    fc.assert(
      fc.property(encodings, fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (encoding, chunks) => {
        const parser = createResponseParser({ encoding, maxDataLength: 256 });
        for (const chunk of chunks) {
          for (const r of parser.push(chunk)) expect(['ok', 'error', 'malformed']).toContain(r.kind);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the parser never throws on valid-looking headers with random bodies and lengths', () => {
    // Random bytes rarely get past the subheader; this starts from a real header.
    const frames = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 })).map(([fourE, length, body]) =>
      concat(Uint8Array.from(Buffer.from(fourE ? `d400${le(7, 2)}000000ffff0300` : 'd00000ffff0300', 'hex')), Uint8Array.from(Buffer.from(le(length, 2), 'hex')), body),
    );
    fc.assert(
      fc.property(fc.array(frames, { maxLength: 4 }), fc.integer({ min: 1, max: 16 }), (list, step) => {
        const bytes = concat(...list);
        const parser = createResponseParser({ encoding: 'binary', maxDataLength: 64 });
        for (let at = 0; at < bytes.length; at += step) parser.push(bytes.subarray(at, at + step));
      }),
      { numRuns: 1000 },
    );
  });

  it('any sequence of valid frames comes out whole, however the stream is cut', () => {
    const frame = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 30 })).map(([fourE, serial, data]) => ({
      fourE,
      serial,
      data,
      bytes: fourE ? binary4eResponse(serial, 0, Buffer.from(data).toString('hex')) : binary3eResponse(0, Buffer.from(data).toString('hex')),
    }));
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), (frames, cuts) => {
        const stream = concat(...frames.map((f) => f.bytes));
        const parser = createResponseParser({ encoding: 'binary' });
        const out = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(...parser.push(stream.subarray(at, at + size)));
          at += size;
        }
        expect(out.map((r) => (r.kind === 'ok' ? [r.serial, Buffer.from(r.data).toString('hex')] : r.kind))).toEqual(
          frames.map((f) => [f.fourE ? f.serial : null, Buffer.from(f.data).toString('hex')]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the request splitter never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(encodings, fc.uint8Array({ maxLength: 200 }), (encoding, bytes) => {
        createFrameSplitter({ encoding, direction: 'request' }).push(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  const numeric: Record<NumericType, fc.Arbitrary<number>> = {
    int16: fc.integer({ min: -0x8000, max: 0x7fff }),
    uint16: fc.integer({ min: 0, max: 0xffff }),
    int32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
    uint32: fc.integer({ min: 0, max: 0xffff_ffff }),
    float32: fc.float({ noNaN: true }),
    float64: fc.double({ noNaN: true }),
    bcd16: fc.integer({ min: 0, max: 9999 }),
  };

  for (const [type, values] of Object.entries(numeric) as [NumericType, fc.Arbitrary<number>][]) {
    it(`${type} round-trips through words and both encodings`, () => {
      fc.assert(
        fc.property(values, wordOrders, encodings, (value, order, encoding) => {
          const words = encodeNumber(value, type, order);
          // Through the wire representation too: words -> response data -> words.
          const w = createFieldWriter(encoding);
          for (const word of words) w.u16(word);
          const back = wordsFromData(w.finish(), encoding, words.length);
          expect(back).not.toBeNull();
          const decoded = decodeNumber(back!, 0, type, order);
          expect(Object.is(decoded, type === 'float32' ? Math.fround(value) : value) || decoded === value).toBe(true);
        }),
      );
    });
  }

  it('bit and bit-of-word values round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 64 }), encodings, (bits, encoding) => {
        const w = createFieldWriter(encoding);
        w.bits(bits);
        expect(Array.from(bitsFromData(w.finish(), encoding, bits.length) ?? [])).toEqual(bits);
      }),
    );
    // Bits of a word through the plan decoder: D0.0 .. D0.F against the word's binary digits.
    const tags = Array.from({ length: 16 }, (_, b) => ({ id: b, name: `b${b}`, address: `D0.${b.toString(16)}`, type: 'bit' as const }));
    const plan = planMcRead(tags, { series: 'q', encoding: 'binary' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (word) => {
        const batch = newBatch(plan, 0);
        decodeWordReply(plan, plan.requests[0]!, Uint16Array.of(word), batch);
        expect(Array.from(batch.values)).toEqual([...word.toString(2).padStart(16, '0')].reverse().map(Number));
      }),
    );
  });

  it('strings round-trip in both byte orders', () => {
    const text = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 20 });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 4 }), fc.constantFrom('little' as const, 'big' as const), (s, extra, order) => {
        const length = Math.ceil(s.length / 2) + extra || 1;
        expect(decodeString(encodeString(s, length, order), 0, length, order)).toBe(s);
      }),
    );
  });

  it('random read data keeps double words low word first in both encodings', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 5 }), encodings, (words, dwords, encoding) => {
        const w = createFieldWriter(encoding);
        for (const x of words) w.u16(x);
        for (const x of dwords) w.u32(x);
        const out = randomWordsFromData(w.finish(), encoding, words.length, dwords.length);
        expect(Array.from(out ?? [])).toEqual([...words, ...dwords.flatMap((d) => [d & 0xffff, Math.floor(d / 0x10000)])]);
      }),
    );
  });
});
