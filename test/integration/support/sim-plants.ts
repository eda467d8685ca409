import { startModbusSimulator, type ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { validatePlant } from '../../../src/io/config/validate.js';
import type { PlantConfig, PlantInput } from '../../../src/io/config/schema.js';

export interface SimTag {
  readonly name: string;
  /** Holding register number. */
  readonly hr: number;
  /** The register's raw word (0-32767: reads back as the same int16). */
  readonly value: number;
  readonly renamedFrom?: string;
}

/** A Modbus simulator holding each tag's value as a raw register word (not our encoder). */
export async function modbusWith(tags: readonly SimTag[]): Promise<ModbusSimulator> {
  const sim = await startModbusSimulator({});
  for (const t of tags) sim.memory.setRegisters('holding', t.hr, [t.value]);
  return sim;
}

/** One device "plc" (the same name in every plant on purpose), one 100 ms group "fast". */
export function modbusPlant(o: { collector: string; port: number; tags: readonly SimTag[]; sink?: PlantInput['sink']; intervalMs?: number }): PlantConfig {
  return validatePlant(
    {
      collector: { name: o.collector, leaseS: 5 },
      devices: [{ name: 'plc', protocol: 'modbus', port: o.port, timeoutMs: 1000, retries: 1 }],
      groups: [{ name: 'fast', device: 'plc', intervalMs: o.intervalMs ?? 100, tags: o.tags.map((t) => ({ name: t.name, address: `HR${t.hr}`, ...(t.renamedFrom ? { renamedFrom: t.renamedFrom } : {}) })) }],
      ...(o.sink ? { sink: o.sink } : {}),
    },
    'test plant',
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
