import { describe, expect, it } from 'vitest';
import { parseMcAddress } from '../../../src/io/mc/address.js';
import { DEFAULT_ROUTE, encodeRequestFrame, encodeResponseFrame, setRequestSerial } from '../../../src/io/mc/codec/frame.js';
import { batchReadBits, batchReadWords, batchWriteBits, batchWriteWords, randomRead } from '../../../src/io/mc/codec/requests.js';
import { McEndCodeError } from '../../../src/io/mc/codec/end-codes.js';
import { DeviceError } from '../../../src/io/errors.js';
import { binary4eRequest, binary4eResponse, hx, toHex, toText } from './frame-builder.js';

const q = (encoding: 'binary' | 'ascii') => ({ series: 'q' as const, encoding });
const at = (text: string, series: 'q' | 'iqr' | 'fx' = 'q') => parseMcAddress(text, series);

describe('request encoding against hand-built frames', () => {
  it('frames a 4E request and patches its serial in place', () => {
    const body = batchReadWords(at('D100'), 2, q('binary')).body;
    const frame = encodeRequestFrame({ frame: '4e', encoding: 'binary', route: DEFAULT_ROUTE, monitoringTimer: 0x10 }, 0x0401, 0, body);
    setRequestSerial(frame, 'binary', 0x1234);
    expect(toHex(frame)).toBe(toHex(binary4eRequest(0x1234, 0x0401, 0, '640000a80200')));
    const text = encodeRequestFrame({ frame: '4e', encoding: 'ascii', route: DEFAULT_ROUTE, monitoringTimer: 0x10 }, 0x0401, 0, batchReadWords(at('D100'), 2, q('ascii')).body);
    setRequestSerial(text, 'ascii', 0xbeef);
    const tail = `0010${'0401'}0000D*0001000002`;
    expect(toText(text)).toBe(`5400BEEF000000FF03FF00${hx(tail.length, 4)}${tail}`);
  });

  it('encodes batch read bits, random read and batch writes in binary', () => {
    expect(toHex(batchReadBits(at('X1F'), 3, q('binary')).body)).toBe('1f00009c0300');
    const random = randomRead([at('D100'), at('W1A')], [at('D200')], q('binary'));
    expect([random.command, random.subcommand, toHex(random.body)]).toEqual([0x0403, 0, '0201' + '640000a8' + '1a0000b4' + 'c80000a8']);
    // Bits: two points per byte, first point in the high nibble; an odd count pads the low nibble.
    expect(toHex(batchWriteBits(at('M100'), [1, 0, 1], q('binary')).body)).toBe('64000090030010' + '10');
    expect(toHex(batchWriteWords(at('D5'), [0x1234, 0xffff], q('binary')).body)).toBe('050000a802003412ffff');
  });

  it('encodes the same commands in ASCII', () => {
    expect(toText(batchReadBits(at('X1F'), 3, q('ascii')).body)).toBe('X*00001F0003');
    expect(toText(randomRead([at('D100'), at('W1A')], [at('D200')], q('ascii')).body)).toBe('0201D*000100W*00001AD*000200');
    expect(toText(batchWriteBits(at('M100'), [1, 0, 1], q('ascii')).body)).toBe('M*0001000003101');
    expect(toText(batchWriteWords(at('D5'), [0x1234, 0xffff], q('ascii')).body)).toBe('D*0000050002' + '1234FFFF');
  });

  it('uses 4-byte numbers and 2-byte codes (4 + 8 characters in ASCII) for iQ-R', () => {
    const ctx = (encoding: 'binary' | 'ascii') => ({ series: 'iqr' as const, encoding });
    const binary = batchReadWords(at('D100', 'iqr'), 1, ctx('binary'));
    expect([binary.subcommand, toHex(binary.body)]).toEqual([0x0002, '64000000a8000100']);
    expect(batchReadBits(at('M0', 'iqr'), 1, ctx('binary')).subcommand).toBe(0x0003);
    expect(toText(batchReadWords(at('ZR100', 'iqr'), 1, ctx('ascii')).body)).toBe('ZR**000001000001');
    expect(randomRead([at('D1', 'iqr')], [], ctx('binary')).subcommand).toBe(0x0002);
  });

  it('numbers fx X/Y octal in ASCII device specs', () => {
    expect(toText(batchReadBits(at('Y17', 'fx'), 1, { series: 'fx', encoding: 'ascii' }).body)).toBe('Y*0000170001');
    expect(toHex(batchReadBits(at('Y17', 'fx'), 1, { series: 'fx', encoding: 'binary' }).body)).toBe('0f00009d0100');
  });

  it('the simulator frames 4E replies and error replies like the manual', () => {
    const route = DEFAULT_ROUTE;
    expect(toHex(encodeResponseFrame('binary', { frame: '4e', serial: 7, route, endCode: 0, data: Uint8Array.of(0xab, 0x56) }))).toBe(toHex(binary4eResponse(7, 0, 'ab56')));
    const error = encodeResponseFrame('binary', { frame: '3e', serial: 0, route, endCode: 0xc056, command: 0x0401, subcommand: 0 });
    expect(toHex(error)).toBe('d00000ffff03000b0056c000ffff030001040000');
    expect(toText(encodeResponseFrame('ascii', { frame: '3e', serial: 0, route, endCode: 0xc059, command: 0x0401, subcommand: 0 }))).toBe('D00000FF03FF000016C05900FF03FF0004010000');
  });
});

describe('McEndCodeError', () => {
  it('is a DeviceError with the end code, its name and the request', () => {
    const err = new McEndCodeError(0xc056, 'batch read words D12280-D12299 on plc1');
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ code: 'MC_END_CODE', endCode: 0xc056, endCodeName: 'ADDRESS_OUT_OF_RANGE', name: 'McEndCodeError' });
    expect(err.message).toBe('PLC answered C056 ADDRESS_OUT_OF_RANGE (address out of range: beyond the last device number) to batch read words D12280-D12299 on plc1');
    expect(new McEndCodeError(0x4a01, 'x').endCodeName).toBe('END_CODE');
    expect(new McEndCodeError(0x4031, 'x').endCodeName).toBe('DEVICE_RANGE');
  });

  it('says which end codes refuse the addresses asked for (the plan isolates those tags) and which the request or route', () => {
    for (const code of [0xc050, 0xc051, 0xc052, 0xc053, 0xc054, 0xc056, 0xc05b, 0xc061, 0x4030, 0x4031]) {
      expect(new McEndCodeError(code, 'x').addressRefused, code.toString(16)).toBe(true);
    }
    for (const code of [0xc059, 0xc05c, 0xc05e, 0x4a01]) expect(new McEndCodeError(code, 'x').addressRefused, code.toString(16)).toBe(false);
    expect(new McEndCodeError(0xc056, 'x').answer).toBe('C056 ADDRESS_OUT_OF_RANGE');
  });
});
