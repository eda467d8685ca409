import { afterEach, describe, expect, it } from 'vitest';
import { deviceSchema, type DeviceInput } from '../../../src/io/config/schema.js';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { CommError } from '../../../src/io/errors.js';
import { Mc1eEndCodeError } from '../../../src/io/mc/codec/end-codes-1e.js';
import { mcProtocol } from '../../../src/io/mc/index.js';
import type { McReadPlan } from '../../../src/io/mc/planner.js';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import { Quality, type DataType, type TagSpec } from '../../../src/io/types.js';
import { silentLogger } from '../../../src/log.js';
import { simulator } from './helpers.js';

/**
 * The MC driver over the new frame and transport: 1E (FX3) over TCP and UDP, and 3E/4E over
 * UDP, each against the simulator speaking the same, for every data type and device kind.
 */

const drivers: DeviceDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

function driverFor(sim: McSimulator, input: Partial<DeviceInput>): DeviceDriver {
  const device = deviceSchema.parse({ name: 'plc1', protocol: 'mc3e', port: sim.port, encoding: sim.encoding, transport: sim.transport, timeoutMs: 1_000, retries: 0, retryDelayMs: 0, ...input });
  const driver = mcProtocol.createDriver(device, { logger: silentLogger() });
  drivers.push(driver);
  return driver;
}

let ids = 1;
const tag = (address: string, type: DataType, extra: Partial<TagSpec> = {}): TagSpec => ({ id: ids++, name: address, address, type, ...extra });

const FX3_COMBOS = [
  { transport: 'tcp', encoding: 'binary' },
  { transport: 'tcp', encoding: 'ascii' },
  { transport: 'udp', encoding: 'binary' },
  { transport: 'udp', encoding: 'ascii' },
] as const;

describe.each(FX3_COMBOS)('MC driver, 1E (FX3) over $transport $encoding', ({ transport, encoding }) => {
  const fx3 = (extra: Partial<DeviceInput> = {}) => ({ protocol: 'mc1e', series: 'fx3', ...extra }) as const;

  it('reads every data type and FX3 device exactly as the simulator holds it', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport });
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
    m.setWord('D8000', 77);
    m.setWord('R32767', 5);
    m.setWord('TN5', 40);
    m.setWord('CN199', 12);
    m.setBit('TS3', true);
    m.setBit('CS7', true);
    m.setBit('X17', true);
    m.setBit('Y377', true);
    m.setBit('M5', true);
    m.setBit('M8000', true);
    m.setBit('S4095', true);
    m.setValue('M32', 'int16', 0x1234);
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
      tag('D8000', 'int16'),
      tag('R32767', 'int16'),
      tag('TN5', 'int16'),
      tag('CN199', 'int16'),
      tag('TS3', 'bit'),
      tag('TS4', 'bit'),
      tag('CS7', 'bit'),
      tag('X17', 'bit'),
      tag('X16', 'bit'),
      tag('Y377', 'bit'),
      tag('M5', 'bit'),
      tag('M8000', 'bit'),
      tag('S4095', 'bit'),
      tag('M32', 'int16'),
    ];
    const driver = driverFor(sim, fx3());
    const batch = await driver.read(driver.plan(tags));
    expect(Array.from(batch.quality)).toEqual(tags.map(() => Quality.GOOD));
    const values = Array.from(batch.values);
    expect(values.slice(0, 7)).toEqual([-1234, 65000, -123456789, 4_000_000_000, 3.5, -1e-9, 9876]);
    expect(batch.texts?.[7]).toBe('PUMP-7');
    expect(values.slice(8)).toEqual([1, 77, 5, 40, 12, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0x1234]);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('splits reads within the 1E limits: 64 words, 32 words of a bit device, 256 bits', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport });
    const words = Array.from({ length: 200 }, (_, i) => tag(`D${i}`, 'int16'));
    words.forEach((t, i) => sim.memory.setWord(t.address, i));
    const relays = Array.from({ length: 40 }, (_, i) => tag(`M${i * 16}`, 'int16'));
    const contacts = Array.from({ length: 300 }, (_, i) => tag(`TS${i}`, 'bit'));
    const driver = driverFor(sim, fx3());
    const plan = driver.plan([...words, ...relays, ...contacts]) as McReadPlan;
    // 200 words: 4 requests of <= 64; 40 words of M: 2 of <= 32; 300 contacts: 2 of <= 256.
    expect(plan.requestCount).toBe(4 + 2 + 2);
    const batch = await driver.read(plan);
    expect(Array.from(batch.values.subarray(0, 200))).toEqual(words.map((_, i) => i));
    expect(Array.from(batch.quality).every((q) => q === Quality.GOOD)).toBe(true);
  });

  it('writes and reads handshake bits (M, X octal, TS by pairs, a bit of D)', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport });
    const driver = driverFor(sim, fx3());
    await driver.writeBit!('M101', true);
    expect(sim.memory.getBit('M101')).toBe(true);
    expect(sim.memory.getBit('M100')).toBe(false);
    expect(await driver.readBit!('M101')).toBe(true);
    await driver.writeBit!('M101', false);
    expect(await driver.readBit!('M101')).toBe(false);
    sim.memory.setBit('Y17', true);
    expect(await driver.readBit!('Y17')).toBe(true);
    sim.memory.setBit('TS9', true);
    expect(await driver.readBit!('TS9')).toBe(true);
    expect(await driver.readBit!('TS8')).toBe(false);
    sim.memory.setBit('D7.F', true);
    expect(await driver.readBit!('D7.F')).toBe(true);
  });

  it('a refused address fails its own tags with the 1E complete code by name, the rest are good', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport, sizes: { R: 100 } });
    sim.memory.setWord('D0', 7);
    const driver = driverFor(sim, fx3());
    const batch = await driver.read(driver.plan([tag('D0', 'int16'), tag('R200', 'int16')]));
    expect(batch.values[0]).toBe(7);
    expect(batch.quality[1]).toBe(Quality.BAD_DEVICE);
    const only = driver.plan([tag('R200', 'int16')]);
    await expect(driver.read(only)).rejects.toBeInstanceOf(Mc1eEndCodeError);
    await expect(driver.read(only)).rejects.toThrow(/58H ADDRESS_OUT_OF_RANGE .* batch read words R200 on plc1/);
    expect(driver.status().state).toBe('ERROR');
  });

  it('silence: the read fails with CommError and the device goes OFFLINE after the retries', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport, faults: { silent: true } });
    const driver = driverFor(sim, fx3({ timeoutMs: 100, retries: 1 }));
    await expect(driver.read(driver.plan([tag('D0', 'int16')]))).rejects.toBeInstanceOf(CommError);
    expect(driver.status().state).toBe('OFFLINE');
  });

  it('a late reply never answers the next request (the session is replaced)', async () => {
    const sim = await simulator({ series: 'fx3', encoding, transport, faults: { replyDelayMs: 300 } });
    sim.memory.setWords('D0', [111, 222]);
    const driver = driverFor(sim, fx3({ timeoutMs: 100, retries: 0 }));
    await expect(driver.read(driver.plan([tag('D0', 'int16')]))).rejects.toBeInstanceOf(CommError);
    sim.faults.replyDelayMs = 0;
    const plan = driver.plan([tag('D1', 'int16')]);
    let value = Number.NaN;
    for (let attempt = 0; attempt < 100 && Number.isNaN(value); attempt++) {
      value = await driver.read(plan).then(
        (b) => b.values[0]!,
        () => new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 100)),
      );
    }
    // Had the stale D0 reply been paired with the D1 request, this would read 111.
    expect(value).toBe(222);
  });
});

describe.each([
  { frame: '3e', encoding: 'binary' },
  { frame: '3e', encoding: 'ascii' },
  { frame: '4e', encoding: 'binary' },
  { frame: '4e', encoding: 'ascii' },
] as const)('MC driver, $frame $encoding over UDP', ({ frame, encoding }) => {
  const protocol = frame === '3e' ? 'mc3e' : 'mc4e';

  it('reads word, bit and random-read tags', async () => {
    const sim = await simulator({ encoding, transport: 'udp' });
    sim.memory.setInt32('D100', -5);
    sim.memory.setFloat32('D2000', 1.25);
    sim.memory.setBit('X1F', true);
    sim.memory.setBit('TS7', true);
    sim.memory.setWord('W1FF', 9);
    const tags = [tag('D100', 'int32'), tag('D2000', 'float32'), tag('X1F', 'bit'), tag('TS7', 'bit'), tag('W1FF', 'int16'), tag('D5000', 'int16')];
    const driver = driverFor(sim, { protocol, pipeline: frame === '4e' });
    const batch = await driver.read(driver.plan(tags));
    expect(Array.from(batch.values)).toEqual([-5, 1.25, 1, 1, 9, 0]);
    await driver.writeBit!('M3', true);
    expect(sim.memory.getBit('M3')).toBe(true);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('a dropped request datagram is retried and the read succeeds', async () => {
    const sim = await simulator({ encoding, transport: 'udp', faults: { dropRequests: 1 } });
    sim.memory.setWord('D0', 42);
    const driver = driverFor(sim, { protocol, timeoutMs: 100, retries: 2 });
    const batch = await driver.read(driver.plan([tag('D0', 'int16')]));
    expect(batch.values[0]).toBe(42);
    expect(sim.dropped()).toBe(1);
    expect(driver.status().state).toBe('ONLINE');
  });

  it('no answers through the retries: OFFLINE (there is no connection to lose)', async () => {
    const sim = await simulator({ encoding, transport: 'udp', faults: { dropRequests: 100 } });
    const driver = driverFor(sim, { protocol, timeoutMs: 80, retries: 2 });
    await expect(driver.read(driver.plan([tag('D0', 'int16')]))).rejects.toBeInstanceOf(CommError);
    expect(sim.dropped()).toBe(3);
    expect(driver.status().state).toBe('OFFLINE');
  });
});

// `jsscada probe` over 1E and UDP: test/cli/probe.test.ts.
