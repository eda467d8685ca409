import { afterEach, describe, expect, it } from 'vitest';
import { deviceSchema, type DeviceInput } from '../../../src/io/config/schema.js';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { CommError } from '../../../src/io/errors.js';
import { McEndCodeError } from '../../../src/io/mc/codec/end-codes.js';
import { mcProtocol } from '../../../src/io/mc/index.js';
import type { McReadPlan } from '../../../src/io/mc/planner.js';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import { Quality, type DataType, type TagSpec } from '../../../src/io/types.js';
import { silentLogger } from '../../../src/log.js';
import { COMBOS, simulator } from './helpers.js';

const drivers: DeviceDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

function driverFor(sim: McSimulator, input: Partial<DeviceInput>): DeviceDriver {
  const device = deviceSchema.parse({ name: 'plc1', protocol: 'mc3e', port: sim.port, encoding: sim.encoding, timeoutMs: 1_000, retries: 0, retryDelayMs: 0, ...input });
  const driver = mcProtocol.createDriver(device, { logger: silentLogger() });
  drivers.push(driver);
  return driver;
}

let ids = 1;
const tag = (address: string, type: DataType, extra: Partial<TagSpec> = {}): TagSpec => ({ id: ids++, name: address, address, type, ...extra });

describe.each(COMBOS)('MC driver over $frame $encoding', ({ frame, encoding }) => {
  it('reads every data type exactly as the simulator holds it', async () => {
    const sim = await simulator({ encoding });
    const m = sim.memory;
    m.setInt16('D0', -1234);
    m.setValue('D1', 'uint16', 65000);
    m.setInt32('D2', -123456789);
    m.setUint32('D4', 4_000_000_000);
    m.setFloat32('D6', 3.5);
    m.setFloat64('D8', -1e-9);
    m.setBcd16('D12', 9876);
    m.setString('D20', 'PUMP-7', 4);
    m.setBit('D30.A', true);
    m.setBit('M5', true);
    m.setBit('X1F', true);
    m.setBit('TS7', true);
    m.setInt32('D40', 0x00010002, 'high');
    m.setValue('M32', 'int16', 0x1234);
    m.setWord('W1FF', 500);
    const tags = [
      tag('D0', 'int16'),
      tag('D1', 'uint16'),
      tag('D2', 'int32'),
      tag('D4', 'uint32'),
      tag('D6', 'float32'),
      tag('D8', 'float64'),
      tag('D12', 'bcd16'),
      tag('D20', 'string', { length: 4 }),
      tag('D30.A', 'bit'),
      tag('D30.9', 'bit'),
      tag('M5', 'bit'),
      tag('M6', 'bit'),
      tag('X1F', 'bit'),
      tag('TS7', 'bit'),
      tag('D40', 'int32', { wordOrder: 'high' }),
      tag('M32', 'int16'),
      tag('W1FF', 'int16', { scale: 0.1, offset: -10 }),
    ];
    const driver = driverFor(sim, { protocol: frame === '3e' ? 'mc3e' : 'mc4e', pipeline: frame === '4e' });
    const plan = driver.plan(tags);
    const batch = await driver.read(plan);
    expect(Array.from(batch.quality)).toEqual(tags.map(() => Quality.GOOD));
    expect(Array.from(batch.tagIds)).toEqual(tags.map((t) => t.id));
    const values = Array.from(batch.values);
    expect(values.slice(0, 7)).toEqual([-1234, 65000, -123456789, 4_000_000_000, 3.5, -1e-9, 9876]);
    expect(batch.texts?.[7]).toBe('PUMP-7');
    expect(values.slice(8)).toEqual([1, 0, 1, 0, 1, 1, 0x00010002, 0x1234, 500 * 0.1 - 10]);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('writes and reads handshake bits', async () => {
    const sim = await simulator({ encoding });
    const driver = driverFor(sim, { protocol: frame === '3e' ? 'mc3e' : 'mc4e' });
    await driver.writeBit!('M101', true);
    expect(sim.memory.getBit('M101')).toBe(true);
    expect(await driver.readBit!('M101')).toBe(true);
    await driver.writeBit!('M101', false);
    expect(await driver.readBit!('M101')).toBe(false);
    sim.memory.setBit('D7.F', true);
    expect(await driver.readBit!('D7.F')).toBe(true);
    await expect(driver.writeBit!('D7.F', true)).rejects.toThrow(/read-modify-write/);
  });
});

describe('MC driver failures', () => {
  it('marks the tags of a failed request BAD_DEVICE and keeps the good ones', async () => {
    const sim = await simulator();
    sim.memory.setWord('D0', 7);
    const driver = driverFor(sim, {});
    // W has 0x2000 words: an int32 at W1FFF runs past the end (C056).
    const tags = [...Array.from({ length: 50 }, (_, i) => tag(`D${i}`, 'int16')), tag('W1FFF', 'int32')];
    const plan = driver.plan(tags) as McReadPlan;
    expect(plan.requestCount).toBe(2);
    const batch = await driver.read(plan);
    expect(batch.values[0]).toBe(7);
    expect(batch.quality[0]).toBe(Quality.GOOD);
    expect(batch.quality[50]).toBe(Quality.BAD_DEVICE);
    expect(batch.values[50]).toBeNaN();
    // The PLC answered: a refused address is a per-tag error, the device stays ONLINE (issue 12).
    expect(driver.status()).toMatchObject({ state: 'ONLINE', lastError: null });
    expect(plan.refusedTags?.()).toMatchObject([{ tag: { address: 'W1FFF' }, error: 'C056 ADDRESS_OUT_OF_RANGE' }]);
  });

  it('takes a refused word out of a shared random read: the others read good, from the next poll on in one request (issue 12)', async () => {
    const sim = await simulator({ faults: { refuse: [{ device: 'D', start: 10000 }] } });
    for (let i = 0; i < 10; i++) sim.memory.setWord(`D${i}`, 100 + i);
    sim.memory.setWord('W10', 7);
    const driver = driverFor(sim, {});
    const tags = [...Array.from({ length: 10 }, (_, i) => tag(`D${i}`, 'int16')), tag('D20000', 'int16'), tag('W10', 'uint16')];
    const plan = driver.plan(tags) as McReadPlan;
    const first = await driver.read(plan);
    expect([...first.values.slice(0, 10)]).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(first.values[11]).toBe(7);
    expect(first.quality[10]).toBe(Quality.BAD_DEVICE);
    const before = sim.stats.requests;
    const second = await driver.read(plan);
    expect(sim.stats.requests - before).toBe(plan.requestCount);
    expect([...second.quality]).toEqual([...Array<number>(10).fill(Quality.GOOD), Quality.BAD_DEVICE, Quality.GOOD]);
    expect(driver.status()).toMatchObject({ state: 'ONLINE', lastError: null });
    expect(plan.refusedTags?.().map((r) => [r.tag.address, r.error])).toEqual([['D20000', 'C056 ADDRESS_OUT_OF_RANGE']]);
  });

  it('rejects with McEndCodeError when every request fails', async () => {
    const sim = await simulator();
    const driver = driverFor(sim, {});
    const plan = driver.plan([tag('D12287', 'int32')]);
    await expect(driver.read(plan)).rejects.toBeInstanceOf(McEndCodeError);
    await expect(driver.read(plan)).rejects.toThrow(/C056 ADDRESS_OUT_OF_RANGE .* batch read words D12287-D12288 on plc1/);
  });

  it('marks an invalid BCD word BAD_CONFIG', async () => {
    const sim = await simulator();
    sim.memory.setWord('D0', 0x12ab);
    const driver = driverFor(sim, {});
    const batch = await driver.read(driver.plan([tag('D0', 'bcd16')]));
    expect(batch.quality[0]).toBe(Quality.BAD_CONFIG);
  });

  it('a 3E timeout closes the connection and the next read runs on a new one', async () => {
    const sim = await simulator({ faults: { replyDelayMs: 500 } });
    sim.memory.setWord('D0', 9);
    const driver = driverFor(sim, { timeoutMs: 100 });
    const plan = driver.plan([tag('D0', 'int16')]);
    await expect(driver.read(plan)).rejects.toBeInstanceOf(CommError);
    sim.faults.replyDelayMs = 0;
    // The link may be in reconnect backoff for a moment: retry until a read succeeds.
    let value = Number.NaN;
    for (let attempt = 0; attempt < 100 && value !== 9; attempt++) {
      value = await driver.read(plan).then(
        (b) => b.values[0]!,
        () => new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 100)),
      );
    }
    expect(value).toBe(9);
    expect(sim.stats.accepted).toBeGreaterThanOrEqual(2);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('4E pipelining runs a multi-request plan with several requests in flight', async () => {
    const sim = await simulator({ faults: { scanMs: 10 } });
    const tags = ['D', 'R', 'ZR', 'SD'].flatMap((device) => Array.from({ length: 100 }, (_, i) => tag(`${device}${i}`, 'int16')));
    tags.forEach((t, i) => sim.memory.setWord(t.address, i));
    const driver = driverFor(sim, { protocol: 'mc4e', pipeline: true });
    const plan = driver.plan(tags);
    expect(plan.requestCount).toBe(4);
    const batch = await driver.read(plan);
    expect(Array.from(batch.values)).toEqual(tags.map((_, i) => i));
    expect(sim.stats.maxPipelined).toBeGreaterThan(1);
  });

  it('3E never has more than one request in flight', async () => {
    const sim = await simulator({ faults: { scanMs: 5 } });
    const tags = ['D', 'R', 'ZR', 'SD'].flatMap((device) => Array.from({ length: 100 }, (_, i) => tag(`${device}${i}`, 'int16')));
    const driver = driverFor(sim, { protocol: 'mc3e' });
    await driver.read(driver.plan(tags));
    expect(sim.stats.requests).toBe(4);
    expect(sim.stats.maxPipelined).toBe(1);
  });

  it.each([
    ['silent', { silent: true }],
    ['resetMidReply', { resetMidReply: true }],
    ['replyDelayMs', { replyDelayMs: 400 }],
  ] as const)('fault %s: the read fails with CommError and the device goes OFFLINE', async (_name, fault) => {
    const sim = await simulator({ faults: fault });
    const driver = driverFor(sim, { timeoutMs: 100, retries: 1 });
    await expect(driver.read(driver.plan([tag('D0', 'int16')]))).rejects.toBeInstanceOf(CommError);
    expect(driver.status().state).toBe('OFFLINE');
    expect(driver.status().lastError).toMatch(/CommError|DeviceOfflineError/);
  });

  it('reconnects after the simulated PLC is stopped and restarted on the same port', async () => {
    const first = await simulator();
    first.memory.setWord('D0', 1);
    const driver = driverFor(first, { timeoutMs: 200, retries: 0, connectTimeoutMs: 500 });
    const plan = driver.plan([tag('D0', 'int16')]);
    expect((await driver.read(plan)).values[0]).toBe(1);
    await first.close();
    await expect(driver.read(plan)).rejects.toBeInstanceOf(CommError);
    const second = await simulator({ port: first.port });
    second.memory.setWord('D0', 2);
    let value = Number.NaN;
    for (let attempt = 0; attempt < 100 && value !== 2; attempt++) {
      value = await driver.read(plan).then(
        (b) => b.values[0]!,
        () => new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 100)),
      );
    }
    expect(value).toBe(2);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('refuses a plan made by another driver', async () => {
    const sim = await simulator();
    const a = driverFor(sim, {});
    const b = driverFor(sim, { name: 'plc2' });
    await expect(b.read(a.plan([tag('D0', 'int16')]))).rejects.toThrow(TypeError);
  });
});

describe('mcProtocol config checks', () => {
  const device = deviceSchema.parse({ name: 'p', protocol: 'mc3e', port: 5000, series: 'fx' });
  it('checks tags and bits with the device series', () => {
    expect(mcProtocol.checkTag({ name: 'a', address: 'X17', type: 'bit' }, device)).toBeNull();
    expect(mcProtocol.checkTag({ name: 'a', address: 'X18', type: 'bit' }, device)).toMatch(/octal/);
    expect(mcProtocol.checkBit('M100', device)).toBeNull();
    expect(mcProtocol.checkBit('D100.1', device)).toMatch(/bit device/);
  });
});
