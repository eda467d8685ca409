import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { AddressError, CommError } from '../../../src/io/errors.js';
import { ModbusExceptionError } from '../../../src/io/modbus/index.js';
import { startModbusSimulator, type ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { Quality } from '../../../src/io/types.js';
import { driverFor, failureOf, tag } from './helpers.js';

let sims: ModbusSimulator[] = [];
let drivers: DeviceDriver[] = [];
async function sim(options: Parameters<typeof startModbusSimulator>[0] = {}): Promise<ModbusSimulator> {
  const s = await startModbusSimulator(options);
  sims.push(s);
  return s;
}
function driver(s: ModbusSimulator, device: Parameters<typeof driverFor>[1] = {}): DeviceDriver {
  const d = driverFor(s, device);
  drivers.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  drivers = [];
});

describe('Modbus driver against our simulator', () => {
  it('reads every data type in both word orders from all four tables', async () => {
    const s = await sim();
    const m = s.memory;
    m.set('HR0', 'int16', -2);
    m.set('HR1', 'uint16', 65000);
    m.set('HR2', 'int32', -100_000);
    m.set('HR4', 'uint32', 4_000_000_000);
    m.set('HR6', 'float32', 3.5);
    m.set('HR8', 'float64', -0.1);
    m.set('HR12', 'bcd16', 9876);
    m.setString('HR13', 'HELLO', 3);
    m.set('HR16.7', 'bit', 1);
    m.set('HR20', 'int32', 123_456_789, { wordOrder: 'low' });
    m.set('HR22', 'float64', 1e100, { wordOrder: 'low' });
    m.set('IR3', 'float32', -8.25);
    m.set('C5', 'bit', 1);
    m.set('DI9', 'bit', 1);
    const tags = [
      tag('HR0', 'int16'),
      tag('HR1', 'uint16'),
      tag('HR2', 'int32'),
      tag('HR4', 'uint32'),
      tag('HR6', 'float32'),
      tag('HR8', 'float64'),
      tag('HR12', 'bcd16'),
      tag('HR13', 'string', { length: 3 }),
      tag('HR16.7', 'bit'),
      tag('HR16.6', 'bit'),
      tag('HR20', 'int32', { wordOrder: 'low' }),
      tag('HR22', 'float64', { wordOrder: 'low' }),
      tag('IR3', 'float32'),
      tag('C5', 'bit'),
      tag('C4', 'bit'),
      tag('DI9', 'bit'),
    ];
    const d = driver(s);
    const batch = await d.read(d.plan(tags));
    expect([...batch.values.subarray(0, 7)]).toEqual([-2, 65000, -100_000, 4_000_000_000, 3.5, -0.1, 9876]);
    expect(batch.texts?.[7]).toBe('HELLO');
    expect([...batch.values.subarray(8)]).toEqual([1, 0, 123_456_789, 1e100, -8.25, 1, 0, 1]);
    expect(batch.quality.every((q) => q === Quality.GOOD)).toBe(true);
  });

  it('uses the device word order and one-based addresses when the device says so', async () => {
    const s = await sim();
    s.memory.set('HR0', 'float32', 12.5, { wordOrder: 'low' });
    s.memory.set('HR9', 'int16', 99);
    const d = driver(s, { wordOrder: 'low', addressBase: 1 });
    const batch = await d.read(d.plan([tag('HR1', 'float32'), tag('HR10', 'int16'), tag('40010', 'int16')]));
    expect([...batch.values]).toEqual([12.5, 99, 99]);
  });

  it('sees memory changes on the next poll of the same plan', async () => {
    const s = await sim();
    const d = driver(s);
    const plan = d.plan([tag('HR0', 'uint16')]);
    for (const value of [1, 2, 3]) {
      s.memory.set('HR0', 'uint16', value);
      expect((await d.read(plan)).values[0]).toBe(value);
    }
  });

  it('reports a refused address by exception code and name; the device answered, so it stays ONLINE', async () => {
    const s = await sim({ tableSizes: { holding: 100 } });
    const d = driver(s);
    const err = await failureOf(d.read(d.plan([tag('HR150')])));
    expect(err).toBeInstanceOf(ModbusExceptionError);
    expect(err).toMatchObject({ exceptionCode: 2, exceptionName: 'ILLEGAL DATA ADDRESS', code: 'MODBUS_EXCEPTION' });
    expect((err as Error).message).toBe('exception 2 ILLEGAL DATA ADDRESS (FC03 unit 1 address 150 quantity 1)');
    expect(d.status()).toMatchObject({ state: 'ONLINE', lastError: null });
  });

  it('keeps the good blocks of a poll when one block gets an exception', async () => {
    const s = await sim({ tableSizes: { holding: 100 } });
    s.memory.set('HR0', 'int16', 5);
    const d = driver(s);
    const batch = await d.read(d.plan([tag('HR0'), tag('HR150')]));
    expect(batch.values[0]).toBe(5);
    expect(batch.values[1]).toBeNaN();
    expect([...batch.quality]).toEqual([Quality.GOOD, Quality.BAD_DEVICE]);
  });

  it('splits a merged read that crosses a hole in the register map, once, and keeps reading both tags', async () => {
    const s = await sim({ holes: [{ table: 'holding', start: 101, count: 9 }] });
    s.memory.set('HR100', 'int16', 1);
    s.memory.set('HR110', 'int16', 2);
    const d = driver(s);
    const plan = d.plan([tag('HR100'), tag('HR110')]);
    expect(plan.requestCount).toBe(1); // a gap of 9 is cheaper than a second request...
    const first = await d.read(plan);
    expect([...first.values]).toEqual([1, 2]); // ...until the device refuses it
    expect(plan.requestCount).toBe(2);
    const before = s.requestCount();
    expect([...(await d.read(plan)).values]).toEqual([1, 2]);
    expect(s.requestCount() - before).toBe(2); // the refused merged read is not tried again
  });

  it('parks a tag whose own address is bad: no request for it until its retry is due', async () => {
    const s = await sim({ holes: [{ table: 'holding', start: 5, count: 1 }] });
    const d = driver(s);
    const plan = d.plan([tag('HR5', 'int16')]);
    expect(await failureOf(d.read(plan))).toMatchObject({ exceptionCode: 2 });
    expect(plan.requestCount).toBe(0);
    const before = s.requestCount();
    expect(await failureOf(d.read(plan))).toMatchObject({ exceptionCode: 2 });
    expect(s.requestCount()).toBe(before);
    expect(plan.refusedTags?.()).toMatchObject([{ tag: { address: 'HR5' }, error: 'exception 2 ILLEGAL DATA ADDRESS' }]);
  });

  it.each([
    [4, 'SERVER DEVICE FAILURE'],
    [6, 'SERVER DEVICE BUSY'],
    [10, 'GATEWAY PATH UNAVAILABLE'],
    [11, 'GATEWAY TARGET DEVICE FAILED TO RESPOND'],
  ])('names exception %i %s, and the session survives it', async (code, name) => {
    const s = await sim();
    const d = driver(s);
    const plan = d.plan([tag('HR0')]);
    s.faults.set({ exception: code });
    expect(await failureOf(d.read(plan))).toMatchObject({ exceptionCode: code, exceptionName: name });
    s.faults.reset();
    await d.read(plan);
    expect(s.connectionCount()).toBe(1);
    expect(d.status().state).toBe('ONLINE');
  });

  it('answers each unit id from its own memory', async () => {
    const s = await sim({ unitIds: [1, 2] });
    s.memoryOf(1).set('HR0', 'int16', 11);
    s.memoryOf(2).set('HR0', 'int16', 22);
    const one = driver(s, { unitId: 1 });
    const two = driver(s, { unitId: 2 });
    expect((await one.read(one.plan([tag('HR0')]))).values[0]).toBe(11);
    expect((await two.read(two.plan([tag('HR0')]))).values[0]).toBe(22);
  });

  it('gets exception 0x0B for a unit a gateway cannot reach', async () => {
    const s = await sim({ unitIds: [1], unknownUnit: 'gateway-exception' });
    const d = driver(s, { unitId: 7 });
    expect(await failureOf(d.read(d.plan([tag('HR0')])))).toMatchObject({ exceptionCode: 11 });
  });

  it('times out, OFFLINE, when a unit id gets no answer at all', async () => {
    const s = await sim({ unitIds: [1] });
    const d = driver(s, { unitId: 7, timeoutMs: 100 });
    const err = await failureOf(d.read(d.plan([tag('HR0')])));
    expect(err).toBeInstanceOf(CommError);
    expect(d.status().state).toBe('OFFLINE');
  });

  it('reads and writes handshake bits: a coil by FC05, a register bit by FC22', async () => {
    const s = await sim();
    s.memory.holding[10] = 0x8001;
    const d = driver(s);
    await d.writeBit?.('C100', true);
    expect(s.memory.bit('C100')).toBe(true);
    expect(await d.readBit?.('C100')).toBe(true);
    await d.writeBit?.('HR10.4', true);
    await d.writeBit?.('HR10.0', false);
    expect(s.memory.holding[10]).toBe(0x8010); // the PLC's other bits are kept
    expect(await d.readBit?.('HR10.15')).toBe(true);
    s.memory.set('DI2', 'bit', 1);
    expect(await d.readBit?.('DI2')).toBe(true);
    await expect(d.writeBit?.('DI2', true)).rejects.toBeInstanceOf(AddressError);
    await expect(d.readBit?.('HR10')).rejects.toThrow(/name one bit/);
  });

  it('refuses a plan made by another driver', async () => {
    const s = await sim();
    const plan = driver(s).plan([tag('HR0')]);
    await expect(driver(s).read(plan)).rejects.toThrow(/plan made by this driver/);
  });
});
