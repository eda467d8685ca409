import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startModbusSimulator, type ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { driverFor, tag } from './helpers.js';
import type { DeviceDriver } from '../../../src/io/driver.js';

/** The simulator over a raw socket, with frames built by hand (never by our client). */

let sim: ModbusSimulator | null = null;
let socket: Socket | null = null;
let driver: DeviceDriver | null = null;
afterEach(async () => {
  socket?.destroy();
  await driver?.close();
  await sim?.close();
  sim = null;
  socket = null;
  driver = null;
});

/** MBAP + PDU for a read: tid, unit, fc, address, quantity. */
function read(tid: number, unit: number, fc: number, address: number, quantity: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(tid, 0);
  b.writeUInt16BE(6, 4);
  b[6] = unit;
  b[7] = fc;
  b.writeUInt16BE(address, 8);
  b.writeUInt16BE(quantity, 10);
  return b;
}

async function open(s: ModbusSimulator): Promise<{ sock: Socket; received: () => string; closed: Promise<void> }> {
  const sock = connect({ host: '127.0.0.1', port: s.port });
  socket = sock;
  await new Promise((resolve) => sock.once('connect', resolve));
  let bytes = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  return { sock, received: () => bytes.toString('hex'), closed };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('Modbus simulator over TCP', () => {
  it('answers two requests sent in one segment, in order, each with its transaction id', async () => {
    sim = await startModbusSimulator();
    sim.memory.holding[0] = 0x1111;
    sim.memory.input[0] = 0x2222;
    const c = await open(sim);
    c.sock.write(Buffer.concat([read(0x0a0b, 1, 3, 0, 1), read(0x0c0d, 1, 4, 0, 1)]));
    const expected = '0a0b000000050103021111' + '0c0d000000050104022222';
    await until(() => c.received().length >= expected.length);
    expect(c.received()).toBe(expected);
  });

  it('answers exception 03 for 126 registers and 01 for an unknown function', async () => {
    sim = await startModbusSimulator();
    const c = await open(sim);
    c.sock.write(Buffer.concat([read(1, 1, 3, 0, 126), read(2, 1, 0x41, 0, 1)]));
    const expected = '000100000003018303' + '00020000000301c101';
    await until(() => c.received().length >= expected.length);
    expect(c.received()).toBe(expected);
  });

  it('drops a connection whose header cannot be framed (protocol id not 0)', async () => {
    sim = await startModbusSimulator();
    const c = await open(sim);
    const bad = read(1, 1, 3, 0, 1);
    bad.writeUInt16BE(0x1234, 2);
    c.sock.write(bad);
    await c.closed;
    expect(c.received()).toBe('');
  });

  it('stays silent for a unit id it does not serve, and keeps serving the others', async () => {
    sim = await startModbusSimulator({ unitIds: [5] });
    const c = await open(sim);
    c.sock.write(Buffer.concat([read(1, 6, 3, 0, 1), read(2, 5, 3, 0, 1)]));
    await until(() => c.received().length > 0);
    expect(c.received()).toBe('000200000005050302' + '0000');
    expect(sim.requestCount()).toBe(2);
  });

  it('answers any unit id from one memory with unitIds "any"', async () => {
    sim = await startModbusSimulator({ unitIds: 'any' });
    sim.memory.holding[0] = 9;
    const c = await open(sim);
    c.sock.write(read(1, 200, 3, 0, 1));
    await until(() => c.received().length > 0);
    expect(c.received()).toBe('000100000005c803020009');
  });

  it('serves motion values: what the memory holds after a tick is what the driver reads', async () => {
    sim = await startModbusSimulator({
      motion: { signals: [{ kind: 'ramp', address: 'HR0', type: 'float32', min: 0, max: 100, periodMs: 1000 }], tickMs: 60_000 },
    });
    expect(sim.motion.running).toBe(true);
    sim.motion.stop();
    sim.motion.tick(250);
    driver = driverFor(sim);
    const batch = await driver.read(driver.plan([tag('HR0', 'float32')]));
    expect(batch.values[0]).toBe(25);
  });
});
