import { describe, expect, it } from 'vitest';
import { createResponseParser, type McResponse } from '../../../src/io/mc/codec/response.js';
import { createFrameSplitter } from '../../../src/io/mc/codec/splitter.js';
import { ascii, ascii3eResponse, ascii4eResponse, binary3eRequest, binary3eResponse, binary4eResponse, concat, hex, toHex } from './frame-builder.js';

const D350 = hex('d00000ffff030006000000ab560f17');

function okData(response: McResponse | undefined): string {
  if (response?.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(response)}`);
  return toHex(response.data);
}

describe('response parser', () => {
  it('assembles a frame split at every byte offset, in two pieces', () => {
    for (let cut = 0; cut <= D350.length; cut++) {
      const parser = createResponseParser({ encoding: 'binary' });
      const first = parser.push(D350.subarray(0, cut));
      const second = parser.push(D350.subarray(cut));
      expect([...first, ...second], `cut at ${cut}`).toHaveLength(1);
      expect(okData([...first, ...second][0])).toBe('ab560f17');
      expect(parser.buffered).toBe(0);
    }
  });

  it('assembles a frame fed one byte at a time', () => {
    const parser = createResponseParser({ encoding: 'binary' });
    const out: McResponse[] = [];
    for (const byte of D350) out.push(...parser.push(Uint8Array.of(byte)));
    expect(out.map(okData)).toEqual(['ab560f17']);
  });

  it('returns both frames when two arrive in one chunk, and keeps the start of a third', () => {
    const second = binary3eResponse(0, '0100');
    const third = binary3eResponse(0, '0200');
    const parser = createResponseParser({ encoding: 'binary' });
    const out = parser.push(concat(D350, second, third.subarray(0, 5)));
    expect(out.map(okData)).toEqual(['ab560f17', '0100']);
    expect(parser.buffered).toBe(5);
    expect(parser.push(third.subarray(5)).map(okData)).toEqual(['0200']);
  });

  it('splits two ASCII frames joined and cut at every offset', () => {
    const both = concat(ascii('D00000FF03FF00000C000056AB170F'), ascii3eResponse(0, '0001'));
    for (let cut = 0; cut <= both.length; cut++) {
      const parser = createResponseParser({ encoding: 'ascii' });
      const out = [...parser.push(both.subarray(0, cut)), ...parser.push(both.subarray(cut))];
      expect(out.map((r) => (r.kind === 'ok' ? Buffer.from(r.data).toString('latin1') : r.kind)), `cut at ${cut}`).toEqual(['56AB170F', '0001']);
    }
  });

  it('decodes a 20-byte error response with its end code and the failed command', () => {
    const error = hex('d00000ffff0300 0b00 56c0 00ffff0300 0104 0000');
    expect(error).toHaveLength(20);
    const [response] = createResponseParser({ encoding: 'binary' }).push(error);
    expect(response).toEqual({ kind: 'error', frame: '3e', serial: null, endCode: 0xc056, command: 0x0401, subcommand: 0 });
  });

  it('decodes an ASCII error response', () => {
    const [response] = createResponseParser({ encoding: 'ascii' }).push(ascii3eResponse(0xc059, '00FF03FF0004010000'));
    expect(response).toEqual({ kind: 'error', frame: '3e', serial: null, endCode: 0xc059, command: 0x0401, subcommand: 0 });
  });

  it('reads 4E serials in both encodings', () => {
    const [b] = createResponseParser({ encoding: 'binary' }).push(binary4eResponse(0x1234, 0, 'aa55'));
    const [a] = createResponseParser({ encoding: 'ascii' }).push(ascii4eResponse(0xbeef, 0, '1234'));
    expect(b).toMatchObject({ kind: 'ok', frame: '4e', serial: 0x1234 });
    expect(a).toMatchObject({ kind: 'ok', frame: '4e', serial: 0xbeef });
  });

  it('reports a corrupt length above the cap at once instead of waiting for it', () => {
    const parser = createResponseParser({ encoding: 'binary', maxDataLength: 4096 });
    // L = 0xFFFF: only the 9-byte header arrived; a naive parser would wait for 64 KB.
    const [response] = parser.push(hex('d00000ffff0300ffff'));
    expect(response).toMatchObject({ kind: 'malformed' });
    expect(parser.buffered).toBe(0);
  });

  // Mutation check (issue 13): the cap compared with >= refused a frame exactly at the cap.
  it('takes a frame whose data length is exactly the cap, and refuses one byte more (binary and ASCII)', () => {
    for (const cap of [2, 64, 4096]) {
      // L counts the end code (2 bytes binary, 4 characters ASCII) and the data.
      const atCap = binary3eResponse(0, '00'.repeat(cap - 2));
      expect(createResponseParser({ encoding: 'binary', maxDataLength: cap }).push(atCap).map((r) => r.kind), `binary ${cap}`).toEqual(['ok']);
      const over = binary3eResponse(0, '00'.repeat(cap - 1));
      expect(createResponseParser({ encoding: 'binary', maxDataLength: cap }).push(over).map((r) => r.kind), `binary ${cap} + 1`).toEqual(['malformed']);
    }
    for (const cap of [4, 64, 8192]) {
      const atCap = ascii3eResponse(0, '0'.repeat(cap - 4));
      expect(createResponseParser({ encoding: 'ascii', maxDataLength: cap }).push(atCap).map((r) => r.kind), `ascii ${cap}`).toEqual(['ok']);
      const over = ascii3eResponse(0, '0'.repeat(cap - 3));
      expect(createResponseParser({ encoding: 'ascii', maxDataLength: cap }).push(over).map((r) => r.kind), `ascii ${cap} + 1`).toEqual(['malformed']);
    }
    // The default caps (the largest answers the protocol allows) are inclusive too.
    expect(createResponseParser({ encoding: 'binary' }).push(binary3eResponse(0, '00'.repeat(4094))).map((r) => r.kind)).toEqual(['ok']);
  });

  it('reports a length below the end code size as malformed', () => {
    const [response] = createResponseParser({ encoding: 'binary' }).push(hex('d00000ffff03000100 00'));
    expect(response).toMatchObject({ kind: 'malformed' });
  });

  it('reports a request frame or garbage on the response side as malformed', () => {
    expect(createResponseParser({ encoding: 'binary' }).push(binary3eRequest(0x0401, 0, '')).map((r) => r.kind)).toEqual(['malformed']);
    expect(createResponseParser({ encoding: 'ascii' }).push(D350).map((r) => r.kind)).toEqual(['malformed']);
    expect(createResponseParser({ encoding: 'ascii' }).push(ascii('D000 00FF03FF00 00ZZ 0000')).map((r) => r.kind)).toEqual(['malformed']);
  });

  it('reports ASCII data with a non-hex end code as malformed', () => {
    const [response] = createResponseParser({ encoding: 'ascii' }).push(ascii('D000 00FF03FF00 0004 00G0'));
    expect(response).toMatchObject({ kind: 'malformed' });
  });
});

describe('request splitter (simulator side)', () => {
  it('reports a frame in the other encoding as malformed, then reads the next good request', () => {
    const splitter = createFrameSplitter({ encoding: 'binary', direction: 'request' });
    expect(splitter.push(ascii('500000FF03FF000018000004010000D*0003500002')).map((f) => f.kind)).toEqual(['malformed']);
    // After the bad frame the splitter starts afresh: the next good request is read.
    expect(splitter.push(binary3eRequest(0x0401, 0, '5e0100a80200')).map((f) => f.kind)).toEqual(['frame']);
  });
});
