import { describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { wordsFromData } from '../../../src/io/mc/codec/data.js';
import { DEFAULT_ROUTE, encodeRequestFrame, encodeResponseFrame } from '../../../src/io/mc/codec/frame.js';
import { batchReadWords } from '../../../src/io/mc/codec/requests.js';
import { createResponseParser } from '../../../src/io/mc/codec/response.js';
import { createFrameSplitter } from '../../../src/io/mc/codec/splitter.js';
import type { Encoding } from '../../../src/io/mc/codec/wire.js';
import { limitsFor } from '../../../src/io/mc/limits.js';
import { handleRequest } from '../../../src/io/mc/simulator/handler.js';
import { McMemory } from '../../../src/io/mc/simulator/memory.js';
import { ascii, hex, toHex, toText } from './frame-builder.js';

/**
 * The worked example of the SLMP manual: batch read of D350-D351 (monitoring timer 0, as printed),
 * answered with D350 = 0x56AB, D351 = 0x170F. Expected bytes are literals, never our encoder.
 */
const BINARY_REQUEST = '500000ffff03000c000000010400005e0100a80200';
const BINARY_RESPONSE = 'd00000ffff030006000000ab560f17';
// ASCII: same fields as text, L counts characters (24 = 0x18 / 12 = 0x0C).
const ASCII_REQUEST = '500000FF03FF000018000004010000D*0003500002';
const ASCII_RESPONSE = 'D00000FF03FF00000C000056AB170F';

function encodeD350(encoding: Encoding): Uint8Array {
  const body = batchReadWords(parseMcAddress('D350', 'q'), 2, { series: 'q', encoding }).body;
  return encodeRequestFrame({ frame: '3e', encoding, route: DEFAULT_ROUTE, monitoringTimer: 0 }, 0x0401, 0x0000, body);
}

describe('golden frames from the manual (D350-D351)', () => {
  it('encodes the binary request byte for byte', () => {
    expect(toHex(encodeD350('binary'))).toBe(BINARY_REQUEST);
  });

  it('encodes the ASCII request character for character', () => {
    expect(toText(encodeD350('ascii'))).toBe(ASCII_REQUEST);
  });

  it.each([
    ['binary', hex(BINARY_RESPONSE)],
    ['ascii', ascii(ASCII_RESPONSE)],
  ] as const)('decodes the %s response into D350=0x56AB, D351=0x170F', (encoding, bytes) => {
    const [response, ...rest] = createResponseParser({ encoding }).push(bytes);
    expect(rest).toHaveLength(0);
    if (response?.kind !== 'ok') throw new Error(`expected ok, got ${response?.kind}`);
    expect(response.frame).toBe('3e');
    expect(Array.from(wordsFromData(response.data, encoding, 2) ?? [])).toEqual([0x56ab, 0x170f]);
  });

  it.each([
    ['binary', hex(BINARY_REQUEST), BINARY_RESPONSE],
    ['ascii', ascii(ASCII_REQUEST), ASCII_RESPONSE],
  ] as const)('the simulator answers the %s request with the manual response', (encoding, request, expected) => {
    const memory = new McMemory('q');
    memory.setWords('D350', [0x56ab, 0x170f]);
    const [frame] = createFrameSplitter({ encoding, direction: 'request' }).push(request);
    if (frame?.kind !== 'frame') throw new Error('request did not split');
    const head = encoding === 'binary' ? 6 : 12;
    const result = handleRequest(
      { command: 0x0401, subcommand: 0, body: frame.data.subarray(head) },
      { memory, series: 'q', encoding, limits: limitsFor('q', encoding) },
    );
    const reply = encodeResponseFrame(encoding, { frame: '3e', serial: 0, route: frame.route, endCode: result.endCode, data: result.data });
    expect(encoding === 'binary' ? toHex(reply) : toText(reply)).toBe(expected);
  });
});
