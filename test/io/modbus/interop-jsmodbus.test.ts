import { createServer, type Server, type Socket } from 'node:net';
import { server as jsmodbusServer } from 'jsmodbus';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceSchema } from '../../../src/io/config/schema.js';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { createModbusDriver } from '../../../src/io/modbus/index.js';
import { Quality, type TagSpec } from '../../../src/io/types.js';

/**
 * Interop: our client (modbus-serial under our driver) against a jsmodbus server, a second,
 * independent Modbus implementation, so the two sides cannot share a bug. Values go into the
 * jsmodbus buffers through Node's Buffer writers, never through our encoders.
 */

const holding = Buffer.alloc(2048);
const input = Buffer.alloc(2048);
const coils = Buffer.alloc(512);
const discrete = Buffer.alloc(512);

/** 32/64-bit value written low word first: reverse the big-endian words. */
function lowWordFirst(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  const words = bytes.length / 2;
  for (let k = 0; k < words; k++) bytes.copy(out, 2 * (words - 1 - k), 2 * k, 2 * k + 2);
  return out;
}
const be = (size: number, write: (b: Buffer) => void): Buffer => {
  const b = Buffer.alloc(size);
  write(b);
  return b;
};
const setBit = (buf: Buffer, i: number): void => {
  buf[i >> 3]! |= 1 << (i & 7);
};

// Register number -> bytes, written into the holding buffer at register * 2.
holding.writeInt16BE(-12345, 0 * 2);
holding.writeUInt16BE(54321, 1 * 2);
holding.writeInt32BE(-1234567890, 2 * 2);
holding.writeUInt32BE(3_000_000_000, 4 * 2);
holding.writeFloatBE(-273.15, 6 * 2);
holding.writeDoubleBE(6.02214076e23, 8 * 2);
holding.writeUInt16BE(0x2024, 12 * 2); // BCD 2024
holding.write('LINE-7', 13 * 2, 'latin1'); // 4 registers, NUL-padded
holding.writeUInt16BE(0b1000_0000_0000_1000, 17 * 2); // bits 3 and 15
lowWordFirst(be(4, (b) => b.writeFloatBE(42.5))).copy(holding, 20 * 2);
lowWordFirst(be(4, (b) => b.writeInt32BE(-7))).copy(holding, 22 * 2);
lowWordFirst(be(8, (b) => b.writeDoubleBE(-1e-300))).copy(holding, 24 * 2);
holding.writeUInt16BE(1234, 200 * 2); // far away: a second request
input.writeFloatBE(1.25, 5 * 2);
input.writeInt16BE(-1, 7 * 2);
setBit(coils, 10);
setBit(coils, 12);
setBit(discrete, 3);

const tags: TagSpec[] = [
  { id: 1, name: 'i16', address: 'HR0', type: 'int16' },
  { id: 2, name: 'u16', address: 'HR1', type: 'uint16' },
  { id: 3, name: 'i32', address: 'HR2', type: 'int32' },
  { id: 4, name: 'u32', address: 'HR4', type: 'uint32' },
  { id: 5, name: 'f32', address: 'HR6', type: 'float32' },
  { id: 6, name: 'f64', address: 'HR8', type: 'float64' },
  { id: 7, name: 'bcd', address: 'HR12', type: 'bcd16' },
  { id: 8, name: 'str', address: 'HR13', type: 'string', length: 4 },
  { id: 9, name: 'b3', address: 'HR17.3', type: 'bit' },
  { id: 10, name: 'b15', address: 'HR17.15', type: 'bit' },
  { id: 11, name: 'b4', address: 'HR17.4', type: 'bit' },
  { id: 12, name: 'f32lo', address: 'HR20', type: 'float32', wordOrder: 'low' },
  { id: 13, name: 'i32lo', address: 'HR22', type: 'int32', wordOrder: 'low' },
  { id: 14, name: 'f64lo', address: 'HR24', type: 'float64', wordOrder: 'low' },
  { id: 15, name: 'far', address: 'HR200', type: 'uint16', scale: 0.5, offset: 1 },
  { id: 16, name: 'ir-f32', address: 'IR5', type: 'float32' },
  { id: 17, name: 'ir-i16', address: 'IR7', type: 'int16' },
  { id: 18, name: 'c10', address: 'C10', type: 'bit' },
  { id: 19, name: 'c11', address: 'C11', type: 'bit' },
  { id: 20, name: 'c12', address: 'C12', type: 'bit' },
  { id: 21, name: 'di3', address: 'DI3', type: 'bit' },
  { id: 22, name: 'di2', address: 'DI2', type: 'bit' },
];
const expected: Record<string, number | string> = {
  i16: -12345,
  u16: 54321,
  i32: -1234567890,
  u32: 3_000_000_000,
  f32: Math.fround(-273.15),
  f64: 6.02214076e23,
  bcd: 2024,
  str: 'LINE-7',
  b3: 1,
  b15: 1,
  b4: 0,
  f32lo: 42.5,
  i32lo: -7,
  f64lo: -1e-300,
  far: 1234 * 0.5 + 1,
  'ir-f32': 1.25,
  'ir-i16': -1,
  c10: 1,
  c11: 0,
  c12: 1,
  di3: 1,
  di2: 0,
};

let net: Server;
const sockets = new Set<Socket>();
let driver: DeviceDriver;

beforeAll(async () => {
  net = createServer();
  net.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  new jsmodbusServer.TCP(net, { holding, input, coils, discrete });
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  const address = net.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const device = deviceSchema.parse({ name: 'jsmodbus', protocol: 'modbus', port, timeoutMs: 2000, retries: 0 });
  driver = createModbusDriver(device, { logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await driver.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => net.close(() => resolve()));
});

describe('our Modbus client against a jsmodbus server', () => {
  it('reads back every data type exactly as it was put in the server buffers', async () => {
    const plan = driver.plan(tags);
    // coils, discrete inputs, HR0..25, HR200, IR5..7
    expect(plan.requestCount).toBe(5);
    const batch = await driver.read(plan);
    const got: Record<string, number | string | null | undefined> = {};
    tags.forEach((tag, i) => {
      got[tag.name] = tag.type === 'string' ? batch.texts?.[i] : batch.values[i];
    });
    expect(got).toEqual(expected);
    expect([...batch.quality].every((q) => q === Quality.GOOD)).toBe(true);
    expect([...batch.tagIds]).toEqual(tags.map((t) => t.id));
    expect(driver.status().state).toBe('ONLINE');
  });

  it('reads and writes a handshake coil', async () => {
    expect(await driver.readBit?.('C40')).toBe(false);
    await driver.writeBit?.('C40', true);
    expect((coils[40 >> 3]! >> (40 & 7)) & 1).toBe(1);
    expect(await driver.readBit?.('C40')).toBe(true);
    expect(await driver.readBit?.('DI3')).toBe(true);
    expect(await driver.readBit?.('HR17.15')).toBe(true);
  });
});
