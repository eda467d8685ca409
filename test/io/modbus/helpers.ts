import { pino } from 'pino';
import { deviceSchema, type DeviceInput } from '../../../src/io/config/schema.js';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { createModbusDriver } from '../../../src/io/modbus/index.js';
import type { ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import type { TagSpec } from '../../../src/io/types.js';

/** A driver on a simulator: short timeouts, no jitter, a reconnect backoff of 0 ms so tests never wait on it. */
export function driverFor(sim: Pick<ModbusSimulator, 'port'>, device: Partial<DeviceInput> = {}): DeviceDriver {
  const config = deviceSchema.parse({
    name: 'sim',
    protocol: 'modbus',
    port: sim.port,
    timeoutMs: 500,
    connectTimeoutMs: 1000,
    retries: 0,
    retryDelayMs: 0,
    ...device,
  });
  return createModbusDriver(config, { logger: pino({ level: 'silent' }) }, {
    link: { reconnectInitialMs: 1, reconnectMaxMs: 1 },
    random: () => 0,
  });
}

let nextId = 1;
/** A tag spec with a fresh id. */
export function tag(address: string, type: TagSpec['type'] = 'int16', extra: Partial<TagSpec> = {}): TagSpec {
  const id = nextId++;
  return { id, name: `${address}-${type}-${id}`, address, type, ...extra };
}

/** Catch a rejection as a value, so a test can assert on its class and fields. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a value');
}
